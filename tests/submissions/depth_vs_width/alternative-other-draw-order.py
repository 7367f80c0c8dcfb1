"""Correct, but drawing random numbers in another order than the original tutorial:
initialize_layers fills the layers last first with torch.randn, make_data draws X
transposed, and train_model computes the mean squared error by hand. The seeded
values shown as hints change; no grade does."""

import numpy as np
import torch

EXPECTED = {}


def initialize_layers(net, sigma):
    with torch.no_grad():
        for param in reversed(list(net.parameters())):
            n_out, n_in = param.shape
            param.copy_(torch.randn(n_out, n_in) * sigma / np.sqrt(n_in))


def make_data(net, n_in, n_examples):
    X = torch.randn(n_in, n_examples).T.contiguous()
    return X, net(X).detach()


def train_model(net, X, y, n_epochs, lr, progressbar=True):
    optimizer = torch.optim.Adam(net.parameters(), lr=lr)
    Es = []
    for _ in tqdm(range(n_epochs), disable=not progressbar):
        optimizer.zero_grad()
        loss = ((net(X) - y) ** 2).mean()
        loss.backward()
        optimizer.step()
        Es.append(loss.item())
    return np.array(Es)
