"""train_model never calls optimizer.zero_grad(): gradients accumulate over epochs."""

import numpy as np
import torch
import torch.nn as nn

EXPECTED = {"test_train_model": 0}


def train_model(net, X, y, n_epochs, lr, progressbar=True):
    loss_fn = nn.MSELoss()
    optimizer = torch.optim.Adam(net.parameters(), lr=lr)
    Es = np.zeros(n_epochs)
    for n in tqdm(range(n_epochs)) if progressbar else range(n_epochs):
        y_pred = net(X)
        loss = loss_fn(y_pred, y)
        loss.backward()
        optimizer.step()
        Es[n] = float(loss.detach())
    return Es
