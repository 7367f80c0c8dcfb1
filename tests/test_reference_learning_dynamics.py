"""The reference of ``learning_dynamics`` is right.

One loss everywhere, L = (1/P) sum over examples of the squared error summed
over outputs. The data rule (``backward``) and the covariance rule
(``covariance_backward``) return its exact gradients (autograd agrees), and
one ``update`` with either is one step of ``torch.optim.SGD``. On the digits
(whitened so that CXX = I), a [40, 32, 10] network goes from chance to above
80 % training accuracy in 100 steps at learning rate 0.02, and both rules give
the same trajectory. Saxe, McClelland & Ganguli (2013): from a small random
start, a one-hidden-layer network's mode strengths diag(U^T W_tot V) follow
u(t) = s e^{2st/tau} / (e^{2st/tau} - 1 + s/u0), tau = 1/(2 lr), within 3 % of
s; from a decoupled balanced start gradient descent follows
u_{k+1} = u_k (1 + (s - u_k)/tau)^2 to 1e-8; deeper networks follow
tau du/dt = D u^(2 - 2/D) (s - u) within 1 % of s and learn later and sharper.
"""

import numpy as np
import pytest
import torch
from threadpoolctl import threadpool_limits

from reference.learning_dynamics import (
    accuracy,
    backward,
    balanced_weights,
    compose,
    covariance_backward,
    covariance_loss,
    deep_mode_curve,
    effective_initial_strengths,
    forward,
    init_weights,
    loss,
    make_digits_data,
    mode_recurrence,
    mode_strengths,
    saxe_curve,
    train,
    update,
)

N_MODES = 9  # X is centered and each one-hot row sums to 1, so CYX has rank 9
LR = 0.02
TAU = 1 / (2 * LR)  # steps, for this loss when CXX = I
N_STEPS = 3000  # long enough for every mode of the 4-layer network from u0 = 1e-3


@pytest.fixture(scope="module", autouse=True)
def one_blas_thread():
    """Small matrix products on a busy 2-core machine: 2 BLAS threads ran 100x slower."""
    with threadpool_limits(limits=1, user_api="blas"):
        yield


@pytest.fixture(scope="module")
def digits():
    """The course's data, made once."""
    return make_digits_data()


@pytest.fixture(scope="module")
def modes(digits):
    """Singular vectors and values (U, s, V) of CYX, the nine nonzero modes."""
    X, Y = digits
    U, s, VT = np.linalg.svd(Y.T @ X / len(X))
    return U[:, :N_MODES], s[:N_MODES], VT[:N_MODES].T


def random_problem(depth, seed):
    """Unwhitened, uncentered random data and a random network of ``depth`` layers."""
    rng = np.random.default_rng(seed)
    Nl = [7, 5, 4, 6, 3][:depth] + [3]
    X = rng.standard_normal((200, Nl[0])) + 0.5
    Y = rng.standard_normal((200, Nl[-1]))
    return X, Y, init_weights(Nl, rng, scale=0.7)


def relative_error(A, B):
    return np.linalg.norm(A - B) / np.linalg.norm(B)


def torch_gradients(X, Y, Wl):
    """Autograd gradients of the same loss, in float64."""
    Wt = [torch.tensor(W, requires_grad=True) for W in Wl]
    out = torch.tensor(X)
    for W in Wt:
        out = out @ W.T
    value = ((torch.tensor(Y) - out) ** 2).sum() / len(X)
    value.backward()
    return value.item(), Wt


# --- data ---------------------------------------------------------------------


def test_digits_are_centered_whitened_and_one_hot(digits):
    X, Y = digits
    assert X.shape == (1797, 40) and Y.shape == (1797, 10)
    assert np.abs(X.mean(axis=0)).max() < 1e-12
    assert np.abs(X.T @ X / len(X) - np.eye(40)).max() < 1e-12
    assert set(np.unique(Y)) == {0.0, 1.0} and np.all(Y.sum(axis=1) == 1)
    X2, Y2 = make_digits_data()
    assert np.array_equal(X, X2) and np.array_equal(Y, Y2)


