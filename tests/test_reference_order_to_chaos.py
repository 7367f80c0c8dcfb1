"""Reference-solution tests for ``depth_vs_width``: the order-to-chaos transition (Poole et al. 2016).

For tanh nets without bias, weights N(0, sigma_w^2 / n): at sigma_w = 2 the pre-activation length q
stays at q* = 2.12 and nearby inputs separate by chi_1 = 1.36 per layer; at sigma_w = 0.4 q vanishes
(chi_1 = 0.16) and inputs stay as correlated as they came in. Mean-field predictions are computed here
by Gauss-Hermite quadrature, independently of the reference, and the reference's ``chi_1`` exercise is
checked against them.
"""

import math

import numpy as np
import pytest
import torch
import torch.nn as nn
from support.references import one_thread  # noqa: F401 (one_thread: autouse)

from reference.depth_vs_width import chi_1 as reference_chi_1
from reference.depth_vs_width import fixed_point_length as reference_fixed_point_length
from reference.depth_vs_width import (
    generate_trajectories,
    initialize_layers,
    make_MLP,
    set_seed,
)

# Mean-field theory (Poole et al. 2016)
NODES, WEIGHTS = np.polynomial.hermite_e.hermegauss(101)  # E over z ~ N(0, 1)
WEIGHTS = WEIGHTS / WEIGHTS.sum()


def length_map(q, sigma_w):
    """Pre-activation length of the next layer: sigma_w^2 E[tanh(sqrt(q) z)^2]."""
    return sigma_w**2 * np.sum(WEIGHTS * np.tanh(np.sqrt(q) * NODES) ** 2)


def correlation_map(c, q, sigma_w):
    """Correlation of two inputs of length q at the next layer."""
    z1, z2 = np.meshgrid(NODES, NODES, indexing="ij")
    u1 = np.sqrt(q) * z1
    u2 = np.sqrt(q) * (c * z1 + np.sqrt(1 - c**2) * z2)
    expected_product = np.sum(np.outer(WEIGHTS, WEIGHTS) * np.tanh(u1) * np.tanh(u2))
    return sigma_w**2 * expected_product / length_map(q, sigma_w)


def fixed_point_length(sigma_w, n_iterations=2000):
    """q*, the fixed point of ``length_map`` reached from q = 1."""
    q = 1.0
    for _ in range(n_iterations):
        q = length_map(q, sigma_w)
    return q


def chi_1(sigma_w):
    """Stretch per layer of a tiny perturbation: sigma_w^2 E[tanh'(sqrt(q*) z)^2]."""
    q_star = fixed_point_length(sigma_w)
    return sigma_w**2 * np.sum(WEIGHTS / np.cosh(np.sqrt(q_star) * NODES) ** 4)


def pre_activations(net, X):
    """Every hidden layer's pre-activation, stacked: (layers, examples, width)."""
    hidden, h = [], X
    for module in net:
        h = module(h)
        if isinstance(module, nn.Linear):
            hidden.append(h)
    return torch.stack(hidden[:-1])  # the last Linear is the output neuron



# Poole et al. 2016


def test_mean_field_theory_numbers():
    assert fixed_point_length(2.0) == pytest.approx(2.12, abs=0.01)
    assert chi_1(2.0) == pytest.approx(1.36, abs=0.01)
    assert fixed_point_length(0.4) < 1e-30
    assert chi_1(0.4) == pytest.approx(0.16, abs=1e-6)
    assert chi_1(0.9) < 1 < chi_1(1.1)  # order-to-chaos boundary at sigma_w = 1


@pytest.fixture(scope="module")
def wide_deep_activity():
    """Pre-activations of 20 hidden layers of width 1000 for three kinds of inputs."""
    n, depth, n_pairs = 1000, 21, 16
    activity = {}
    for sigma in (2.0, 0.4):
        torch.manual_seed(0)
        net = make_MLP(n, n, depth)
        initialize_layers(net, sigma)
        net = net.double()
        x, noise = torch.randn(2, n_pairs, n, dtype=torch.float64)
        inputs = {"x": x, "near": x + 1e-5 * noise}
        inputs["correlated"] = 0.9 * x + math.sqrt(1 - 0.9**2) * noise
        with torch.no_grad():
            activity[sigma] = {k: pre_activations(net, v) for k, v in inputs.items()}
    return activity


def layer_lengths(h):
    return (h**2).mean(dim=-1).mean(dim=-1).numpy()


def layer_correlations(h1, h2):
    c = (h1 * h2).mean(-1) / torch.sqrt((h1**2).mean(-1) * (h2**2).mean(-1))
    return c.mean(dim=-1).numpy()


