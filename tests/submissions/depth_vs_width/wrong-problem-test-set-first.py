"""create_learning_problem draws the test set before the training set."""

import torch

EXPECTED = {"test_create_learning_problem": 0}


def create_learning_problem(sigma_teacher, n_in=5, width=5, depth=5, n_train=4000, n_test=1000, seed=-1):
    torch.manual_seed(seed)
    teacher = make_MLP(n_in, width, depth)
    initialize_layers(teacher, sigma_teacher)
    X_test, y_test = make_data(teacher, n_in, n_test)
    X_train, y_train = make_data(teacher, n_in, n_train)
    return teacher, X_train, y_train, X_test, y_test
