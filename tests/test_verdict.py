"""The judging core: the in-kernel check and the trusted judge give the same verdict on the same function.

Each student function below is observed once per mode: in-kernel, ``coursekit.check`` judges
what it observed; in secure mode, the same observations travel as ``check`` exports them (base64
float64 arrays, error messages) and the trusted judge (``grading.trusted.judge.Judge``) decodes
and judges them. Both must fail with the very same message, or both pass.
"""

import math

import numpy as np
import pytest
from support.exports import export_of

from coursekit import verdict
from coursekit.check import EXPORT, check
from coursekit.grading.trusted.judge import Judge
from coursekit.specs import all_specs, spec_for

#: One exercise of each assignment, and one whose function works in place.
NAMES = ("linear_regression", "net_svd", "net_rsm")


def nan_like(value):
    """``value`` (a tensor, an array, a tuple of them, a number) with every entry NaN."""
    if isinstance(value, (tuple, list)):
        return type(value)(nan_like(item) for item in value)
    if hasattr(value, "detach"):
        return value.detach() * math.nan
    return np.asarray(value, dtype=float) * np.nan


def students(name):
    """Student versions of exercise ``name``: right, NaN, wrong, raising, unfinished, not a function."""
    reference = verdict.reference_function(spec_for(name))

    def raising(*args, **kwargs):
        raise ValueError("shapes do not match")

    def unfinished(*args, **kwargs):
        raise NotImplementedError

    return {"right": reference,
            "nan": lambda *args, **kwargs: nan_like(reference(*args, **kwargs)),
            "doubled": lambda *args, **kwargs: _scaled(reference(*args, **kwargs), 2.0),
            "raising": raising,
            "unfinished": unfinished,
            "not a function": 5}


def _scaled(value, factor):
    if isinstance(value, (tuple, list)):
        return type(value)(_scaled(item, factor) for item in value)
    return value * factor


def in_kernel(name, fn):
    """The message ``check`` fails with in the kernel, or None when it passes."""
    try:
        check(name, fn)
    except AssertionError as failure:
        return str(failure)
    return None


@pytest.fixture(scope="module")
def judge():
    trusted = Judge()
    trusted.prepare()
    return trusted


@pytest.mark.parametrize("name", NAMES)
def test_both_modes_give_the_same_verdict_on_the_same_observations(name, judge, monkeypatch):
    monkeypatch.delenv(EXPORT, raising=False)
    assert name in all_specs()
    verdicts = {}
    for kind, fn in students(name).items():
        kernel = in_kernel(name, fn)
        trusted = judge.verdict(f"check({name!r}, {name})", [export_of(name, fn)])
        assert kernel == trusted, f"{kind}: the modes disagree"
        verdicts[kind] = kernel
    assert verdicts["right"] is None
    assert all(verdicts[kind] for kind in verdicts if kind != "right")  # every wrong one fails, alike
    assert "NaN or infinite" in verdicts["nan"]
    assert "raised ValueError: shapes do not match" in verdicts["raising"]
    assert "not implemented yet" in verdicts["unfinished"]
    assert "should be a function, not int" in verdicts["not a function"]


def test_an_observation_that_cannot_be_judged_fails_alike_in_both_modes(judge):
    spec = spec_for("linear_regression")
    cases = spec.cases()
    broken = [{"no such key": np.zeros(1)} for _ in cases]  # the judge looks for keys it lacks
    found = verdict.judge_cases(spec, broken)
    assert len(found) == len(cases) and all("cannot be judged (KeyError" in problem for problem in found)
    kept = judge.expected_observation  # the trusted judge's reference observations, made once
    cached = verdict.judge_cases(spec, broken, lambda index, case: kept(spec, index, case))
    assert cached == found
