"""Scenario builders (``tests/submissions/broken``, ``adversarial``) and the outcomes they expect."""

import importlib.util
import sys

import nbformat

from coursekit import build, course
from support.course import ASSIGNMENTS

#: The assignment the broken and adversarial scenarios are built from.
ASSIGNMENT = ASSIGNMENTS[0]


def load_builders(folder):
    """Every scenario builder module in ``folder`` (files starting with ``_`` are their helpers), by name."""
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))  # for the builders' shared helper modules
    found = {}
    for path in sorted(folder.glob("[!_]*.py")):
        spec = importlib.util.spec_from_file_location(f"{folder.name}_{path.stem.replace('-', '_')}", path)
        found[path.stem] = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(found[path.stem])
    return found


def grade_cells(root):
    """The autograded grade cells of the assignment, in notebook order."""
    nb = nbformat.read(build.release_path(ASSIGNMENT, root), as_version=4)
    return [c.metadata.nbgrader["grade_id"] for c in nb.cells
            if c.metadata.get("nbgrader", {}).get("grade") and c.cell_type == "code"]


def expected_scores(lost, max_scores, order, exercise):
    """Scores a scenario expects: which grade cells lose their points (see the builders' EXPECTED)."""
    tests = [cell for cell in order if cell.startswith(f"test_{exercise}")]
    zero = {"none": set(), "all": set(order), "exercise": set(tests), "first-test": {tests[0]},
            "from-exercise": set(order[order.index(tests[0]):])}[lost]
    return {cell: 0 if cell in zero else top for cell, top in max_scores.items()}


def assert_outcome_as_expected(root, exercise, student, outcome, expected):
    """``student``'s outcome and gradebook scores are what its scenario's ``EXPECTED`` says."""
    assert outcome.status == expected["status"], outcome
    assert not outcome.retry, outcome
    if "reason" in expected:
        assert expected["reason"] in outcome.reason
    if "note" in expected:
        assert any(expected["note"] in note for note in outcome.notes), outcome.notes
    if "message" in expected:
        assert any(expected["message"] in message for message in outcome.messages.values()), outcome.messages
    max_scores = course.max_scores(root, ASSIGNMENT)
    wanted = expected_scores(expected["lost"], max_scores, grade_cells(root), exercise)
    assert course.scores(root, ASSIGNMENT)[student] == wanted
    assert outcome.grades == wanted
