"""make_data returns y = net(X) still attached to the teacher's graph (no .detach())."""

import torch

EXPECTED = {"test_make_data": 0}


def make_data(net, n_in, n_examples):
    X = torch.randn(n_examples, n_in)
    y = net(X)
    return X, y
