"""better_init uses Glorot/Xavier's normal initialization, std sqrt(2 / (fan_in + fan_out)):
right for linear or tanh units, but a ReLU zeroes half of its inputs, and neither of He's
modes (sqrt(2 / fan_in) or sqrt(2 / fan_out)) has this scale."""

import torch.nn as nn

EXPECTED = {"test_better_init": 0}


def better_init(module):
    if isinstance(module, nn.Linear):
        nn.init.xavier_normal_(module.weight)
        nn.init.zeros_(module.bias)
