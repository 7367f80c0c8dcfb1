"""make_deep_model has five hidden layers instead of four (11 modules, 1741 parameters)."""

import torch.nn as nn

EXPECTED = {"test_make_deep_model": 0}


def make_deep_model(width=20):
    return nn.Sequential(
        nn.Linear(1, width), nn.ReLU(),
        nn.Linear(width, width), nn.ReLU(),
        nn.Linear(width, width), nn.ReLU(),
        nn.Linear(width, width), nn.ReLU(),
        nn.Linear(width, width), nn.ReLU(),
        nn.Linear(width, 1),
    )
