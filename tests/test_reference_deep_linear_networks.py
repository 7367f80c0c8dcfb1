"""The reference of ``deep_linear_networks`` reproduces the seed and the papers.

Seed value: ``initializer_`` on ``LNNet(5000, 5000, 1)`` with gamma=1 has std
0.01 +- 1e-5. Papers (Saxe, McClelland & Ganguli 2013; Saxe et al. 2019):
the hierarchical data's input-output correlation has singular values about
19.5, 15.3, 12.6 (x2), 8.9 (x4); a one-hidden-layer linear network learns
them in that order along the analytic sigmoid; the illusory "shark has bones"
prediction goes -0.25, +0.5, -1; at convergence the hidden representation's
similarity matrix is (Y Y^T)^(1/2).
"""

import numpy as np
import pytest
import torch

from reference.deep_linear_networks import (
    LNNet,
    add_feature,
    generate_hsd,
    initializer_,
    linear_regression,
    net_rsm,
    net_svd,
    train,
)

N_ITEMS = 8


@pytest.fixture(scope="module")
def tree_data():
    """The seed's hierarchical data, sampled once with a fixed seed."""
    np.random.seed(2021)
    return generate_hsd()


def input_output_correlation(labels, features):
    """Sigma_yx = Y^T X / P, features x items."""
    return features.T @ labels / labels.shape[0]


def mode_strengths(W_tot, U, V):
    """diag(U^T W_tot V): how much of each data mode the network has learned."""
    return np.einsum("fi,fj,ji->i", U, W_tot, V)


def total_weight(model):
    return (model.hid_out.weight @ model.in_hid.weight).detach().double().numpy()


def test_initializer_std_matches_seed():
    torch.manual_seed(2021)
    model = LNNet(5000, 5000, 1)
    initializer_(model, gamma=1)
    std = model.in_hid.weight.detach().std().item()
    assert abs(std - 0.01) <= 1e-5


def test_tree_correlation_singular_values(tree_data):
    labels, features = tree_data
    assert labels.shape == (N_ITEMS, N_ITEMS) and features.shape == (N_ITEMS, 10000)
    s = np.linalg.svd(input_output_correlation(labels, features), compute_uv=False)
    expected = [19.5, 15.3, 12.6, 12.6, 8.9, 8.9, 8.9, 8.9]
    np.testing.assert_allclose(s, expected, atol=0.5)


@pytest.fixture(scope="module")
def trained_dynamics(tree_data):
    """Train the seed's network (lr 20 to stay near gradient flow) and record W_tot."""
    labels, features = tree_data
    torch.manual_seed(0)
    lr, n_epochs = 20.0, 500
    model = LNNet(N_ITEMS, 30, features.shape[1])
    initializer_(model, gamma=1e-3)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    x, y = torch.tensor(labels).float(), torch.tensor(features).float()
    W_tots = []
    for _ in range(n_epochs):
        optimizer.zero_grad()
        torch.nn.functional.mse_loss(model(x)[0], y).backward()
        optimizer.step()
        W_tots.append(total_weight(model))
    return model, np.array(W_tots), lr


def test_modes_are_learned_in_order_of_singular_value(tree_data, trained_dynamics):
    labels, features = tree_data
    _, W_tots, _ = trained_dynamics
    U, s, Vt = np.linalg.svd(input_output_correlation(labels, features), full_matrices=False)
    target = s * N_ITEMS  # the modes converge to the singular values of Sigma_yx / c, c = 1/P
    u = np.array([mode_strengths(W, U, Vt.T) for W in W_tots])
    half_time = (u < target / 2).sum(axis=0)
    groups = [[0], [1], [2, 3], [4, 5, 6, 7]]
    times = [half_time[g].mean() for g in groups]
    assert times == sorted(times) and len(set(times)) == 4, half_time
    np.testing.assert_allclose(u[-1], target, rtol=1e-3)


def test_mode_strengths_follow_saxe_curve(tree_data, trained_dynamics):
    """From the step each mode reaches 5 % of its target, the analytic curve
    u(t) = s e^{2st/tau} / (e^{2st/tau} - 1 + s/u0), tau = N_out / (2 eta c),
    stays within 5 % of s of the trained network (measured: 1.1 % for the
    largest mode, 2.9 % at most, in the nearly degenerate 8.9 group)."""
    labels, features = tree_data
    _, W_tots, lr = trained_dynamics
    U, s, Vt = np.linalg.svd(input_output_correlation(labels, features), full_matrices=False)
    target = s * N_ITEMS
    u = np.array([mode_strengths(W, U, Vt.T) for W in W_tots])
    tau = features.shape[1] / (2 * lr / N_ITEMS)
    for i in range(N_ITEMS):
        start = int(np.argmax(u[:, i] >= 0.05 * target[i]))
        t = np.arange(len(u) - start)
        grow = np.exp(2 * target[i] * t / tau)
        analytic = target[i] * grow / (grow - 1 + target[i] / u[start, i])
        deviation = np.abs(u[start:, i] - analytic).max() / target[i]
        assert deviation < 0.05, (i, deviation)


def test_rsm_at_convergence_is_root_of_item_covariance(tree_data, trained_dynamics):
    labels, features = tree_data
    model, _, _ = trained_dynamics
    hidden = model(torch.tensor(labels).float())[1].detach()
    rsm = net_rsm(hidden).double().numpy()
    evals, evecs = np.linalg.eigh(features @ features.T)
    root = evecs @ np.diag(np.sqrt(evals)) @ evecs.T
    np.testing.assert_allclose(rsm, root, rtol=0, atol=0.02 * np.abs(root).max())


def test_deep_network_agrees_with_linear_regression(tree_data, trained_dynamics):
    labels, features = tree_data
    model, _, _ = trained_dynamics
    W = linear_regression(labels.T, features.T)
    np.testing.assert_allclose(total_weight(model), W, atol=1e-2)


def test_illusory_correlation_of_the_shark():
    """The network first predicts the feature's mean (-0.25), then the animals'
    mean (+0.5), before it learns that sharks have no bones (-1)."""
    np.random.seed(2021)
    torch.manual_seed(2021)
    labels, features = generate_hsd()
    features = add_feature(features, [-1, 1, 1, 1, -1, -1, -1, -1])
    model = LNNet(N_ITEMS, 30, features.shape[1])
    initializer_(model, gamma=1e-12)
    _, modes, _, shark = train(
        model, torch.tensor(labels).float(), torch.tensor(features).float(),
        n_epochs=250, lr=100.0, illusory_i=0,
    )
    peak = int(np.argmax(shark))
    assert np.min(np.abs(shark[:peak] + 0.25)) < 0.05
    assert shark[peak] == pytest.approx(0.5, abs=0.1)
    assert shark[-1] == pytest.approx(-1.0, abs=0.02)
    assert np.all(np.diff(modes[-1]) <= 0)  # net_svd reports descending modes


def test_net_svd_reconstructs_total_weight():
    torch.manual_seed(3)
    model = LNNet(8, 30, 100)
    U, S, V = net_svd(model, 8)
    assert U.shape == (100, 8) and S.shape == (8,) and V.shape == (8, 8)
    np.testing.assert_allclose((U @ torch.diag(S) @ V.T).numpy(), total_weight(model), atol=1e-5)
