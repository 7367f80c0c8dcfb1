"""Reference-solution tests of ``reference.initialization`` (seed 002).

Every training run uses the seed's own settings (SGD, momentum 0.9, lr 0.1,
batch 32, 468 steps = 10 epochs) and the seed's seeds (model / init seed,
training seed): shallow 100/150, naive 0.03 200/250, naive 3.0 300/350,
``better_init`` 600/650. Measured with torch 2.13.0 on CPU (MSE on the whole
training set / the noiseless test set after training):

=====================  ===========  ==========  =====================================
model                  train MSE    test MSE    gradient norms of the weights at init
=====================  ===========  ==========  =====================================
1 hidden layer         0.0217       0.0112      --
4 hidden, naive 0.03   0.1348       0.1298      8.3e-07 .. 1.3e-06 (all five layers)
4 hidden, naive 3.0    nan          nan         4.9e+04 .. 1.8e+05 (all five layers)
4 hidden, better_init  0.0140       0.0041      1.84, 6.72, 4.60, 5.05, 7.20
=====================  ===========  ==========  =====================================

The noise floor of the training set is 0.0100 (sigma = 0.1) and
``train_y.var()`` is 0.1345: the 0.03 model predicts a constant, the 3.0
model's loss starts at 6.1e4 and becomes nan.

Measured, and not what one might expect: under the naive scales the *weight*
gradient norms are about equal in every layer (vanishing everywhere at 0.03,
exploding everywhere at 3.0), because the weight gradient of layer l is the
backpropagated error at layer l times the activity entering it, and the two
shrink (or grow) at the same rate in opposite directions. What shrinks layer by
layer toward the input is the backpropagated error dL/dz_l (0.03: 1.9e-2,
1.1e-3, 3.9e-5, 2.0e-6, 1.0e-7 from output to input; 3.0: it grows
12.7 -> 4.1e3); under ``better_init`` it stays between 0.064 and 0.116.

Over the 12 draws 600+k / 650+k (k = 0..11, k = 0 is the seed's) the
4-hidden-layer model with ``better_init`` diverged once (k = 3) and otherwise
reached a training MSE of 0.0125..0.0313. Over 200 init draws its five weight
gradient norms had a max/min ratio of median 6.2 (within 10 for 93% of draws;
the first layer has 20 weights, the others 400), while the naive scales gave
ratios of about 2 at absolute norms below 4e-6 (0.03) and above 1.6e4 (3.0):
the absolute scale, not the ratio, is what tells the three apart.

On the out-of-distribution data the seed's draws 600/650 kill every ReLU (the
trained network is a constant and its local linearization has rank 1). The
other 11 draws fit the interval [-1, 0.4] (test MSE there 0.0018..0.0359) and
fail beyond it (0.199..0.981 on x > 0.4); draws 601/651 give 0.0044 and 0.5993.

Spectra of the local linearization are taken on the first 300 training inputs
(singular values s, descending): at initialization with zero biases the rank is
4 (``better_init``: s = 77.4, 47.0, 15.8, 8.86, then 2.6e-6); at scale 0.03 one
constant feature of norm sqrt(300) = 17.3 dominates (s[1] / s[0] = 0.010 before
training, 4.1e-6 after); after training with ``better_init`` 53 singular values
exceed 1e-3 * s[0].
"""

import contextlib
import copy
import functools
import io
import math

import matplotlib
import numpy as np
import pytest
import torch
import torch.nn as nn
from support.references import initialized, one_thread  # noqa: F401 (one_thread: autouse)

import reference.initialization as ref

matplotlib.use("Agg")


N_STEPS = int(ref.TRAIN_N / 32 * 10)


def quietly(fn, *args, **kwargs):
    """Call ``fn`` with its printed training log swallowed."""
    with contextlib.redirect_stdout(io.StringIO()):
        return fn(*args, **kwargs)


def error_signal_norms(model):
    """Norm of dL/dz for the output z of every linear layer, input side first (full training batch)."""
    h = torch.from_numpy(ref.train_x).float().unsqueeze(-1)
    outputs = []
    for module in model:
        h = module(h)
        if isinstance(module, nn.Linear):
            h.retain_grad()
            outputs.append(h)
    loss = nn.functional.mse_loss(h.view(-1), torch.from_numpy(ref.train_y).float())
    model.zero_grad()
    loss.backward()
    return np.array([z.grad.norm().item() for z in outputs])


