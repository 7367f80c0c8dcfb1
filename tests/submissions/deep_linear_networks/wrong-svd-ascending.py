"""net_svd sorts the singular values (and their vectors) in ascending order."""

import torch

EXPECTED = {"test_net_svd": 0}


def net_svd(model, in_dim):
    W_tot = torch.eye(in_dim)
    for weight in model.parameters():
        W_tot = weight.detach() @ W_tot
    U, S, V = torch.svd(W_tot)
    return U.flip(1), S.flip(0), V.flip(1)
