"""train_deep_student trains in stages but never lowers the learning rate: every stage at lr."""

import numpy as np

EXPECTED = {"test_train_deep_student": 0}


def train_deep_student(X_train, y_train, width=5, depth=5, n_epochs=1500, lr=0.01, n_stages=4):
    student = make_MLP(X_train.shape[1], width, depth)
    Es = [train_model(student, X_train, y_train, n_epochs, lr, progressbar=False) for _ in range(n_stages)]
    return student, np.concatenate(Es)