SPECTRUM_INPUTS = ref.train_x[:300]


def singular_values(model, inputs=SPECTRUM_INPUTS):
    """Singular values of the local linearization on 300 training inputs (a smaller, cheaper SVD)."""
    return np.linalg.svd(ref.linearization_features(model, inputs).astype(np.float64), compute_uv=False)


# ---------------------------------------------------------------------------
# Data of the seed
# ---------------------------------------------------------------------------


def test_seed_data():
    np.testing.assert_allclose(
        ref.F_TRUE_PARAMS, [0.09762701, 0.43037873, 0.20552675, 0.08976637, -0.1526904], atol=1e-8)
    assert ref.train_x.shape == ref.train_y.shape == (1500,)
    np.testing.assert_allclose(ref.train_x[:3], [0.54264129, -0.9584961, 0.26729647], atol=1e-8)
    np.testing.assert_allclose(ref.train_y[:3], [0.36853337, -0.10541284, 0.61386734], atol=1e-8)
    np.testing.assert_array_equal(ref.test_x, np.linspace(-1, 1, 500))
    np.testing.assert_array_equal(ref.test_y, ref.f_true(ref.test_x))
    assert ref.ood_train_x.min() >= -1.0 and ref.ood_train_x.max() <= 0.4
    # The noise has sigma 0.1: the best possible training MSE is 0.01.
    assert np.mean((ref.train_y - ref.f_true(ref.train_x)) ** 2) == pytest.approx(0.01, rel=0.05)
    assert np.mean((ref.ood_train_y - ref.f_true(ref.ood_train_x)) ** 2) == pytest.approx(0.01, rel=0.1)


def test_f_true_is_an_odd_sum_of_sines():
    x = np.linspace(-1, 1, 101)
    np.testing.assert_allclose(ref.f_true(-x), -ref.f_true(x), atol=1e-12)
    # The k = 0 term is sin(0) = 0: only the frequencies k = 1..4 contribute.
    explicit = sum(ref.F_TRUE_PARAMS[k] * np.sin(k * math.pi * x) for k in range(1, 5))
    np.testing.assert_allclose(ref.f_true(x), explicit, atol=1e-12)


# ---------------------------------------------------------------------------
# make_deep_model
# ---------------------------------------------------------------------------


def test_make_deep_model_matches_the_seed_assertions():
    model = ref.make_deep_model()
    assert isinstance(model, nn.Sequential)
    assert len(model) == 9
    assert sum(p.numel() for p in model.parameters()) == 1321
    assert list(model(torch.randn(10, 1)).shape) == [10, 1]


def test_make_deep_model_structure_and_width():
    model = ref.make_deep_model(width=7)
    kinds = [type(m) for m in model]
    assert kinds == [nn.Linear, nn.ReLU] * 4 + [nn.Linear]
    assert [(m.in_features, m.out_features) for m in model if isinstance(m, nn.Linear)] == [
        (1, 7), (7, 7), (7, 7), (7, 7), (7, 1)]
    assert sum(p.numel() for p in model.parameters()) == 3 * 7 ** 2 + 6 * 7 + 1
    # The output layer is linear: the model can predict negative values.
    with torch.no_grad():
        model[-1].bias.fill_(-5.0)
        model[-1].weight.zero_()
        assert (model(torch.randn(4, 1)) == -5.0).all()


# ---------------------------------------------------------------------------
# weight_grad_norms
# ---------------------------------------------------------------------------


def test_weight_grad_norms_reads_gradients_of_weights_only():
    model = ref.make_deep_model()
    for i, p in enumerate(model.parameters()):
        p.grad = torch.full_like(p, float(i + 1))
    norms = ref.weight_grad_norms(model)
    assert list(norms) == ["0.weight", "2.weight", "4.weight", "6.weight", "8.weight"]
    assert all(type(v) is float for v in norms.values())
    # Weights are parameters 0, 2, 4, 6, 8 (filled with 1, 3, 5, 7, 9); norm = value * sqrt(numel).
    expected = [1 * math.sqrt(20), 3 * 20, 5 * 20, 7 * 20, 9 * math.sqrt(20)]
    np.testing.assert_allclose(list(norms.values()), expected, rtol=1e-6)


