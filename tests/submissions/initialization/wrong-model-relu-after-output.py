"""make_deep_model puts a ReLU after the output layer too (10 modules): the network cannot predict
negative values."""

import torch.nn as nn

EXPECTED = {"test_make_deep_model": 0}


def make_deep_model(width=20):
    return nn.Sequential(
        nn.Linear(1, width), nn.ReLU(),
        nn.Linear(width, width), nn.ReLU(),
        nn.Linear(width, width), nn.ReLU(),
        nn.Linear(width, width), nn.ReLU(),
        nn.Linear(width, 1), nn.ReLU(),
    )
