"""Correct, written differently: every product as an einsum, the activities collected with
itertools.accumulate, the loss by einsum, the accuracy by comparing argmax arrays."""

import numpy as np

EXPECTED = {}


def forward(X, Wl):
    from itertools import accumulate

    Xl = list(accumulate(Wl, lambda A, W: np.einsum("pi,oi->po", A, W), initial=X))
    return Xl[-1], Xl


def loss(fX, gX):
    E = fX - gX
    return np.einsum("pm,pm->", E, E) / E.shape[0]


def backward(fX, Xl, Wl):
    P = fX.shape[0]
    dLdX = 2.0 / P * (Xl[-1] - fX)
    grads = []
    for W, X_below in zip(Wl[::-1], Xl[-2::-1]):
        grads.insert(0, np.einsum("po,pi->oi", dLdX, X_below))
        dLdX = np.einsum("po,oi->pi", dLdX, W)
    return grads


def accuracy(fX, gX):
    return (fX.argmax(axis=1) == gX.argmax(axis=1)).mean()


def covariance_backward(Wl, CXX, CYX):
    W_tot = np.eye(CXX.shape[0])
    for W in Wl:
        W_tot = np.einsum("oi,in->on", W, W_tot)
    dLdWtot = 2 * (np.einsum("mn,nk->mk", W_tot, CXX) - CYX)
    grads = []
    for l in range(len(Wl)):
        above = np.eye(CYX.shape[0])
        for W in Wl[:l:-1]:
            above = np.einsum("ab,bc->ac", above, W)
        below = np.eye(CXX.shape[0])
        for W in Wl[:l]:
            below = np.einsum("oi,in->on", W, below)
        grads.append(np.einsum("ma,mn,bn->ab", above, dLdWtot, below))
    return grads