def test_input_output_covariance_has_nine_modes(digits):
    X, Y = digits
    s = np.linalg.svd(Y.T @ X / len(X), compute_uv=False)
    assert s[9] < 1e-12
    # measured: 0.2972, 0.2857, 0.2839, 0.2734, 0.2588, 0.2489, 0.2265, 0.2035, 0.1847
    assert s[0] == pytest.approx(0.29717, abs=1e-4)
    assert s[8] == pytest.approx(0.18468, abs=1e-4)


# --- Part 1: forward, loss, backward, update, accuracy ------------------------


@pytest.mark.parametrize("depth", [1, 2, 3, 4])
def test_forward_is_the_product_of_the_layers(depth):
    X, _, Wl = random_problem(depth, seed=depth)
    gX, Xl = forward(X, Wl)
    assert len(Xl) == depth + 1 and Xl[0] is X and Xl[-1] is gX
    assert np.allclose(gX, X @ compose(Wl).T, rtol=1e-12, atol=1e-12)


def test_compose_returns_a_new_array():
    W = np.ones((2, 3))
    assert compose([W]) is not W and np.array_equal(compose([W]), W)
    assert np.array_equal(compose([], n=3), np.eye(3))
    with pytest.raises(ValueError, match="give its size n"):
        compose([])


def test_loss_averages_over_examples_and_sums_over_outputs():
    fX = np.array([[1.0, 0.0], [0.0, 1.0]])
    gX = np.array([[0.0, 0.0], [0.0, 3.0]])
    assert loss(fX, gX) == 2.5  # (1 + 4) / 2; the seed's np.mean gives 1.25
    X, Y, Wl = random_problem(2, seed=0)
    gX = forward(X, Wl)[0]
    assert loss(Y, gX) == pytest.approx(Y.shape[1] * np.mean((Y - gX) ** 2), rel=1e-12)
    C = [X.T @ X / len(X), Y.T @ X / len(X), Y.T @ Y / len(X)]
    assert covariance_loss(Wl, *C) == pytest.approx(loss(Y, gX), rel=1e-10)


def test_accuracy_is_argmax_agreement():
    fX = np.eye(4)
    gX = np.array([[2.0, 1, 0, 0], [0, 3, 1, 0], [0, 1, 0, 0], [0, 0, 0, 5]])
    assert accuracy(fX, gX) == 0.75


@pytest.mark.parametrize("depth", [1, 2, 3, 4])
def test_both_rules_return_the_autograd_gradients(depth):
    X, Y, Wl = random_problem(depth, seed=10 + depth)
    value, Wt = torch_gradients(X, Y, Wl)
    gX, Xl = forward(X, Wl)
    assert loss(Y, gX) == pytest.approx(value, rel=1e-12)
    data = backward(Y, Xl, Wl)
    cov = covariance_backward(Wl, X.T @ X / len(X), Y.T @ X / len(X))
    for dW_data, dW_cov, W in zip(data, cov, Wt):
        assert dW_data.shape == dW_cov.shape == W.shape
        assert relative_error(dW_cov, dW_data) < 1e-10
        assert relative_error(dW_data, W.grad.numpy()) < 1e-10


def test_gradients_change_nothing_they_are_given():
    X, Y, Wl = random_problem(3, seed=3)
    Xl = forward(X, Wl)[1]
    saved_Wl, saved_Xl = [W.copy() for W in Wl], [A.copy() for A in Xl]
    backward(Y, Xl, Wl)
    covariance_backward(Wl, X.T @ X / len(X), Y.T @ X / len(X))
    assert len(Xl) == 4 and len(Wl) == 3
    assert all(np.array_equal(a, b) for a, b in zip(Wl + Xl, saved_Wl + saved_Xl))


def test_update_changes_the_weights_in_place():
    X, Y, Wl = random_problem(2, seed=4)
    ids, before = [id(W) for W in Wl], [W.copy() for W in Wl]
    dLdWl = backward(Y, forward(X, Wl)[1], Wl)
    assert update(Wl, dLdWl, 0.1) is None
    assert [id(W) for W in Wl] == ids
    for W, W0, dW in zip(Wl, before, dLdWl):
        assert np.allclose(W, W0 - 0.1 * dW, rtol=0, atol=1e-15)


