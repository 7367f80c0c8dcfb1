"""``coursekit.check`` in the kernel: the reference passes, wrong code gets a clear message."""

import warnings

import nbformat
import numpy as np
import pytest
import torch
from support.course import ROOT

from coursekit import check
from coursekit.specs import all_specs
from coursekit.verdict import reference_function
from reference.deep_linear_networks import LNNet


@pytest.mark.parametrize("name", sorted(all_specs()),
                         ids=lambda name: f"{all_specs()[name].assignment}:{name}")
def test_reference_passes_its_own_check(name):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        check(name, reference_function(all_specs()[name]))


def test_not_implemented_is_named():
    def net_rsm(h):
        raise NotImplementedError()

    with pytest.raises(AssertionError, match="net_rsm is not implemented yet"):
        check("net_rsm", net_rsm)


def test_wrong_result_says_what_differs():
    with pytest.raises(AssertionError, match=r"(?s)linear_regression is not right yet.*W differs"):
        check("linear_regression", lambda X, Y: Y @ X.T)


def test_check_leaves_the_notebooks_random_state_alone():
    np.random.seed(5)
    expected = np.random.rand()
    np.random.seed(5)
    check("linear_regression", reference_function(all_specs()["linear_regression"]))
    assert np.random.rand() == expected


def test_unknown_exercise_is_named():
    with pytest.raises(KeyError, match="no exercise is called 'nope'"):
        check("nope", print)


def full_size_svd(model, in_dim):
    """net_svd with torch.linalg.svd's default full_matrices=True: square U and V."""
    W_tot = torch.eye(in_dim)
    for weight in model.parameters():
        W_tot = weight.detach() @ W_tot
    U, S, Vh = torch.linalg.svd(W_tot)
    return U, S, Vh.T


def test_full_size_svd_is_rejected_by_the_check_naming_full_matrices():
    with pytest.raises(AssertionError, match=r"(?s)net_svd is not right yet.*full_matrices=False"):
        check("net_svd", full_size_svd)


def test_full_size_svd_fails_the_visible_test_naming_full_matrices():
    """The instructions, the visible test and the check agree: the reduced SVD, full_matrices=False."""
    release = nbformat.read(ROOT / "release/deep_linear_networks/deep_linear_networks.ipynb", as_version=4)
    text = "\n".join(cell.source for cell in release.cells if cell.cell_type == "markdown")
    assert "full_matrices=False" in text, "the instructions should name full_matrices=False"
    visible = next(cell.source for cell in release.cells
                   if cell.metadata.get("nbgrader", {}).get("grade_id") == "test_net_svd")
    namespace = {"torch": torch, "LNNet": LNNet, "net_svd": full_size_svd}
    with pytest.raises(AssertionError, match="full_matrices=False"):
        exec(visible, namespace)
    namespace["net_svd"] = reference_function(all_specs()["net_svd"])
    exec(visible, namespace)
