"""initializer_ takes sigma from the layer's input size only: gamma / sqrt(n_in)."""

import math

import torch.nn as nn

EXPECTED = {"test_initializer_": 0}


def initializer_(model, gamma=1e-12):
    for weight in model.parameters():
        n_out, n_in = weight.shape
        nn.init.normal_(weight, mean=0.0, std=gamma / math.sqrt(n_in))
