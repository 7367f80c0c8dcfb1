"""Reference implementation of the assignment ``learning_dynamics``.

A deep linear network written in numpy learns to classify handwritten digits,
and its learning follows the exact solution of Saxe, McClelland & Ganguli
(2013), "Exact solutions to the nonlinear dynamics of learning in deep linear
neural networks".

One loss everywhere: for inputs X (P x N, one example per row), targets
f(X) = Y (P x M) and outputs g(X) = X W_1^T ... W_L^T,

    L = (1/P) sum_mu ||y^mu - g(x^mu)||^2,

the squared error summed over outputs and averaged over examples. Writing
W_tot = W_L ... W_1, CXX = X^T X / P and CYX = Y^T X / P,

    dL/dW_tot = 2 (W_tot CXX - CYX),
    dL/dW_l = (W_L ... W_{l+1})^T dL/dW_tot (W_{l-1} ... W_1)^T,

so the gradients only depend on the data through CXX and CYX (the covariance
rule). Both rules return all gradients before any weight changes.

The graded functions are ``forward``, ``loss``, ``backward``, ``update``,
``accuracy`` and ``covariance_backward``. Everything else is given code that
the notebook shows to students as it is. Function bodies are copied into the
notebook by ``coursekit sync``, so they only use names the notebook defines.

The theory (mode strengths and the exact learning curves) is in ``theory``; every
name of the assignment is importable from this package.
"""

from functools import reduce
from itertools import pairwise

import numpy as np
from sklearn.datasets import load_digits
from tqdm.auto import tqdm

# the notebook's names, all importable from here (tests, the trusted judge, coursekit sync)
from reference.learning_dynamics.theory import (  # noqa: F401
    balanced_weights,
    deep_mode_curve,
    effective_initial_strengths,
    mode_recurrence,
    mode_strengths,
    saxe_curve,
)


def make_digits_data(N=40):
    """Whitened handwritten digits with one-hot targets.

    scikit-learn's 1797 images of 8 x 8 pixels are centered, projected on
    their first ``N`` principal components and scaled so that the input
    covariance is the identity: CXX = X^T X / P = I. The sign of each
    component is fixed (largest pixel loading positive), so the data are the
    same on every machine.

    Parameters
    ----------
    N : int
        Number of principal components kept (at most 61, the rank of the
        centered images).

    Returns
    -------
    X : numpy.ndarray
        Inputs, shape (P, N), P = 1797.
    Y : numpy.ndarray
        One-hot targets, shape (P, M), M = 10.
    """
    digits = load_digits()
    images = digits.data - digits.data.mean(axis=0)
    P = len(images)
    U, _, VT = np.linalg.svd(images, full_matrices=False)
    signs = np.sign(VT[np.arange(len(VT)), np.argmax(np.abs(VT), axis=1)])
    X = np.sqrt(P) * U[:, :N] * signs[:N]
    Y = np.eye(10)[digits.target]
    return X, Y


def init_weights(Nl, rng, scale=None):
    """Random weight matrices for a linear network of layer sizes ``Nl``.

    Parameters
    ----------
    Nl : sequence of int
        Layer sizes (N_0, N_1, ..., N_L): input, hidden layers, output.
    rng : numpy.random.Generator
        Source of randomness.
    scale : float or None
        None: random projections with rows of norm 1, as in the seed (not
        norm-preserving: E ||W x||^2 = (N_out / N_in) ||x||^2); a number:
        N(0, scale^2) entries (a small random start).

    Returns
    -------
    list of numpy.ndarray
        W_l of shape (N_l, N_{l-1}), first layer first.
    """
    Wl = []
    for Nin, Nout in pairwise(Nl):
        W = rng.standard_normal((Nout, Nin))
        if scale is None:
            W /= np.linalg.norm(W, axis=1, keepdims=True)
        else:
            W *= scale
        Wl.append(W)
    return Wl


def compose(Wl, n=None):
    """Total weight W_tot = W_L ... W_2 W_1 of a list of layers.

    Parameters
    ----------
    Wl : list of numpy.ndarray
        Weight matrices, first layer first.
    n : int or None
        Size of the identity returned when ``Wl`` is empty (required then).

    Returns
    -------
    numpy.ndarray
        A new array (never one of the layers): the product, last layer
        leftmost; ``np.eye(n)`` for no layers.
    """
    if len(Wl) == 0:
        if n is None:
            raise ValueError("compose of no layers is an identity matrix: give its size n")
        return np.eye(n)
    return reduce(np.matmul, Wl[::-1]).copy()


def forward(X, Wl):
    """Forward pass of a linear network.

    Parameters
    ----------
    X : numpy.ndarray
        Inputs, shape (P, N_0), one example per row.
    Wl : list of numpy.ndarray
        Weight matrices W_l of shape (N_l, N_{l-1}), first layer first.

    Returns
    -------
    gX : numpy.ndarray
        Output g(X) = X W_1^T W_2^T ... W_L^T, shape (P, N_L).
    Xl : list of numpy.ndarray
        Activity of every layer [X_0 = X, X_1, ..., X_L = gX].
    """
    Xl = [X]
    for W in Wl:
        X = X @ W.T
        Xl.append(X)
    gX = Xl[-1]
    return gX, Xl


