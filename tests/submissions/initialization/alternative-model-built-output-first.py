"""Correct, drawing in another order: make_deep_model creates the output layer first and the
input layer last (PyTorch draws each layer's initial weights as it is created), then puts the
modules in the right order."""

from torch import nn

EXPECTED = {}


def make_deep_model(width=20):
    linears = [nn.Linear(width, 1)] + [nn.Linear(width, width) for _ in range(3)] + [nn.Linear(1, width)]
    modules = []
    for linear in reversed(linears):
        modules += [linear, nn.ReLU()]
    return nn.Sequential(*modules[:-1])
