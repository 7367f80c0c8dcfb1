"""initialize_layers takes n_in from the layer's output size: sigma / sqrt(param.shape[0])."""

import numpy as np
import torch.nn as nn

EXPECTED = {"test_initialize_layers": 0}


def initialize_layers(net, sigma):
    for param in net.parameters():
        n_in = param.shape[0]
        nn.init.normal_(param, std=sigma / np.sqrt(n_in))
