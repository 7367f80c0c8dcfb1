"""weight_grad_norms returns the norms of the weights themselves instead of their gradients."""

import torch

EXPECTED = {"test_weight_grad_norms": 0}


def weight_grad_norms(model):
    norms = {}
    for name, param in model.named_parameters():
        if name.endswith(".weight"):
            with torch.no_grad():
                norms[name] = param.norm().item()
    return norms
