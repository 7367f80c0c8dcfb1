"""make_deep_model ignores its width argument: every hidden layer has 20 units."""

import torch.nn as nn

EXPECTED = {"test_make_deep_model": 0}


def make_deep_model(width=20):
    return nn.Sequential(
        nn.Linear(1, 20), nn.ReLU(),
        nn.Linear(20, 20), nn.ReLU(),
        nn.Linear(20, 20), nn.ReLU(),
        nn.Linear(20, 20), nn.ReLU(),
        nn.Linear(20, 1),
    )
