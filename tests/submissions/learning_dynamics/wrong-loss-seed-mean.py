"""loss is the original notebook's np.mean((fX - gX) ** 2): it averages over the outputs too."""

import numpy as np

EXPECTED = {"test_loss": 0}


def loss(fX, gX):
    return np.mean((fX - gX) ** 2)
