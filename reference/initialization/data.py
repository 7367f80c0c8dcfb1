"""The data of the ``initialization`` assignment: a sum of five sines, sampled with noise.

The notebook defines the same arrays from the same seeds in its data cells.
"""

import math

import numpy as np

# Data: a superposition of five sines, noisy training set, noiseless test set

np.random.seed(0)
F_TRUE_PARAMS = np.random.rand(5) * 2.0 - 1.0


def f_true(x):
    """Evaluate the ground-truth function, a weighted sum of five sines.

    Parameters
    ----------
    x : numpy.ndarray
        Inputs, shape ``(n,)``.

    Returns
    -------
    numpy.ndarray
        ``sum_k F_TRUE_PARAMS[k] * sin(k * pi * x)`` for ``k = 0..4``, shape
        ``(n,)``. The ``k = 0`` term is ``sin(0) = 0``, so only the
        frequencies ``k = 1..4`` contribute; the function is odd.
    """
    m = F_TRUE_PARAMS.shape[0]
    return (np.sin(x[:, None] * np.arange(m)[None, :] * math.pi) * F_TRUE_PARAMS).sum(axis=-1)


np.random.seed(10)
TRAIN_N = 1500
TRAIN_SIGMA = 0.1
train_x = np.random.uniform(low=-1.0, high=1.0, size=TRAIN_N)
train_y = f_true(train_x) + np.random.randn(TRAIN_N) * TRAIN_SIGMA

TEST_N = 500
test_x = np.linspace(-1, 1, TEST_N)
test_y = f_true(test_x)

np.random.seed(50)
ood_train_x = np.random.uniform(low=-1.0, high=0.4, size=TRAIN_N)
ood_train_y = f_true(ood_train_x) + np.random.randn(TRAIN_N) * TRAIN_SIGMA
