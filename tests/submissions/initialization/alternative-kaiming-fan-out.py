"""Correct, written differently: better_init uses He's fan_out mode,
nn.init.kaiming_normal_ with mode='fan_out' (std sqrt(2 / out_features)), which
He et al. 2015 (section 2.2) show to be as good as the fan_in mode."""

import torch.nn as nn

EXPECTED = {}


def better_init(module):
    if isinstance(module, nn.Linear):
        nn.init.kaiming_normal_(module.weight, mode="fan_out", nonlinearity="relu")
        nn.init.zeros_(module.bias)
