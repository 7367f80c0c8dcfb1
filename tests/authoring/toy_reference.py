"""Reference solutions of ``toy``, as an instructor fills them in after ``coursekit new toy``."""

import numpy as np


def mean_squared_error(prediction, target, weights=None):
    """Mean squared error between a prediction and its target, optionally weighted.

    Parameters
    ----------
    prediction, target : numpy.ndarray
        What a model predicts and what it should have predicted, of one shape.
    weights : numpy.ndarray, optional
        Non-negative weight of every entry, of that shape too; None weighs them all alike.

    Returns
    -------
    float
        The weighted mean over every entry of ``(prediction - target) ** 2``.
    """
    squared = (prediction - target) ** 2
    if weights is None:
        return float(np.mean(squared))
    return float(np.sum(weights * squared) / np.sum(weights))
