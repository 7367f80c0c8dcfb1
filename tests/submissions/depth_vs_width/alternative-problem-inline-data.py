"""Correct, through other APIs: create_learning_problem seeds with torch.random.manual_seed and
draws both data sets itself with torch.normal instead of calling make_data, labelling them under
torch.no_grad()."""

import torch

EXPECTED = {}


def create_learning_problem(sigma_teacher, n_in=5, width=5, depth=5, n_train=4000, n_test=1000, seed=-1):
    torch.random.manual_seed(seed)
    teacher = make_MLP(n_in, width, depth)
    initialize_layers(teacher, sigma_teacher)
    inputs = [torch.normal(0.0, 1.0, size=(n, n_in)) for n in (n_train, n_test)]
    with torch.no_grad():
        outputs = [teacher(X) for X in inputs]
    return teacher, inputs[0], outputs[0], inputs[1], outputs[1]
