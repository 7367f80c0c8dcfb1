"""Every fixture submission gets exactly its expected score from stock nbgrader.

And the fixtures' expectations are fair by construction: a ``wrong-<function>-*``
fixture gets one exercise wrong and may lose only that exercise's grade cells (a
collateral loss of another exercise cannot be written into its ``EXPECTED``); an
``alternative-*`` fixture is correct and loses nothing.
"""

import nbformat
from support.course import ROOT

from coursekit import build, scenarios


def test_fixtures_are_fresh(assignment):
    """The fixture notebooks are what their scenario files and the release make."""
    assert scenarios.build(assignment, ROOT, check=True) == [], "run `make fixtures`"


def test_fixture_scores(graded_course, assignment, scenario):
    expected = scenarios.scenarios(assignment, ROOT)[scenario].expected(graded_course.max_scores())
    assert graded_course.scores()[scenario] == expected


def grade_cells(assignment):
    """The grade cells of the release notebook, by the exercise (solution cell) they test."""
    nb = nbformat.read(build.release_path(assignment, ROOT), as_version=4)
    ids = [cell.metadata["nbgrader"] for cell in nb.cells if "nbgrader" in cell.metadata]
    exercises = [meta["grade_id"] for meta in ids if meta.get("solution") and not meta.get("grade")]
    tests = [meta["grade_id"] for meta in ids if meta.get("grade") and meta["grade_id"].startswith("test_")]
    return {name: {cell for cell in tests if cell == f"test_{name}" or cell.startswith(f"test_{name}_")}
            for name in exercises}


def named_for(scenario, function):
    """Whether ``wrong-<word>-...`` names ``function``: <word> begins one of its words (chi1 for chi_1)."""
    word = scenario.name.split("-")[1]
    return any(part.startswith(word) for part in [*function.split("_"), function.replace("_", "")])


def unfair_expectations(case, cells):
    """What is wrong with the ``EXPECTED`` of a ``wrong-*`` or ``alternative-*`` scenario."""
    if case.name.startswith("alternative-"):
        return [f"{case.name} is correct: EXPECTED should be {{}}"] if case.expected_losses else []
    if not case.name.startswith("wrong-") or case.start != "reference":
        return []
    defined = [name for name in case.functions if name in cells]
    if len(defined) != 1:
        return [f"{case.name} should get exactly one exercise wrong; it defines {defined}"]
    function = defined[0]
    if not named_for(case, function):
        return [f"{case.name} gets {function} wrong: name it wrong-<a word of {function}>-..."]
    if not case.expected_losses:
        return [f"{case.name} gets {function} wrong: EXPECTED should say which of its cells it loses"]
    if not set(case.expected_losses) <= cells[function]:
        return [f"{case.name} gets only {function} wrong but EXPECTED takes points of "
                f"{sorted(case.expected_losses)}: a collateral loss; only {sorted(cells[function])} may lose"]
    return []


def test_a_wrong_fixture_loses_only_its_functions_points_and_an_alternative_nothing(assignment):
    """``wrong-<function>-*`` defines one exercise, names it, and ``EXPECTED`` holds only its grade cells."""
    cells = grade_cells(assignment)
    cases = scenarios.scenarios(assignment, ROOT).values()
    assert [case.name for case in cases if case.name.startswith("wrong-")], "an assignment has wrong fixtures"
    assert [problem for case in cases for problem in unfair_expectations(case, cells)] == []
