"""chi_1 averages tanh(sqrt(q*) z)**2 (the length map) instead of its derivative squared."""

import numpy as np

EXPECTED = {"test_chi_1": 0}


def chi_1(sigma_w):
    q_star = fixed_point_length(sigma_w)
    return sigma_w**2 * gaussian_expectation(lambda z: np.tanh(np.sqrt(q_star) * z) ** 2)
