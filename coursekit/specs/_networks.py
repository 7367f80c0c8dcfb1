"""Networks and numbers as the specs of ``depth_vs_width`` look at them."""

import numpy as np
import torch
from torch import nn

from coursekit.spec import StudentError, as_array


def mlp(n_in, W, D):
    """A network shaped like the notebook's ``make_MLP(n_in, W, D)``: tanh, no biases."""
    sizes = [n_in] + [W] * (D - 1)
    layers = [m for a, b in zip(sizes[:-1], sizes[1:]) for m in (nn.Linear(a, b, bias=False), nn.Tanh())]
    return nn.Sequential(*layers, nn.Linear(W, 1, bias=False))


def weights_of(net):
    """The network's weights as float64 arrays, first layer first."""
    return [as_array(w, "weight") for w in net.parameters()]


def net_of(net, X, what):
    """``net(X)`` without a graph, for a returned X (tensor or array)."""
    try:
        with torch.no_grad():
            return as_array(net(torch.as_tensor(as_array(X, what), dtype=torch.float32)), f"net({what})")
    except RuntimeError as error:
        raise StudentError(f"the network cannot be applied to the returned {what}: {error}") from None


def scalar(value, what):
    """A returned number as a 0-d float64 array (a one-element array is accepted)."""
    array = as_array(value, what)
    return array.reshape(()) if array.size == 1 else array


def close(got, want, rtol):
    """Whether two numbers (or arrays) agree to ``rtol``."""
    return bool(np.allclose(got, want, rtol=rtol, atol=0))


def one_number(got, name):
    """The problem of a result that should be one number, if any."""
    return [f"{name} should return one number, not an array of shape {got.shape}."] if got.shape else []
