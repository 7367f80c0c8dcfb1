"""``coursekit grade`` against stock ``nbgrader autograde``: same scores, same artifacts.

Each assignment's class (the source notebook, the release and every fixture
submission) is graded once by stock nbgrader (``graded_course``, shared with
the notebook tests) and by the engine in courses of its own (``engine_grader``,
shared with the formgrader test). Every class is graded in the default, secure mode
(sandboxed kernels, trusted verdicts); the class with the most fixture variants
is graded in the in-kernel mode (``--insecure``) too, the fallback that decides as
stock nbgrader does (its grade cells run in the kernel), which the other classes
would only repeat at a minute of CI each. Honest work gets the same scores from
every mode and from stock nbgrader.
"""

import csv
import json

import nbformat
import pytest
from support.course import ASSIGNMENTS, class_of

from coursekit import course, grading

pytestmark = [pytest.mark.sandbox, pytest.mark.slow]

#: The class graded in the in-kernel mode as well: the one with the most fixture variants.
IN_KERNEL_CLASS = max(ASSIGNMENTS, key=lambda assignment: len(class_of(assignment)))
CASES = [("secure", a) for a in ASSIGNMENTS] + [("insecure", IN_KERNEL_CLASS)]
each_mode_and_class = pytest.mark.parametrize(("mode", "assignment"), CASES,
                                              ids=[f"{mode}-{a}" for mode, a in CASES])


@pytest.fixture
def engine_course(engine_grader, assignment, mode):
    return engine_grader(assignment, mode)


@each_mode_and_class
def test_every_submission_is_scored(engine_course, graded_course, assignment):
    root, run = engine_course
    students = sorted(class_of(assignment))
    assert sorted(outcome.student for outcome in run.outcomes) == students
    failed = {o.student: o.reason for o in run.outcomes if o.status != "scored"}
    assert not failed


@each_mode_and_class
def test_scores_equal_stock_nbgrader_cell_by_cell(engine_course, graded_course, assignment):
    root, run = engine_course
    assert course.scores(root, assignment) == graded_course.scores()
    by_student = {outcome.student: outcome.grades for outcome in run.outcomes}
    assert by_student == graded_course.scores(), "the grading report disagrees"


@each_mode_and_class
def test_autograded_notebooks_are_stock_nbgraders(engine_course, graded_course, assignment):
    """Same cells, sources, nbgrader metadata and kinds of output as stock nbgrader writes."""
    root, run = engine_course

    def shape(path):
        nb = nbformat.read(path, as_version=4)
        return [(c.cell_type, c.source, c.metadata.get("nbgrader"),
                 [o.output_type for o in c.get("outputs", []) if o.output_type == "error"]) for c in nb.cells]

    for outcome in run.outcomes:
        name = f"autograded/{outcome.student}/{assignment}/{assignment}.ipynb"
        assert shape(root / name) == shape(graded_course.autograded(outcome.student)), outcome.student


def test_formgrader_tools_read_the_engines_grades(engine_grader):
    """nbgrader's own feedback and export work on what the engine wrote (first assignment)."""
    assignment = ASSIGNMENTS[0]
    root, run = engine_grader(assignment)
    course.nbgrader(root, "generate_feedback", assignment, "--student", "source-notebook", "--force")
    assert (root / "feedback" / "source-notebook" / assignment / f"{assignment}.html").exists()
    course.nbgrader(root, "export", "--to", str(root / "grades.csv"))
    with open(root / "grades.csv") as stream:
        rows = [row for row in csv.DictReader(stream) if row["assignment"] == assignment]
    exported = {row["student_id"]: float(row["raw_score"]) for row in rows}
    assert exported == {o.student: o.score for o in run.outcomes}


@each_mode_and_class
def test_grading_again_does_nothing(engine_course, assignment):
    root, run = engine_course
    again = grading.grade(root, assignment, options=grading.GradingOptions(workers=2, secure=run.secure))
    assert again.outcomes == []
    assert sorted(again.up_to_date) == sorted(o.student for o in run.outcomes)
    report = json.loads((root / "reports" / assignment / "grading-report.json").read_text())
    assert set(report["submissions"]) == {o.student for o in run.outcomes}
