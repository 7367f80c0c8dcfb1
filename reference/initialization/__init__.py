"""Reference implementation of the ``initialization`` assignment (seed 002).

A multilayer perceptron fits a sum of five sines from noisy samples. The
assignment compares a one-hidden-layer network with a four-hidden-layer one
whose weights start at a naive uniform scale that is too small (0.03) or too
large (3.0), and at a He/Kaiming scale (``better_init``). It looks at the
gradient norm of every weight matrix and at the singular value decomposition
of the local linearization of the network (the Jacobian of the outputs on the
training inputs with respect to the parameters), before and after training,
and finally trains on inputs drawn from part of the interval only
(out-of-distribution generalization).

Graded functions: :func:`make_deep_model`, :func:`weight_grad_norms` and
:func:`better_init`. Everything else is given code of the notebook. Every
function body only uses the module-level imports and names that the notebook
defines too (the data arrays and the other functions), because the bodies are
copied verbatim into notebook cells.

The data is in ``data`` and the local linearization in ``linearization``; every name of
the assignment is importable from this package.
"""

import functools  # noqa: F401  (the notebook uses functools.partial(naive_init, scale))
import json
import math

import numpy as np
import torch
import torch.nn as nn
import torch.optim as optim

# the notebook's names, all importable from here (tests, the trusted judge, coursekit sync)
from reference.initialization.data import (  # noqa: F401
    F_TRUE_PARAMS,
    TEST_N,
    TRAIN_N,
    TRAIN_SIGMA,
    f_true,
    ood_train_x,
    ood_train_y,
    test_x,
    test_y,
    train_x,
    train_y,
)
from reference.initialization.linearization import (  # noqa: F401
    linearization_features,
    linearization_features_loop,
    svd_local_linearization,
    svd_local_linearization_batched,
    visualize,
)

# Given code: training and evaluation

