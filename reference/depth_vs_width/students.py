"""The students of ``depth_vs_width`` trained as exercises: the deep one and the quasi-linear one.

Seed 001's exercises 6 and 9, written as functions with fixed signatures so that they
can be graded on small budgets; the notebook's demos call them with full budgets.
"""

import numpy as np

from reference.depth_vs_width.teacher_student import initialize_layers, make_MLP, train_model


def train_deep_student(X_train, y_train, width=5, depth=5, n_epochs=1500, lr=0.01, n_stages=4):
    """Train a student with the teacher's architecture, lowering the learning rate in stages.

    The student is ``make_MLP(n_in, width, depth)`` with PyTorch's default
    initialization. It is trained by ``train_model`` (without a progress bar)
    for ``n_stages`` stages of ``n_epochs`` epochs each; the learning rate is
    ``lr`` in the first stage and is divided by 3 after every stage.

    Parameters
    ----------
    X_train, y_train : torch.Tensor
        The training set.
    width, depth : int
        Width and depth of the student, as in ``make_MLP``.
    n_epochs : int
        Epochs per stage.
    lr : float
        Learning rate of the first stage.
    n_stages : int
        Number of stages.

    Returns
    -------
    student : torch.nn.Sequential
        The trained student.
    Es : numpy.ndarray
        The training loss at every epoch of every stage, one after the other,
        shape ``(n_stages * n_epochs,)``.
    """
    student = make_MLP(X_train.shape[1], width, depth)
    Es = []
    for stage in range(n_stages):
        Es.append(train_model(student, X_train, y_train, n_epochs, lr / 3**stage, progressbar=False))
    return student, np.concatenate(Es)


def train_quasi_linear_student(X_train, y_train, sigma, width=10, n_epochs=2000):
    """Train a shallow student of the quasi-linear teacher, initialized at the teacher's scale.

    The student is ``make_MLP(n_in, width, 2)`` initialized by
    ``initialize_layers(student, sigma)``. It is trained by ``train_model``
    (without a progress bar) for the first ``2 * n_epochs // 3`` epochs at a
    learning rate of 1e-2, then for the remaining epochs at 1e-3.

    Parameters
    ----------
    X_train, y_train : torch.Tensor
        The training set.
    sigma : float
        Weight scale of the student's initialization (the teacher's).
    width : int
        Width of the student's hidden layer.
    n_epochs : int
        Epochs in all.

    Returns
    -------
    student : torch.nn.Sequential
        The trained student.
    Es : numpy.ndarray
        The training loss at every epoch, shape ``(n_epochs,)``.
    """
    student = make_MLP(X_train.shape[1], width, 2)
    initialize_layers(student, sigma)
    first = 2 * n_epochs // 3
    Es_fast = train_model(student, X_train, y_train, first, 1e-2, progressbar=False)
    Es_slow = train_model(student, X_train, y_train, n_epochs - first, 1e-3, progressbar=False)
    return student, np.concatenate([Es_fast, Es_slow])