def test_chaotic_net_keeps_length_at_q_star(wide_deep_activity):
    q = layer_lengths(wide_deep_activity[2.0]["x"])
    predicted = [q[0]]
    for _ in range(len(q) - 1):
        predicted.append(length_map(predicted[-1], 2.0))
    # the whole transient, layer by layer, then q* (measured 2.14)
    np.testing.assert_allclose(q, predicted, rtol=0.1)
    assert q[4:].mean() == pytest.approx(fixed_point_length(2.0), rel=0.04)


def test_ordered_net_loses_length_but_keeps_correlation(wide_deep_activity):
    activity = wide_deep_activity[0.4]
    q = layer_lengths(activity["x"])
    shrink = np.exp(np.mean(np.log(q[1:] / q[:-1])))
    assert shrink == pytest.approx(0.4**2, rel=0.05)
    assert q[-1] < 1e-13 * q[0]
    c = layer_correlations(activity["x"], activity["correlated"])
    assert c[0] > 0.85
    np.testing.assert_allclose(c, c[0], atol=0.02)


@pytest.mark.parametrize("sigma, rel", [(2.0, 0.04), (0.4, 0.03)])
def test_nearby_inputs_separate_at_rate_chi_1(wide_deep_activity, sigma, rel):
    activity = wide_deep_activity[sigma]
    distance = layer_lengths(activity["x"] - activity["near"])
    stretch = np.exp(np.mean(np.log(distance[5:] / distance[4:-1])))
    assert stretch == pytest.approx(chi_1(sigma), rel=rel)  # measured 1.35 and 0.160


def test_chaotic_net_decorrelates_nearby_inputs(wide_deep_activity):
    activity = wide_deep_activity[2.0]
    c = layer_correlations(activity["x"], activity["correlated"])
    q = layer_lengths(activity["x"])
    predicted = [c[0]]
    for layer in range(len(c) - 1):
        predicted.append(correlation_map(predicted[-1], q[layer], 2.0))
    np.testing.assert_allclose(c, predicted, atol=0.1)
    assert c[0] > 0.85 and abs(c[-1]) < 0.3


def test_generate_trajectories_is_the_networks_hidden_activity():
    set_seed(7)
    traj_1, traj_2 = generate_trajectories(30, 6, 50, 2.0, 0.4)
    assert traj_1.shape == traj_2.shape == (5, 50, 30)
    set_seed(7)
    theta = np.linspace(0, 2 * np.pi, 50)
    points = torch.tensor(np.array([np.cos(theta), np.sin(theta)]).T).float()
    for traj, sigma in ((traj_1, 2.0), (traj_2, 0.4)):
        net = make_MLP(2, 30, 6)
        initialize_layers(net, sigma)
        with torch.no_grad():
            hidden = net[:-1](points).numpy()
        np.testing.assert_allclose(traj[-1], hidden, rtol=1e-4, atol=1e-6)


def test_demo_chaotic_net_stretches_the_circle_quasi_linear_keeps_it():
    """The demo's circle, relative to its radius, grows sqrt(chi_1) longer per layer."""
    set_seed(42)
    W, (traj_1, traj_2) = 100, generate_trajectories(100, 20, 400, 2, 0.4)

    def relative_length(traj):
        radius = np.sqrt((traj**2).mean(axis=(1, 2)) * W)
        return np.linalg.norm(np.diff(traj, axis=1), axis=-1).sum(axis=1) / radius

    chaotic, quasi_linear = relative_length(traj_1), relative_length(traj_2)
    # a circle stays a circle
    np.testing.assert_allclose(quasi_linear, 2 * np.pi, rtol=0.05)
    growth = (chaotic[-1] / chaotic[0]) ** (1 / (len(chaotic) - 1))
    assert growth == pytest.approx(math.sqrt(chi_1(2.0)), abs=0.04)  # measured 1.15
    assert chaotic[-1] > 10 * chaotic[0]


@pytest.mark.parametrize("sigma_w", [0.4, 0.9, 1.1, 1.5, 2.0, 3.0])
def test_chi_1_is_the_mean_field_stretch(sigma_w):
    """The reference's chi_1 and q* agree with this file's quadrature (checked against Poole et al.)."""
    assert reference_fixed_point_length(sigma_w) == pytest.approx(fixed_point_length(sigma_w), abs=1e-9)
    assert reference_chi_1(sigma_w) == pytest.approx(chi_1(sigma_w), rel=1e-9)
    assert (reference_chi_1(sigma_w) > 1) == (sigma_w > 1)  # the order-to-chaos boundary at sigma_w = 1