def loss(fX, gX):
    """Squared error summed over outputs, averaged over examples.

    Parameters
    ----------
    fX : numpy.ndarray
        Targets f(X), shape (P, M).
    gX : numpy.ndarray
        Network outputs g(X), shape (P, M).

    Returns
    -------
    float
        L = (1/P) sum_mu ||f(x^mu) - g(x^mu)||^2.
    """
    return np.sum((fX - gX) ** 2) / len(fX)


def backward(fX, Xl, Wl):
    """Gradients of the loss with respect to every weight, from the data.

    Parameters
    ----------
    fX : numpy.ndarray
        Targets f(X), shape (P, M).
    Xl : list of numpy.ndarray
        Layer activities returned by ``forward(X, Wl)``; not changed.
    Wl : list of numpy.ndarray
        Weight matrices used in that forward pass; not changed.

    Returns
    -------
    list of numpy.ndarray
        dL/dW_l, same shapes as ``Wl``, first layer first.
    """
    dLdX = 2 * (Xl[-1] - fX) / len(fX)
    dLdWl = [None] * len(Wl)
    for l in reversed(range(len(Wl))):
        dLdWl[l] = dLdX.T @ Xl[l]
        if l > 0:
            dLdX = dLdX @ Wl[l]
    return dLdWl


def update(Wl, dLdWl, lr):
    """One step of gradient descent, changing the weights in place.

    Parameters
    ----------
    Wl : list of numpy.ndarray
        Weight matrices, changed in place: W_l -= lr * dL/dW_l.
    dLdWl : list of numpy.ndarray
        Gradients, same shapes as ``Wl``.
    lr : float
        Learning rate.

    Returns
    -------
    None
    """
    for W, dLdW in zip(Wl, dLdWl):
        W -= lr * dLdW


def accuracy(fX, gX):
    """Fraction of examples whose largest output is the target's.

    Parameters
    ----------
    fX : numpy.ndarray
        One-hot targets, shape (P, M).
    gX : numpy.ndarray
        Network outputs, shape (P, M).

    Returns
    -------
    float
        Mean agreement of the argmax of each row.
    """
    return np.mean(np.argmax(fX, axis=1) == np.argmax(gX, axis=1))


def covariance_backward(Wl, CXX, CYX):
    """Gradients of the loss with respect to every weight, from covariances.

    Parameters
    ----------
    Wl : list of numpy.ndarray
        Weight matrices, first layer first; not changed.
    CXX : numpy.ndarray
        Input covariance X^T X / P, shape (N_0, N_0).
    CYX : numpy.ndarray
        Input-output covariance Y^T X / P, shape (N_L, N_0).

    Returns
    -------
    list of numpy.ndarray
        dL/dW_l, equal to ``backward``'s to float precision.
    """
    dLdWtot = 2 * (compose(Wl) @ CXX - CYX)
    dLdWl = []
    for l in range(len(Wl)):
        above = compose(Wl[l + 1 :], n=len(CYX))
        below = compose(Wl[:l], n=len(CXX))
        dLdWl.append(above.T @ dLdWtot @ below.T)
    return dLdWl


def covariance_loss(Wl, CXX, CYX, CYY):
    """``loss(Y, forward(X, Wl)[0])`` from covariances, without the data.

    L = tr CYY - 2 tr(W_tot CYX^T) + tr(W_tot CXX W_tot^T), with
    CXX = X^T X / P, CYX = Y^T X / P and CYY = Y^T Y / P.
    """
    W = compose(Wl)
    return np.trace(CYY) - 2 * np.sum(W * CYX) + np.sum((W @ CXX) * W)


def train(Wl, X, Y, lr, n_steps, rule="covariance", progressbar=True):
    """Full-batch gradient descent, recording the total weight after each step.

    Parameters
    ----------
    Wl : list of numpy.ndarray
        Weight matrices, trained in place.
    X, Y : numpy.ndarray
        Inputs (P, N) and targets (P, M).
    lr : float
        Learning rate.
    n_steps : int
        Number of gradient steps.
    rule : {"covariance", "data"}
        Gradients from ``covariance_backward``, or from ``forward`` and
        ``backward``.
    progressbar : bool
        Show a tqdm progress bar.

    Returns
    -------
    numpy.ndarray
        W_tot after 0, 1, ..., n_steps steps, shape (n_steps + 1, M, N).
    """
    CXX = X.T @ X / len(X)
    CYX = Y.T @ X / len(X)
    W_tots = [compose(Wl)]
    for _ in tqdm(range(n_steps), disable=not progressbar):
        if rule == "covariance":
            dLdWl = covariance_backward(Wl, CXX, CYX)
        elif rule == "data":
            dLdWl = backward(Y, forward(X, Wl)[1], Wl)
        else:
            raise ValueError(f"rule must be 'covariance' or 'data', not {rule!r}")
        update(Wl, dLdWl, lr)
        W_tots.append(compose(Wl))
    return np.stack(W_tots)