def train_model(model, n_steps, batch_size, lr, seed, train_x=train_x, train_y=train_y,
                log_interval=10):
    """Train ``model`` with minibatch SGD with momentum 0.9 on the mean squared error.

    Each epoch visits the training set in a fresh random order. The training
    loss of the current minibatch is printed every ``log_interval`` steps, the
    loss on the noiseless test set about once per epoch and after the last step.

    Parameters
    ----------
    model : torch.nn.Module
        Maps inputs of shape ``(batch, 1)`` to outputs of shape ``(batch, 1)``;
        trained in place.
    n_steps : int
        Number of optimizer steps.
    batch_size : int
        Minibatch size.
    lr : float
        Learning rate.
    seed : int
        Seed of NumPy and PyTorch, which fixes the order of the minibatches.
    train_x, train_y : numpy.ndarray, optional
        Training inputs and targets, shape ``(n,)``; the seeded training set
        by default.
    log_interval : int, optional
        Print the training loss every ``log_interval`` steps; 0 prints nothing
        but the final test loss.

    Returns
    -------
    model : torch.nn.Module
        The trained model (the same object).
    evaluated_x : numpy.ndarray
        The test inputs, shape ``(TEST_N,)``.
    evaluated_pred : numpy.ndarray
        The model's predictions on them after training, shape ``(TEST_N,)``.
    """
    np.random.seed(seed)
    torch.manual_seed(seed)
    n_train = len(train_x)
    eval_interval = int(n_train / batch_size) + 1
    optimizer = optim.SGD(model.parameters(), lr, momentum=0.9)
    criterion = nn.MSELoss()
    all_indices = []
    while len(all_indices) * n_train < n_steps * batch_size:
        all_indices.append(np.random.permutation(n_train))
    all_indices = np.concatenate(all_indices)
    for step in range(n_steps):
        indices = all_indices[step * batch_size: step * batch_size + batch_size]
        batch_x = torch.from_numpy(train_x[indices]).float().unsqueeze(-1)
        batch_y = torch.from_numpy(train_y[indices]).float()
        pred = model(batch_x).view(-1)
        loss = criterion(pred, batch_y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if log_interval and (step + 1) % log_interval == 0:
            print(json.dumps({"step": step, "train_loss": loss.item()}))
        if (log_interval and (step + 1) % eval_interval == 0) or step + 1 == n_steps:
            with torch.no_grad():
                batch_x = torch.from_numpy(test_x).float().unsqueeze(-1)
                batch_y = torch.from_numpy(test_y).float()
                pred = model(batch_x).view(-1)
                loss = criterion(pred, batch_y)
                print(json.dumps({"step": step, "test_loss": loss.item()}))
    return model, batch_x.view(-1).numpy(), pred.numpy()


def dataset_loss(model, x, y):
    """Mean squared error of ``model`` on a whole data set.

    Parameters
    ----------
    model : torch.nn.Module
        Maps ``(n, 1)`` to ``(n, 1)``.
    x, y : numpy.ndarray
        Inputs and targets, shape ``(n,)``.

    Returns
    -------
    float
        ``mean((model(x) - y) ** 2)``; ``nan`` or ``inf`` if training diverged.
    """
    with torch.no_grad():
        pred = model(torch.from_numpy(x).float().unsqueeze(-1)).view(-1)
        return nn.functional.mse_loss(pred, torch.from_numpy(y).float()).item()


def make_shallow_model(width=20):
    """The one-hidden-layer network of the first section: Linear, ReLU, Linear.

    Parameters
    ----------
    width : int, optional
        Number of hidden units.

    Returns
    -------
    torch.nn.Sequential
        Maps ``(n, 1)`` to ``(n, 1)``; ``3 * width + 1`` parameters.
    """
    return nn.Sequential(
        nn.Linear(1, width),
        nn.ReLU(),
        nn.Linear(width, 1),
    )


# Graded: the deeper network

def make_deep_model(width=20):
    """A fully connected network with four hidden layers of ``width`` units.

    One ReLU follows every linear layer but the last one (the output layer is
    linear, so the network can output negative values).

    Parameters
    ----------
    width : int, optional
        Number of units of every hidden layer.

    Returns
    -------
    torch.nn.Sequential
        Nine modules (five ``nn.Linear`` and four ``nn.ReLU``) mapping
        ``(n, 1)`` to ``(n, 1)``; ``3 * width**2 + 6 * width + 1`` parameters,
        1321 for ``width=20``.
    """
    return nn.Sequential(
        nn.Linear(1, width),
        nn.ReLU(),
        nn.Linear(width, width),
        nn.ReLU(),
        nn.Linear(width, width),
        nn.ReLU(),
        nn.Linear(width, width),
        nn.ReLU(),
        nn.Linear(width, 1),
    )


# Given: naive initialization

def naive_init(scale, module):
    """Draw every weight of a linear layer uniformly from ``[-scale, scale]``; zero its bias.

    Use it as ``model.apply(functools.partial(naive_init, scale))``.

    Parameters
    ----------
    scale : float
        Half width of the uniform distribution of the weights.
    module : torch.nn.Module
        Changed in place if it is an ``nn.Linear``; left alone otherwise.
    """
    if isinstance(module, nn.Linear):
        nn.init.uniform_(module.weight, -scale, scale)
        nn.init.zeros_(module.bias)


# Graded: gradient norms of the weight matrices

def weight_grad_norms(model):
    """L2 norm of the gradient of every weight matrix of ``model``.

    Call it after a backward pass (see :func:`print_gnorms`). Biases are left out.

    Parameters
    ----------
    model : torch.nn.Module
        A model whose weight parameters hold a gradient in ``.grad``.

    Returns
    -------
    dict of str to float
        For every parameter whose name ends with ``".weight"`` (as given by
        ``model.named_parameters()``, e.g. ``"0.weight"``), the Frobenius norm
        of its gradient, as a Python float.
    """
    norms = {}
    for name, param in model.named_parameters():
        if name.endswith(".weight"):
            with torch.no_grad():
                norms[name] = param.grad.norm().item()
    return norms


def print_gnorms(model):
    """Backpropagate the loss on the whole training set and print every weight's gradient norm.

    Parameters
    ----------
    model : torch.nn.Module
        Its gradients are overwritten.

    Returns
    -------
    dict of str to float
        The norms printed, as returned by :func:`weight_grad_norms`.
    """
    batch_x = torch.from_numpy(train_x).float().unsqueeze(-1)
    batch_y = torch.from_numpy(train_y).float()
    pred = model(batch_x).view(-1)
    criterion = nn.MSELoss()
    loss = criterion(pred, batch_y)
    model.zero_grad()
    loss.backward()
    norms = weight_grad_norms(model)
    for name, gnorm in norms.items():
        print(name, f"{gnorm:.8f}")
    return norms


# Graded: a better initialization

def better_init(module):
    """Initialize a linear layer of a deep ReLU network; zero its bias.

    The weights are drawn so that the size of the activations (forward) and
    of the backpropagated gradients (backward) stays about the same from layer
    to layer of a ReLU network, whatever its width.

    Parameters
    ----------
    module : torch.nn.Module
        Changed in place if it is an ``nn.Linear``; left alone otherwise.
    """
    if isinstance(module, nn.Linear):
        # He (Kaiming) initialization, N(0, 2 / fan_in) with fan_in = in_features: a ReLU
        # halves the second moment of its input, and the factor 2 restores it.
        nn.init.normal_(module.weight, mean=0.0, std=math.sqrt(2.0 / module.in_features))
        nn.init.zeros_(module.bias)
