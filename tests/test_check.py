"""``coursekit.check`` in the kernel: the reference passes, wrong code gets a clear message."""

import warnings

import numpy as np
import pytest

from coursekit import check
from coursekit.specs import all_specs
from coursekit.verdict import reference_function


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
