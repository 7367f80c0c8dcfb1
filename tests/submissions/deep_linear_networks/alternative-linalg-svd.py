"""Correct, written differently: torch.linalg.svd with V = Vh.T, the RSM by einsum,
regression by np.linalg.solve, and weights filled with torch.no_grad() and normal_."""

import math

import numpy as np
import torch

EXPECTED = {}


def initializer_(model, gamma=1e-12):
    with torch.no_grad():
        for weight in model.parameters():
            fan_out, fan_in = weight.shape
            weight.normal_(0.0, gamma * math.sqrt(1.0 / (fan_in + fan_out)))


def net_svd(model, in_dim):
    weights = [w.detach() for w in model.parameters()]
    W_tot = weights[1] @ weights[0]
    U, S, Vh = torch.linalg.svd(W_tot, full_matrices=False)
    return U, S, Vh.T


def net_rsm(h):
    return torch.einsum("ik,jk->ij", h, h)


def linear_regression(X, Y):
    return np.linalg.solve(X @ X.T, X @ Y.T).T
