"""net_svd multiplies the weights in the wrong order (first layer leftmost), so it
decomposes W_tot transposed: U and V trade places."""

import torch

EXPECTED = {"test_net_svd": 0}


def net_svd(model, in_dim):
    W_tot = torch.eye(in_dim)
    for weight in model.parameters():
        W_tot = W_tot @ weight.detach().T
    U, S, V = torch.svd(W_tot)
    return U, S, V
