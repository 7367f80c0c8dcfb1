"""Correct, written differently: make_deep_model builds its layers in a loop."""

import torch.nn as nn

EXPECTED = {}


def make_deep_model(width=20):
    layers = []
    n_in = 1
    for _ in range(4):
        layers += [nn.Linear(n_in, width), nn.ReLU()]
        n_in = width
    layers.append(nn.Linear(width, 1))
    return nn.Sequential(*layers)
