"""backward names its third parameter `weights` but its loop reads `Wl`, the notebook's global
weights, as the original notebook's backward did: it differentiates another network."""

EXPECTED = {"test_backward": 0}


def backward(fX, Xl, weights):
    dLdX = 2 * (Xl[-1] - fX) / len(fX)
    dLdWl = []
    for l in reversed(range(len(Wl))):  # noqa: F821 -- the notebook's global weights
        dLdWl.insert(0, dLdX.T @ Xl[l])
        dLdX = dLdX @ Wl[l]  # noqa: F821
    return dLdWl
