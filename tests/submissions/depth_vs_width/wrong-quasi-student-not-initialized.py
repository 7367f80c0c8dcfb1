"""train_quasi_linear_student keeps PyTorch's default initialization instead of initializing the
student at the teacher's scale with initialize_layers(student, sigma)."""

import numpy as np

EXPECTED = {"test_train_quasi_linear_student": 0}


def train_quasi_linear_student(X_train, y_train, sigma, width=10, n_epochs=2000):
    student = make_MLP(X_train.shape[1], width, 2)
    first = 2 * n_epochs // 3
    Es_fast = train_model(student, X_train, y_train, first, 1e-2, progressbar=False)
    Es_slow = train_model(student, X_train, y_train, n_epochs - first, 1e-3, progressbar=False)
    return student, np.concatenate([Es_fast, Es_slow])
