"""The order-to-chaos transition of deep tanh networks without bias (Poole et al. 2016).

With weights N(0, sigma_w^2 / n_in), the squared length q of a layer's
pre-activations (per unit) follows q -> sigma_w^2 E_z[tanh(sqrt(q) z)^2], z ~ N(0, 1),
to a fixed point q*. The squared distance between two nearby inputs grows (or
shrinks) by the factor chi_1 = sigma_w^2 E_z[tanh'(sqrt(q*) z)^2] per layer:
chi_1 < 1 is ordered (q* = 0, chi_1 = sigma_w^2), chi_1 > 1 chaotic; the
boundary is sigma_w = 1.
"""

import numpy as np


def gaussian_expectation(f, n_nodes=101):
    """E[f(z)] for z ~ N(0, 1), by Gauss-Hermite quadrature.

    Parameters
    ----------
    f : callable
        A function of a numpy array, applied elementwise.
    n_nodes : int
        Number of quadrature nodes.

    Returns
    -------
    float
        The expectation.
    """
    nodes, weights = np.polynomial.hermite_e.hermegauss(n_nodes)
    return float(np.sum(weights * f(nodes)) / np.sum(weights))


def fixed_point_length(sigma_w, n_iterations=2000):
    """The fixed point q* of the length map of a deep tanh network without bias.

    Parameters
    ----------
    sigma_w : float
        Weight scale: the weights are N(0, sigma_w^2 / n_in).
    n_iterations : int
        Iterations of the length map, starting from q = 1.

    Returns
    -------
    float
        q*, the squared length of a deep layer's pre-activations per unit.
    """
    nodes, weights = np.polynomial.hermite_e.hermegauss(101)  # E over z ~ N(0, 1)
    weights = weights / weights.sum()
    q = 1.0
    for _ in range(n_iterations):
        q = sigma_w**2 * np.sum(weights * np.tanh(np.sqrt(q) * nodes) ** 2)
    return float(q)


def chi_1(sigma_w):
    """Poole et al.'s chi_1: how much a layer stretches the squared distance of two nearby inputs.

    chi_1 = sigma_w^2 E_z[tanh'(sqrt(q*) z)^2], z ~ N(0, 1), with q* the fixed
    point of the length map (``fixed_point_length``) and tanh'(x) = 1 - tanh(x)^2.

    Parameters
    ----------
    sigma_w : float
        Weight scale: the weights are N(0, sigma_w^2 / n_in).

    Returns
    -------
    float
        chi_1: below 1 the network is ordered, above 1 chaotic.
    """
    q_star = fixed_point_length(sigma_w)
    return sigma_w**2 * gaussian_expectation(lambda z: (1 - np.tanh(np.sqrt(q_star) * z) ** 2) ** 2)
