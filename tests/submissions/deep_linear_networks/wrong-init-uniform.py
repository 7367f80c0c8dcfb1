"""initializer_ draws from a uniform distribution with the right standard deviation."""

import math

import torch.nn as nn

EXPECTED = {"test_initializer_": 0}


def initializer_(model, gamma=1e-12):
    for weight in model.parameters():
        n_out, n_in = weight.shape
        bound = math.sqrt(3) * gamma / math.sqrt(n_in + n_out)
        nn.init.uniform_(weight, -bound, bound)
