"""covariance_backward keeps the original notebook's layer-by-layer update: it steps each layer
in place before computing the next layer's gradient, so it changes the weights it is given."""

EXPECTED = {"test_covariance_backward": 0}


def covariance_backward(Wl, CXX, CYX, lr=0.02):
    dLdWl = []
    for l, W in enumerate(Wl):
        dLdWtot = 2 * (compose(Wl) @ CXX - CYX)  # noqa: F821 -- the notebook's compose
        dLdW = compose(Wl[l + 1:], n=len(CYX)).T @ dLdWtot @ compose(Wl[:l], n=len(CXX)).T  # noqa: F821
        W -= lr * dLdW
        dLdWl.append(dLdW)
    return dLdWl