def test_weight_grad_norms_after_a_backward_pass():
    model = initialized(ref.make_deep_model(), ref.better_init, 0)
    printed = quietly(ref.print_gnorms, model)
    direct = {n: float(np.sqrt((p.grad.numpy().astype(np.float64) ** 2).sum()))
              for n, p in model.named_parameters() if n.endswith(".weight")}
    assert printed.keys() == direct.keys()
    np.testing.assert_allclose(list(printed.values()), list(direct.values()), rtol=1e-5)
    weights = {n: p.detach().norm().item() for n, p in model.named_parameters() if n.endswith(".weight")}
    assert not np.allclose(list(printed.values()), list(weights.values()), rtol=0.01)


# ---------------------------------------------------------------------------
# better_init
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("fan_in, fan_out", [(1000, 500), (20, 2000)])
def test_better_init_statistics(fan_in, fan_out):
    layer = initialized(nn.Linear(fan_in, fan_out), ref.better_init, 1)
    w = layer.weight.detach().numpy().astype(np.float64)
    assert (layer.bias.detach() == 0).all()
    assert abs(w.mean()) < 5 * math.sqrt(2.0 / fan_in) / math.sqrt(w.size)
    # He: std * sqrt(fan_in) = sqrt(2); 500k / 40k draws give a 0.1% / 0.4% standard error.
    assert w.std() * math.sqrt(fan_in) == pytest.approx(math.sqrt(2.0), rel=0.02)


def test_better_init_leaves_other_modules_alone():
    relu = nn.ReLU()
    ref.better_init(relu)
    ref.naive_init(0.03, relu)
    model = initialized(ref.make_deep_model(), ref.better_init, 2)
    assert all((m.bias == 0).all() for m in model if isinstance(m, nn.Linear))


def test_gradient_norms_at_initialization_over_draws():
    """Over 20 draws: naive 0.03 vanishes (< 1e-5), naive 3.0 explodes (> 1e4), He is of order 1."""
    model = ref.make_deep_model()

    def norms(init, seed):
        return list(quietly(ref.print_gnorms, initialized(model, init, seed)).values())

    for seed in range(20):
        small = norms(functools.partial(ref.naive_init, 0.03), seed)
        large = norms(functools.partial(ref.naive_init, 3.0), seed)
        he = norms(ref.better_init, seed)
        assert max(small) < 1e-5
        assert min(large) > 1e4
        assert 1e-2 < min(he) and max(he) < 1e2


def test_error_signal_through_depth():
    """dL/dz_l shrinks toward the input at 0.03, grows at 3.0, stays level under better_init."""
    model = ref.make_deep_model()
    small = error_signal_norms(initialized(model, functools.partial(ref.naive_init, 0.03), 200))
    assert (small[1:] / small[:-1] > 10).all()  # measured factors 19.9, 19.3, 27.9, 17.3
    large = error_signal_norms(initialized(model, functools.partial(ref.naive_init, 3.0), 300))
    assert (np.diff(large) < 0).all() and large[0] / large[-1] > 100  # measured 4.1e3 / 12.7
    he = error_signal_norms(initialized(model, ref.better_init, 600))
    assert he.max() / he.min() < 3  # measured 0.116 / 0.064


# ---------------------------------------------------------------------------
# Training runs of the seed
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def runs():
    """The four training runs of the seed, with gradient norms and spectra before and after."""
    out = {}
    np.random.seed(100)
    torch.manual_seed(100)
    shallow = ref.make_shallow_model()
    quietly(ref.train_model, shallow, N_STEPS, 32, 0.1, 150)
    out["shallow"] = {"model": shallow}
    deep = ref.make_deep_model()
    for name, init, seeds in [("small", functools.partial(ref.naive_init, 0.03), (200, 250)),
                              ("large", functools.partial(ref.naive_init, 3.0), (300, 350)),
                              ("better", ref.better_init, (600, 650))]:
        initialized(deep, init, seeds[0])
        run = {"gnorms": quietly(ref.print_gnorms, deep),
               "loss_before": ref.dataset_loss(deep, ref.train_x, ref.train_y),
               "s_before": singular_values(deep)}
        quietly(ref.train_model, deep, N_STEPS, 32, 0.1, seeds[1])
        run["s_after"] = singular_values(deep) if name != "large" else None
        run["model"] = copy.deepcopy(deep)
        out[name] = run
    for run in out.values():
        model = run["model"]
        run["train"] = ref.dataset_loss(model, ref.train_x, ref.train_y)
        run["test"] = ref.dataset_loss(model, ref.test_x, ref.test_y)
    return out


