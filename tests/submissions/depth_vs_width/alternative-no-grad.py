"""Correct, written differently: make_data and compute_loss run the network under
torch.no_grad() instead of detaching its output, and compute_loss uses F.mse_loss."""

import torch

EXPECTED = {}


def make_data(net, n_in, n_examples):
    X = torch.randn(n_examples, n_in)
    with torch.no_grad():
        y = net(X)
    return X, y


def compute_loss(net, X, y):
    import torch.nn.functional as F  # the notebook does not import it

    with torch.no_grad():
        return F.mse_loss(net(X), y).item()
