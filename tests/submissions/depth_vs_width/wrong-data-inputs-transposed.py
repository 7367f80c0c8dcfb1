"""make_data returns X transposed, of shape (n_in, n_examples). A chain: create_learning_problem
calls make_data; it is right and keeps its points (its check and visible test run with stand-ins
for make_data)."""

import torch

EXPECTED = {"test_make_data": 0}


def make_data(net, n_in, n_examples):
    X = torch.randn(n_in, n_examples)
    return X, net(X.T).detach()
