"""Correct, written differently: singular vectors with flipped signs (U and V negated
together), regression by the pseudo-inverse, and weights copied in from torch.randn."""

import math

import numpy as np
import torch

EXPECTED = {}


def initializer_(model, gamma=1e-12):
    for weight in model.parameters():
        n_out, n_in = weight.shape
        weight.data.copy_(torch.randn(n_out, n_in) * gamma / math.sqrt(n_in + n_out))


def net_svd(model, in_dim):
    W_tot = torch.eye(in_dim)
    for weight in model.parameters():
        W_tot = weight.detach() @ W_tot
    U, S, V = torch.svd(W_tot)
    return -U, S, -V


def net_rsm(h):
    return torch.mm(h, h.t())


def linear_regression(X, Y):
    return Y @ np.linalg.pinv(X)
