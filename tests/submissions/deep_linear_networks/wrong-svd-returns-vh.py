"""net_svd returns torch.linalg.svd's Vh (V transposed) as V."""

import torch

EXPECTED = {"test_net_svd": 0}


def net_svd(model, in_dim):
    W_tot = torch.eye(in_dim)
    for weight in model.parameters():
        W_tot = weight.detach() @ W_tot
    U, S, Vh = torch.linalg.svd(W_tot, full_matrices=False)
    return U, S, Vh