def test_measured_losses(runs):
    got = {name: (run["train"], run["test"]) for name, run in runs.items() if name != "large"}
    expected = {"shallow": (0.0217, 0.0112), "small": (0.1348, 0.1298), "better": (0.0140, 0.0041)}
    for name, losses in expected.items():
        assert got[name] == pytest.approx(losses, rel=0.1), name


def test_deep_model_with_better_init_fits_better_than_shallow(runs):
    assert runs["better"]["train"] < 0.8 * runs["shallow"]["train"]
    assert runs["better"]["test"] < 0.5 * runs["shallow"]["test"]
    assert runs["better"]["train"] < 1.5 * ref.TRAIN_SIGMA ** 2


def test_small_scale_underfits(runs):
    # Training does not move it: it stays at the loss of the best constant, var(train_y) = 0.1345.
    assert runs["small"]["train"] == pytest.approx(ref.train_y.var(), rel=0.01)
    assert runs["small"]["loss_before"] == pytest.approx(runs["small"]["train"], rel=0.01)
    with torch.no_grad():
        pred = runs["small"]["model"](torch.from_numpy(ref.test_x).float().unsqueeze(-1))
    assert pred.std().item() < 1e-3


def test_large_scale_diverges(runs):
    assert runs["large"]["loss_before"] > 1e4  # measured 6.1e4
    assert not math.isfinite(runs["large"]["train"]) or runs["large"]["train"] > 1e3  # measured nan


def test_gradient_norms_of_the_seed_draws(runs):
    small, large, better = (np.array(list(runs[k]["gnorms"].values())) for k in ("small", "large", "better"))
    assert small.max() < 2e-6 and small.max() / small.min() < 2
    assert large.min() > 4e4 and large.max() / large.min() < 4
    np.testing.assert_allclose(better, [1.837, 6.715, 4.597, 5.049, 7.204], rtol=1e-3)
    assert better.max() / better.min() < 10


# ---------------------------------------------------------------------------
# Local linearization
# ---------------------------------------------------------------------------


def test_spectra_before_and_after_training(runs):
    n = len(SPECTRUM_INPUTS)
    # Zero biases and a scalar input make f(x) = x * c+ for x > 0 and x * c- for x < 0, so the
    # features span {x 1[x>0], 1[x>0], x 1[x<0], 1[x<0]}: rank 4 at initialization.
    for name in ("large", "better"):
        s = runs[name]["s_before"]
        assert s[3] / s[0] > 1e-2 and s[4] / s[0] < 1e-6, name
    # At scale 0.03 only the output bias matters: one feature, constant, of norm sqrt(n).
    s = runs["small"]["s_before"]
    assert s[0] == pytest.approx(math.sqrt(n), rel=0.01) and s[1] / s[0] < 0.02
    s = runs["small"]["s_after"]
    assert s[0] == pytest.approx(math.sqrt(n), rel=0.01) and s[1] / s[0] < 1e-3
    # Training a well initialized network creates many features (measured 53 above 1e-3 * s[0]).
    s = runs["better"]["s_after"]
    assert (s > 1e-3 * s[0]).sum() >= 30


def test_out_of_distribution_training_fails_outside_the_interval():
    model = initialized(ref.make_deep_model(), ref.better_init, 601)
    quietly(ref.train_model, model, N_STEPS, 32, 0.1, 651, ref.ood_train_x, ref.ood_train_y)
    assert ref.dataset_loss(model, ref.ood_train_x, ref.ood_train_y) < 1.5 * ref.TRAIN_SIGMA ** 2
    inside = ref.test_x <= 0.4
    mse_in = ref.dataset_loss(model, ref.test_x[inside], ref.test_y[inside])
    mse_out = ref.dataset_loss(model, ref.test_x[~inside], ref.test_y[~inside])
    assert mse_in < 0.01 and mse_out > 20 * mse_in  # measured 0.0044 and 0.5993


def test_seed_out_of_distribution_draw_kills_every_relu():
    """The seed's draws 600/650 on the out-of-distribution data leave a constant network."""
    model = initialized(ref.make_deep_model(), ref.better_init, 600)
    quietly(ref.train_model, model, N_STEPS, 32, 0.1, 650, ref.ood_train_x, ref.ood_train_y)
    s = singular_values(model)
    assert s[0] == pytest.approx(math.sqrt(len(SPECTRUM_INPUTS)), rel=1e-3) and s[1] / s[0] < 1e-6
