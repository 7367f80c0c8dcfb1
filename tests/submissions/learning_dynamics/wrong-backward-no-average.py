"""backward is the original notebook's data gradient: a sum over the examples with the factor 2
but without 1/P (written with broadcasting as in the original), P times too large."""

import numpy as np

EXPECTED = {"test_backward": 0}


def backward(fX, Xl, Wl):
    dLdg = -2 * (fX - Xl[-1])
    dLdWl = []
    for W, X in zip(Wl[::-1], Xl[-2::-1]):
        dLdWl.append(np.sum(dLdg[:, :, np.newaxis] * X[:, np.newaxis, :], axis=0))
        dLdg = np.sum(dLdg[:, :, np.newaxis] * W[np.newaxis, :, :], axis=1)
    return dLdWl[::-1]
