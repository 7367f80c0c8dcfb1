"""Correct, written differently: train_deep_student seeds PyTorch itself (other initial weights)
and lists the learning rates first; train_quasi_linear_student loops over the two phases and
collects the losses in a list; chi_1 is a Monte Carlo estimate with sech(x)**4 = tanh'(x)**2."""

import numpy as np
import torch

EXPECTED = {}


def train_deep_student(X_train, y_train, width=5, depth=5, n_epochs=1500, lr=0.01, n_stages=4):
    torch.manual_seed(123)
    student = make_MLP(X_train.shape[1], width, depth)
    rates = lr * (1 / 3) ** np.arange(n_stages)
    return student, np.hstack([train_model(student, X_train, y_train, n_epochs, float(rate), False)
                               for rate in rates])


def train_quasi_linear_student(X_train, y_train, sigma, width=10, n_epochs=2000):
    student = make_MLP(X_train.shape[1], width, 2)
    initialize_layers(student, sigma)
    n_fast = 2 * n_epochs // 3
    Es = []
    for n, rate in [(n_fast, 1e-2), (n_epochs - n_fast, 1e-3)]:
        Es.extend(train_model(student, X_train, y_train, n, rate, progressbar=False))
    return student, np.array(Es)


def chi_1(sigma_w):
    z = np.random.default_rng(0).standard_normal(400_000)
    return float(sigma_w**2 * np.mean(1 / np.cosh(np.sqrt(fixed_point_length(sigma_w)) * z) ** 4))
