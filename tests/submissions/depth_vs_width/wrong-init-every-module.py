"""initialize_layers draws a weight for every module of the network, the Tanh modules too, and
raises AttributeError. A chain: create_learning_problem and train_quasi_linear_student call
initialize_layers; they are right and keep their points (their checks and visible tests run with
stand-ins for initialize_layers)."""

import torch.nn as nn

EXPECTED = {"test_initialize_layers": 0}


def initialize_layers(net, sigma):
    for layer in net:
        nn.init.normal_(layer.weight, std=sigma / layer.weight.shape[1] ** 0.5)
