"""Correct, drawing in another order and through another API: initializer_ fills the layers last
first, copying torch.randn draws scaled by gamma / sqrt(n_in + n_out)."""

import math

import torch

EXPECTED = {}


def initializer_(model, gamma=1e-12):
    with torch.no_grad():
        for weight in reversed(list(model.parameters())):
            n_out, n_in = weight.shape
            weight.copy_(torch.randn(n_out, n_in) * gamma / math.sqrt(n_in + n_out))
