"""backward returns every gradient transposed, X_{l-1}^T dL/dX_l, shaped like W_l^T."""

EXPECTED = {"test_backward": 0}


def backward(fX, Xl, Wl):
    dLdX = 2 * (Xl[-1] - fX) / len(fX)
    dLdWl = [None] * len(Wl)
    for l in reversed(range(len(Wl))):
        dLdWl[l] = Xl[l].T @ dLdX
        dLdX = dLdX @ Wl[l]
    return dLdWl
