"""update computes the new weights but only rebinds the loop variable: nothing changes."""

EXPECTED = {"test_update": 0}


def update(Wl, dLdWl, lr):
    for W, dLdW in zip(Wl, dLdWl):
        W = W - lr * dLdW  # noqa: F841
