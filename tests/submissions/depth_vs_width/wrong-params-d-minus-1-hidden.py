"""get_num_params counts D - 1 hidden-to-hidden layers instead of D - 2."""

EXPECTED = {"test_get_num_params": 0}


def get_num_params(n_in, W, D):
    return n_in * W + (D - 1) * W**2 + W
