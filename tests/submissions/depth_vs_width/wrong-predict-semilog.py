"""predict_width fits log(error) against the width itself (a semi-log fit), not log(width)."""

import numpy as np

EXPECTED = {"test_predict_width": 0}


def predict_width(widths, test_errors, error_target):
    m, b = np.polyfit(widths, np.log(test_errors), 1)
    return float((np.log(error_target) - b) / m)
