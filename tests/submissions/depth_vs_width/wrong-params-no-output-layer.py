"""get_num_params forgets the output layer's W weights."""

EXPECTED = {"test_get_num_params": 0}


def get_num_params(n_in, W, D):
    return n_in * W + (D - 2) * W**2
