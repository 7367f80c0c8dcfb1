"""Grade cells are independent: an exercise that calls other exercises keeps its points when they are wrong.

The chains are found in the reference itself (an exercise whose body names
another exercise), so that a new chain is held to the rule without being listed.
Each caller is defined in a namespace of its own, as in a notebook, next to
helpers that raise: its hidden check (``coursekit.check``, in the kernel) and
the visible asserts of its release grade cell must still pass.
"""

import ast
import importlib
import inspect
import textwrap

import nbformat
import numpy as np
import pytest
import torch
from support.course import ASSIGNMENTS, ROOT
from torch import nn

from coursekit import build, check, scenarios
from coursekit.specs import all_specs


def exercises(assignment):
    return [name for name, spec in all_specs().items() if spec.assignment == assignment]


def chains():
    """(assignment, caller, helpers) for every exercise whose reference calls other exercises."""
    found = []
    for assignment in ASSIGNMENTS:
        module = importlib.import_module(f"reference.{assignment}")
        names = exercises(assignment)
        for caller in names:
            tree = ast.parse(textwrap.dedent(inspect.getsource(getattr(module, caller))))
            used = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
            helpers = sorted(used & set(names) - {caller})
            if helpers:
                found.append((assignment, caller, helpers))
    return found


CHAINS = chains()


def test_the_course_has_the_chains_docs_authoring_lists():
    listed = {(caller, tuple(helpers)) for _, caller, helpers in CHAINS}
    assert listed == {("create_learning_problem", ("initialize_layers", "make_data")),
                      ("train_deep_student", ("train_model",)),
                      ("width_sweep", ("compute_loss", "train_model")),
                      ("train_quasi_linear_student", ("initialize_layers", "train_model"))}


def wrong_helper(*args, **kwargs):
    raise RuntimeError("a wrong helper")


def notebook_with_wrong_helpers(assignment, caller, helpers):
    """A namespace like the notebook's: the given code, the reference's caller, helpers that raise."""
    module = importlib.import_module(f"reference.{assignment}")
    namespace = {name: getattr(module, name) for name in dir(module) if not name.startswith("_")}
    namespace.update({"np": np, "torch": torch, "nn": nn}, **{helper: wrong_helper for helper in helpers})
    exec(textwrap.dedent(inspect.getsource(getattr(module, caller))), namespace)
    return namespace


@pytest.mark.parametrize(("assignment", "caller", "helpers"), CHAINS, ids=[c for _, c, _ in CHAINS])
def test_a_wrong_helper_costs_its_caller_nothing(assignment, caller, helpers):
    namespace = notebook_with_wrong_helpers(assignment, caller, helpers)
    check(caller, namespace[caller])  # the reference calls the helpers (CHAINS), which raise: stand-ins ran
    release = nbformat.read(build.release_path(assignment, ROOT), as_version=4)
    visible = next(cell.source for cell in release.cells
                   if cell.metadata.get("nbgrader", {}).get("grade_id") == f"test_{caller}")
    exec(visible, namespace)  # nor do its visible asserts
    assert all(namespace[helper] is wrong_helper for helper in helpers), "the student's helpers are put back"


SWEEP_IN_ANOTHER_ORDER = """
def width_sweep(X_train, y_train, X_test, y_test, widths, n_epochs, lr):
    students = {int(W): make_MLP(X_train.shape[1], int(W), 2) for W in reversed(list(widths))}
    losses = {W: train_model(net, X_train, y_train, n_epochs, lr, False) for W, net in students.items()}
    tested = {W: compute_loss(net, X_test, y_test) for W, net in students.items()}
    y_var = float(y_test.var())
    return (np.stack([losses[int(W)] for W in widths]) / y_var,
            np.array([tested[int(W)] for W in widths]) / y_var)


def sweep_skipping_a_width(X_train, y_train, X_test, y_test, widths, n_epochs, lr):
    return width_sweep(X_train, y_train, X_test, y_test, list(widths)[:-1] + list(widths)[:1], n_epochs, lr)
"""


def test_a_sweep_is_judged_whatever_the_order_of_its_students():
    """Built in reverse order, all trained, then all measured: full marks; a width left out is not."""
    namespace = notebook_with_wrong_helpers("depth_vs_width", "width_sweep", ["train_model", "compute_loss"])
    exec(SWEEP_IN_ANOTHER_ORDER, namespace)
    check("width_sweep", namespace["width_sweep"])
    with pytest.raises(AssertionError, match="one student per width"):
        check("width_sweep", namespace["sweep_skipping_a_width"])


@pytest.mark.parametrize(("assignment", "caller", "helpers"), CHAINS, ids=[c for _, c, _ in CHAINS])
def test_every_chain_has_a_fixture_with_a_wrong_helper_and_a_right_caller(assignment, caller, helpers):
    """Graded in every mode by the fixture tests, where it may lose its helper's cells only."""
    fixtures = scenarios.scenarios(assignment, ROOT).values()
    for helper in helpers:
        assert [case.name for case in fixtures if case.name.startswith("wrong-") and case.start == "reference"
                and helper in case.functions and caller not in case.functions], (
            f"no wrong-* fixture gets {helper} wrong and leaves {caller} right")