@pytest.mark.parametrize("rule", ["data", "covariance"])
@pytest.mark.parametrize("depth", [2, 3])
def test_one_update_is_one_step_of_torch_sgd(rule, depth):
    X, Y, Wl = random_problem(depth, seed=20 + depth)
    _, Wt = torch_gradients(X, Y, Wl)
    torch.optim.SGD(Wt, lr=0.05).step()
    train(Wl, X, Y, 0.05, 1, rule=rule, progressbar=False)
    for W, Wtorch in zip(Wl, Wt):
        assert relative_error(W, Wtorch.detach().numpy()) < 1e-12


def test_the_seeds_layer_by_layer_covariance_rule_is_not_gradient_descent():
    """The seed updates each layer before computing the next one's gradient."""
    X, Y, Wl = random_problem(3, seed=5)
    _, Wt = torch_gradients(X, Y, Wl)
    torch.optim.SGD(Wt, lr=0.05).step()
    CXX, CYX = X.T @ X / len(X), Y.T @ X / len(X)
    for l in range(len(Wl)):
        Wl[l] -= 0.05 * covariance_backward(Wl, CXX, CYX)[l]
    assert relative_error(Wl[-1], Wt[-1].detach().numpy()) > 1e-3


def test_the_seeds_two_rules_differ_by_2P():
    """Seed: data rule sum_mu -2 E x^T (no 1/P), covariance rule W CXX - CYX (no 2)."""
    X, Y, Wl = random_problem(2, seed=6)
    P = len(X)
    CXX, CYX = X.T @ X / P, Y.T @ X / P
    Xl = forward(X, Wl)[1]
    seed_data = np.sum(-2 * (Y - Xl[2])[:, :, None] * Xl[1][:, None, :], axis=0)
    seed_covariance = (compose(Wl) @ CXX - CYX) @ Wl[0].T
    assert relative_error(seed_data, P * backward(Y, Xl, Wl)[1]) < 1e-12
    assert relative_error(2 * seed_covariance, covariance_backward(Wl, CXX, CYX)[1]) < 1e-12
    assert relative_error(seed_data, 2 * P * seed_covariance) < 1e-10


def test_train_rejects_an_unknown_rule(digits):
    X, Y = digits
    with pytest.raises(ValueError, match="rule"):
        train(init_weights([40, 3, 10], np.random.default_rng(0)), X, Y, LR, 1, rule="adam")


def test_both_rules_give_the_same_trajectory(digits):
    X, Y = digits
    start = init_weights([40, 32, 10], np.random.default_rng(0))
    by_data = train([W.copy() for W in start], X, Y, LR, 100, rule="data", progressbar=False)
    by_cov = train([W.copy() for W in start], X, Y, LR, 100, rule="covariance", progressbar=False)
    assert np.abs(by_data - by_cov).max() < 1e-10 * np.abs(by_data).max()


@pytest.mark.parametrize("seed", range(5))
def test_accuracy_climbs_from_chance_to_above_80_percent(digits, seed):
    """Seed's set-up: [N, 32, 10], norm-preserving random projections; lr 0.02, 100 steps."""
    X, Y = digits
    Wl = init_weights([40, 32, 10], np.random.default_rng(seed))
    W_tots = train(Wl, X, Y, LR, 100, rule="data", progressbar=False)
    before, after = (accuracy(Y, X @ W_tots[t].T) for t in (0, 100))
    assert before < 0.2  # measured 0.06 to 0.11 for seeds 0-9
    assert after > 0.8  # measured 0.91 to 0.93 for seeds 0-9
    assert accuracy(Y, forward(X, Wl)[0]) == after


# --- Part 2: the covariance rule and Saxe et al.'s exact solution ------------


def test_saxe_curve_is_the_papers_formula_and_solves_its_equation(modes):
    _, s, _ = modes
    u0, t = np.full(N_MODES, 1e-4), np.arange(2001)
    curve = saxe_curve(t, s, u0, TAU)
    e = np.exp(2 * np.outer(t[:400], s) / TAU)
    assert np.allclose(curve[:400], s * e / (e - 1 + s / u0), rtol=1e-12, atol=0)
    assert np.allclose(curve, deep_mode_curve(t, s, u0, TAU, depth=2), rtol=1e-8, atol=0)
    assert np.array_equal(curve[0], u0) and np.allclose(curve[-1], s, rtol=1e-12)


