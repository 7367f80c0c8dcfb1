"""Correct, written differently: predict_width fits and inverts the power law with log10."""

import numpy as np

EXPECTED = {}


def predict_width(widths, test_errors, error_target):
    m, b = np.polyfit(np.log10(widths), np.log10(test_errors), 1)
    return 10 ** ((np.log10(error_target) - b) / m)
