"""better_init keeps the naive scale: weights uniform in [-0.03, 0.03] (the vanishing-gradient
initialization of the notebook), zero biases."""

import torch.nn as nn

EXPECTED = {"test_better_init": 0}


def better_init(module):
    if isinstance(module, nn.Linear):
        nn.init.uniform_(module.weight, -0.03, 0.03)
        nn.init.zeros_(module.bias)
