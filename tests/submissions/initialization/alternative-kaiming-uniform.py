"""Correct, written differently: better_init draws from He's uniform distribution,
nn.init.kaiming_uniform_ with nonlinearity='relu'."""

import torch.nn as nn

EXPECTED = {}


def better_init(module):
    if isinstance(module, nn.Linear):
        nn.init.kaiming_uniform_(module.weight, nonlinearity="relu")
        nn.init.zeros_(module.bias)
