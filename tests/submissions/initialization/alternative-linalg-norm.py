"""Correct, written differently: weight_grad_norms with torch.linalg.norm in a dict comprehension."""

import torch

EXPECTED = {}


def weight_grad_norms(model):
    return {name: float(torch.linalg.norm(param.grad))
            for name, param in model.named_parameters() if name.endswith(".weight")}
