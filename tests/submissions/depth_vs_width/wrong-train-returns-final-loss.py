"""train_model trains right but returns only the last loss, a float, instead of the loss of every
epoch. A chain: train_deep_student, width_sweep and train_quasi_linear_student call train_model;
they are right and keep their points (their checks and visible tests run with stand-ins for
train_model)."""

import torch
from torch import nn

EXPECTED = {"test_train_model": 0}


def train_model(net, X, y, n_epochs, lr, progressbar=True):
    optimizer = torch.optim.Adam(net.parameters(), lr=lr)
    for _ in range(n_epochs):
        loss = nn.MSELoss()(net(X), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return float(loss.detach())
