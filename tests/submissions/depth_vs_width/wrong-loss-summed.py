"""compute_loss sums the squared errors over the examples instead of averaging them."""

import torch.nn as nn

EXPECTED = {"test_compute_loss": 0}


def compute_loss(net, X, y):
    loss_fn = nn.MSELoss(reduction="sum")
    return float(loss_fn(net(X), y).detach())