@pytest.mark.parametrize("seed", range(3))
def test_one_hidden_layer_from_small_random_start_follows_saxe_curve(digits, modes, seed):
    """256 hidden units, N(0, 1e-6) weights, lr 0.02 (tau = 25 steps), 1000 steps.

    Tolerance: |u(t) - curve(t)| <= 0.03 s for every mode and step; measured
    at most 0.021 s for seeds 0-4. The rest is mode coupling through the
    hidden layer (0.1 s at 32 hidden units) and time discretization.
    """
    X, Y = digits
    U, s, V = modes
    Wl = init_weights([40, 256, 10], np.random.default_rng(seed), scale=1e-3)
    u0 = effective_initial_strengths(Wl, U, V)
    u = mode_strengths(train(Wl, X, Y, LR, 1000, progressbar=False), U, V)
    assert np.all(np.abs(u[0]) < 1e-3 * s)  # a small start
    assert np.all(np.abs(u - saxe_curve(np.arange(1001), s, u0, TAU)) <= 0.03 * s)
    assert np.allclose(u[-1], s, rtol=5e-3)  # measured at most 7e-4


@pytest.fixture(scope="module")
def balanced_runs(digits, modes):
    """Mode strengths of networks with 2, 3 and 4 weight matrices from u0 = 1e-3, 3000 steps."""
    X, Y = digits
    U, _, V = modes
    runs = {}
    for depth in (2, 3, 4):
        Nl = [40] + [32] * (depth - 1) + [10]
        Wl = balanced_weights(Nl, U, V, np.full(N_MODES, 1e-3), np.random.default_rng(depth))
        runs[depth] = mode_strengths(train(Wl, X, Y, LR, N_STEPS, progressbar=False), U, V)
    return runs


def test_balanced_start_follows_the_discrete_recurrence_exactly(balanced_runs, modes):
    _, s, _ = modes
    u = balanced_runs[2]
    expected = [np.full(N_MODES, 1e-3)]
    for _ in range(N_STEPS):
        expected.append(expected[-1] * (1 + (s - expected[-1]) / TAU) ** 2)
    assert np.abs(u / np.array(expected) - 1).max() < 1e-8
    for depth in (3, 4):
        expected = mode_recurrence(s, np.full(N_MODES, 1e-3), TAU, depth, N_STEPS)
        assert np.abs(balanced_runs[depth] / expected - 1).max() < 1e-8


@pytest.mark.parametrize("depth", [2, 3, 4])
def test_deep_networks_follow_the_deep_equation(balanced_runs, modes, depth):
    """tau du/dt = D u^(2 - 2/D) (s - u) within 0.01 s (measured at most 0.0072 s).

    The gap is the discreteness of gradient descent at lr 0.02.
    """
    _, s, _ = modes
    curve = deep_mode_curve(np.arange(N_STEPS + 1), s, np.full(N_MODES, 1e-3), TAU, depth)
    assert np.all(np.abs(balanced_runs[depth] - curve) <= 0.01 * s)
    assert np.allclose(balanced_runs[depth][-1], s, rtol=1e-2)


def test_deeper_networks_learn_later_and_sharper(balanced_runs, modes):
    """From the same u0: later half-way time t50, shorter rise (t90 - t10) / t50."""
    _, s, _ = modes
    t50, rise = [], []
    for depth in (2, 3, 4):
        t10, t_half, t90 = (np.argmax(balanced_runs[depth] >= q * s, axis=0) for q in (0.1, 0.5, 0.9))
        assert np.all(t90 > t_half) and np.all(t_half > t10) and np.all(t10 > 0)
        t50.append(t_half)
        rise.append((t90 - t10) / t_half)
    assert np.all(np.diff(t50, axis=0) > 0)
    assert np.all(np.diff(rise, axis=0) < 0)
