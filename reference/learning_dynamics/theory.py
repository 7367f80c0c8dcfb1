"""Given code of ``learning_dynamics``: the theory its network is compared with.

The strength of each input-output mode, and the learning curves of Saxe, McClelland &
Ganguli (2013) for shallow and deep linear networks, with the balanced start they assume.
Function bodies are copied into the notebook by ``coursekit sync``, so they only use
names the notebook defines.
"""

import numpy as np


def mode_strengths(W_tot, U, V):
    """Strength of each input-output mode in a total weight: diag(U^T W_tot V).

    Parameters
    ----------
    W_tot : numpy.ndarray
        Total weight (M, N), or a stack of them (..., M, N).
    U, V : numpy.ndarray
        Left (M, r) and right (N, r) singular vectors of CYX.

    Returns
    -------
    numpy.ndarray
        Shape (r,), or (..., r) for a stack.
    """
    return np.einsum("mi,...mn,ni->...i", U, W_tot, V)


def effective_initial_strengths(Wl, U, V):
    """Initial mode strengths that a small random start of one hidden layer acts like.

    Early on the weights are small and the modes grow independently: with
    a = W_1 v and b = W_2^T u, tau da/dt = s b and tau db/dt = s a, so the
    balanced part (a + b)/2 grows as e^{st/tau} and a - b dies out. The
    network then follows ``saxe_curve`` from u0 = ||a + b||^2 / 4.

    Parameters
    ----------
    Wl : list of numpy.ndarray
        The two weight matrices [W_1, W_2] at the start.
    U, V : numpy.ndarray
        Left (M, r) and right (N, r) singular vectors of CYX.

    Returns
    -------
    numpy.ndarray
        u0 for each mode, shape (r,).
    """
    W1, W2 = Wl
    return np.sum((W1 @ V + W2.T @ U) ** 2, axis=0) / 4


def saxe_curve(t, s, u0, tau):
    """Saxe et al.'s exact mode strength for one hidden layer.

    Solves tau du/dt = 2 u (s - u):
    u(t) = s e^{2st/tau} / (e^{2st/tau} - 1 + s/u0), written in a form that
    does not overflow.

    Parameters
    ----------
    t : numpy.ndarray
        Times in gradient steps, shape (T,).
    s, u0 : numpy.ndarray
        Singular values of CYX and initial strengths, shape (r,), positive.
    tau : float
        Time constant in steps, 1 / (2 lr) for this loss when CXX = I.

    Returns
    -------
    numpy.ndarray
        u(t), shape (T, r).
    """
    x = 2 * np.outer(t, s) / tau
    return 1 / (-np.expm1(-x) / s + np.exp(-x) / u0)


def deep_mode_curve(t, s, u0, tau, depth, n_substeps=4):
    """Mode strength of a network with ``depth`` weight matrices.

    Integrates Saxe et al.'s equation for deep networks,
    tau du/dt = depth u^(2 - 2/depth) (s - u), with the Runge-Kutta method
    (``n_substeps`` steps between consecutive times). depth = 2 is the
    one-hidden-layer equation of ``saxe_curve``.

    Parameters
    ----------
    t : numpy.ndarray
        Increasing times in gradient steps, shape (T,), t[0] = 0.
    s, u0, tau
        As in ``saxe_curve``.
    depth : int
        Number of weight matrices (hidden layers + 1).
    n_substeps : int
        Integration steps per interval of ``t``.

    Returns
    -------
    numpy.ndarray
        u(t), shape (T, r).
    """

    def rate(u):
        return depth * u ** (2 - 2 / depth) * (s - u) / tau

    u = np.array(u0, dtype=float)
    curve = [u]
    for dt in np.diff(t) / n_substeps:
        for _ in range(n_substeps):
            k1 = rate(u)
            k2 = rate(u + dt / 2 * k1)
            k3 = rate(u + dt / 2 * k2)
            k4 = rate(u + dt * k3)
            u = u + dt / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
        curve.append(u)
    return np.stack(curve)


def mode_recurrence(s, u0, tau, depth, n_steps):
    """Exact mode strengths of gradient descent from a decoupled balanced start.

    Each of the ``depth`` layers holds the mode with strength a = u^(1/depth),
    and a step of gradient descent gives a <- a (1 + (s - u) a^(depth - 2) / tau),
    so u_{k+1} = u_k (1 + (s - u_k) u_k^(1 - 2/depth) / tau)^depth; for one
    hidden layer, u_{k+1} = u_k (1 + (s - u_k) / tau)^2.

    Parameters
    ----------
    s, u0, tau
        As in ``saxe_curve``; tau = 1 / (2 lr).
    depth : int
        Number of weight matrices.
    n_steps : int
        Number of gradient steps.

    Returns
    -------
    numpy.ndarray
        u_0, ..., u_{n_steps}, shape (n_steps + 1, r).
    """
    u = np.array(u0, dtype=float)
    curve = [u]
    for _ in range(n_steps):
        u = u * (1 + (s - u) * u ** (1 - 2 / depth) / tau) ** depth
        curve.append(u)
    return np.stack(curve)


def balanced_weights(Nl, U, V, u0, rng):
    """A decoupled balanced start: every layer holds each mode with strength u0^(1/L).

    W_1 = R_1 A V^T, W_l = R_l A R_{l-1}^T, W_L = U A R_{L-1}^T, with
    A = diag(u0^(1/L)) and R_l random orthonormal columns, so that
    W_tot = U diag(u0) V^T and gradient descent keeps the modes decoupled.

    Parameters
    ----------
    Nl : sequence of int
        Layer sizes; hidden sizes at least r.
    U, V : numpy.ndarray
        Left (M, r) and right (N, r) singular vectors of CYX.
    u0 : numpy.ndarray
        Initial mode strengths, shape (r,), positive.
    rng : numpy.random.Generator
        Source of the hidden layers' random rotations.

    Returns
    -------
    list of numpy.ndarray
        Weight matrices, first layer first.
    """
    L = len(Nl) - 1
    A = np.diag(np.asarray(u0, dtype=float) ** (1 / L))
    frames = [V]
    for n in Nl[1:-1]:
        frames.append(np.linalg.qr(rng.standard_normal((n, len(A))))[0])
    frames.append(U)
    return [frames[l + 1] @ A @ frames[l].T for l in range(L)]
