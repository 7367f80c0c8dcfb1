"""Correct, written differently: covariance_backward multiplies the layers with functools.reduce
and without the given compose, update writes into the weights with W[...] = ..., backward
walks the layers with negative indices, forward indexes instead of appending."""

from functools import reduce

import numpy as np

EXPECTED = {}


def forward(X, Wl):
    Xl = [X] + [None] * len(Wl)
    for l, W in enumerate(Wl):
        Xl[l + 1] = Xl[l] @ W.T
    return Xl[-1], Xl


def backward(fX, Xl, Wl):
    delta = (Xl[-1] - fX) * (2 / len(fX))
    grads = []
    for l in range(1, len(Wl) + 1):
        grads.append(delta.T @ Xl[-l - 1])
        delta = delta @ Wl[-l]
    return grads[::-1]


def update(Wl, dLdWl, lr):
    for W, dLdW in zip(Wl, dLdWl):
        W[...] = W - lr * dLdW


def covariance_backward(Wl, CXX, CYX):
    N = CXX.shape[0]
    W_tot = reduce(lambda A, W: W @ A, Wl, np.eye(N))
    dLdWtot = 2 * (W_tot @ CXX - CYX)
    grads = []
    for l in range(len(Wl)):
        above = reduce(lambda A, W: W @ A, Wl[l + 1:], np.eye(len(Wl[l])))
        below = reduce(lambda A, W: W @ A, Wl[:l], np.eye(N))
        grads.append(above.T @ dLdWtot @ below.T)
    return grads
