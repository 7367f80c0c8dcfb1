"""chi_1 averages the squared derivative of tanh but forgets the factor sigma_w**2."""

import numpy as np

EXPECTED = {"test_chi_1": 0}


def chi_1(sigma_w):
    q_star = fixed_point_length(sigma_w)
    return gaussian_expectation(lambda z: (1 - np.tanh(np.sqrt(q_star) * z) ** 2) ** 2)
