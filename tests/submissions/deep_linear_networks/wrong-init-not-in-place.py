"""initializer_ draws new tensors but only rebinds a local name: the model is unchanged."""

import math

import torch

EXPECTED = {"test_initializer_": 0}


def initializer_(model, gamma=1e-12):
    for weight in model.parameters():
        n_out, n_in = weight.shape
        weight = torch.randn(n_out, n_in) * gamma / math.sqrt(n_in + n_out)  # noqa: F841
