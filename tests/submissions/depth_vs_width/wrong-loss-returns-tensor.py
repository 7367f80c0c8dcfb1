"""compute_loss returns the loss as a tensor still attached to the graph, not a float. A chain:
width_sweep calls compute_loss; it is right and keeps its points (its check and visible test run
with stand-ins for compute_loss)."""

from torch import nn

EXPECTED = {"test_compute_loss": 0}


def compute_loss(net, X, y):
    return nn.MSELoss()(net(X), y)
