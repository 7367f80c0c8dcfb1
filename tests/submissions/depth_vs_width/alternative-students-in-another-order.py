"""Correct, drawing in another order: width_sweep builds every student first, in reverse order
of the widths, trains them all, then measures them all, and files the errors by width;
train_quasi_linear_student seeds PyTorch itself before building its student (other initial
weights)."""

import numpy as np
import torch

EXPECTED = {}


def width_sweep(X_train, y_train, X_test, y_test, widths, n_epochs, lr):
    n_in = X_train.shape[1]
    students = {int(W): make_MLP(n_in, int(W), 2) for W in reversed(list(widths))}
    losses = {W: train_model(net, X_train, y_train, n_epochs, lr, progressbar=False)
              for W, net in students.items()}
    y_var = y_test.var().item()
    test_losses = {W: compute_loss(net, X_test, y_test) for W, net in students.items()}
    train_errors = np.stack([losses[int(W)] for W in widths]) / y_var
    test_errors = np.array([test_losses[int(W)] for W in widths]) / y_var
    return train_errors, test_errors


def train_quasi_linear_student(X_train, y_train, sigma, width=10, n_epochs=2000):
    torch.manual_seed(2024)
    student = make_MLP(X_train.shape[1], width, 2)
    initialize_layers(student, sigma)
    first = 2 * n_epochs // 3
    Es = [train_model(student, X_train, y_train, n, rate, progressbar=False)
          for n, rate in ((first, 1e-2), (n_epochs - first, 1e-3))]
    return student, np.concatenate(Es)
