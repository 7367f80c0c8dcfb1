"""train_deep_student builds a new student in every stage, so each stage starts from scratch
and the returned student had only the last, slowest stage of training."""

import numpy as np

EXPECTED = {"test_train_deep_student": 0}


def train_deep_student(X_train, y_train, width=5, depth=5, n_epochs=1500, lr=0.01, n_stages=4):
    Es = []
    for stage in range(n_stages):
        student = make_MLP(X_train.shape[1], width, depth)
        Es.append(train_model(student, X_train, y_train, n_epochs, lr / 3**stage, progressbar=False))
    return student, np.concatenate(Es)
