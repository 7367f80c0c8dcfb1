"""Correct, written differently: get_num_params counts the parameters of a fresh make_MLP."""

EXPECTED = {}


def get_num_params(n_in, W, D):
    return sum(param.numel() for param in make_MLP(n_in, W, D).parameters())
