"""better_init draws every weight from a standard normal distribution (std 1, whatever the fan-in),
zero biases."""

import torch.nn as nn

EXPECTED = {"test_better_init": 0}


def better_init(module):
    if isinstance(module, nn.Linear):
        nn.init.normal_(module.weight, mean=0.0, std=1.0)
        nn.init.zeros_(module.bias)
