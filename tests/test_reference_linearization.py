"""Reference-solution tests of ``reference.initialization.linearization``: the local linearization.

The feature matrix, by a loop of backward passes and batched with ``torch.func``, equals
one ``torch.func.jacrev`` over the whole batch; its SVD, both ways, matches NumPy's; the
figure shows the spectrum.
"""

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch
import torch.nn as nn
from support.references import initialized, one_thread  # noqa: F401 (one_thread: autouse)

import reference.initialization as ref


def jacobian_by_torch_func(model, inputs):
    """Feature matrix from one ``torch.func.jacrev`` over the whole batch (no vmap, no loop)."""
    params = {name: p.detach() for name, p in model.named_parameters()}
    x = torch.from_numpy(inputs).float().unsqueeze(-1)
    jac = torch.func.jacrev(lambda p: torch.func.functional_call(model, p, (x,)).view(-1))(params)
    return torch.cat([jac[name].reshape(len(inputs), -1) for name in params], dim=1).numpy()


@pytest.fixture
def generic_model():
    """A deep model with nonzero biases, so that its features are not degenerate."""
    model = initialized(ref.make_deep_model(), ref.better_init, 7)
    with torch.no_grad():
        for m in model:
            if isinstance(m, nn.Linear):
                m.bias.normal_(0.0, 0.5)
    return model


def test_linearization_features_equal_torch_func_jacobian(generic_model):
    """The batched and the loop feature matrices equal one jacrev over the whole batch."""
    inputs = ref.train_x[:200]
    expected = jacobian_by_torch_func(generic_model, inputs)
    got = ref.linearization_features(generic_model, inputs)
    assert got.shape == (200, 1321)
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6 * np.abs(expected).max())
    for p in generic_model.parameters():
        assert p.grad is None
    np.testing.assert_array_equal(ref.linearization_features(generic_model)[:200], got)
    loop = ref.linearization_features_loop(generic_model, inputs)
    np.testing.assert_allclose(loop, expected, rtol=1e-5, atol=1e-6 * np.abs(expected).max())


@pytest.mark.parametrize("svd", [ref.svd_local_linearization, ref.svd_local_linearization_batched])
def test_svd_local_linearization_matches_torch_func(generic_model, svd):
    inputs = ref.train_x[:200]
    jac = jacobian_by_torch_func(generic_model, inputs).astype(np.float64)
    m, s, principal_feature = svd(generic_model, inputs)
    assert m == 1321
    assert s.shape == (200,) and principal_feature.shape == (200, 200)
    expected_s = np.linalg.svd(jac, compute_uv=False)
    np.testing.assert_allclose(s, expected_s, rtol=1e-4, atol=1e-6 * expected_s[0])
    # U S is defined up to signs (and rotations within repeated singular values); U S^2 U^T = J J^T is not.
    gram = principal_feature @ principal_feature.T
    np.testing.assert_allclose(gram, jac @ jac.T, rtol=1e-4, atol=1e-6 * np.abs(jac @ jac.T).max())
    # Each principal feature is J v_k for the k-th right singular vector.
    _, _, vh = np.linalg.svd(jac, full_matrices=False)
    top = jac @ vh[:5].T
    signs = np.sign((top * principal_feature[:, :5]).sum(axis=0))
    np.testing.assert_allclose(principal_feature[:, :5] * signs, top, atol=1e-4 * expected_s[0])


def test_visualize_draws_the_spectrum():
    model = initialized(ref.make_shallow_model(), ref.better_init, 3)
    m, s, principal_feature = ref.svd_local_linearization_batched(model, ref.train_x[:300])
    fig = ref.visualize(m, s, principal_feature, ref.train_x[:300])
    try:
        bars = fig.axes[0].patches
        assert len(bars) == min(len(s), 20)
        np.testing.assert_allclose([b.get_height() for b in bars], s[:20], rtol=1e-6)
        assert len(fig.axes[1].collections) == 10
    finally:
        plt.close(fig)
