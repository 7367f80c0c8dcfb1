"""covariance_backward uses the original notebook's W_tot CXX - CYX without the factor 2 of the
squared error's derivative: every gradient is half the right size."""

EXPECTED = {"test_covariance_backward": 0}


def covariance_backward(Wl, CXX, CYX):
    dLdg = compose(Wl) @ CXX - CYX  # noqa: F821 -- the notebook's compose
    dLdWl = []
    for l in range(len(Wl)):
        above = compose(Wl[l + 1:], n=len(CYX))  # noqa: F821
        below = compose(Wl[:l], n=len(CXX))  # noqa: F821
        dLdWl.append(above.T @ dLdg @ below.T)
    return dLdWl
