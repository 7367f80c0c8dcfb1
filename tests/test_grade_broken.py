"""Broken submissions: each ends with its clear reason or honest score, and the run goes on.

The scenarios are the builders in ``tests/submissions/broken/``: each turns
the first assignment's correct fixture into one kind of broken submission and
says what outcome it expects (``EXPECTED``). They are graded in one run with
two honest students, with a short cell timeout for the one that never returns.
The same course then serves the tests of resuming, forcing and reporting.
"""

import copy
import csv
import json

import nbformat
import pytest
from nbgrader.api import Gradebook
from nbgrader.utils import parse_utc
from support.course import ASSIGNMENTS, ROOT, add_assignment
from support.scenarios import assert_outcome_as_expected, load_builders
from typer.testing import CliRunner

from coursekit import build, course, grading, scenarios
from coursekit.cli import app

pytestmark = [pytest.mark.sandbox, pytest.mark.slow]

ASSIGNMENT = ASSIGNMENTS[0]
BROKEN = ROOT / "tests" / "submissions" / "broken"
HONEST = ("all-correct", "blank")
TIMESTAMP = "2026-11-20 12:00:00.000000 UTC"


def builders():
    """Every broken scenario's builder module, by name."""
    return load_builders(BROKEN)


@pytest.fixture(scope="module")
def broken_class(tmp_path_factory):
    """The broken scenarios and two honest students of the first assignment, graded in one run."""
    root = tmp_path_factory.mktemp("broken") / "course"
    add_assignment(root, ASSIGNMENT)
    correct = nbformat.read(ROOT / "tests" / "submissions" / ASSIGNMENT / "all-correct.ipynb", as_version=4)
    release = nbformat.read(build.release_path(ASSIGNMENT, root), as_version=4)
    exercise = [c.metadata.nbgrader["grade_id"] for c in release.cells
                if c.metadata.get("nbgrader", {}).get("solution") and c.cell_type == "code"][-1]
    for name, builder in builders().items():
        folder = root / "submitted" / name / ASSIGNMENT
        folder.mkdir(parents=True)
        files = builder.submission(copy.deepcopy(correct), f"{ASSIGNMENT}.ipynb", exercise)
        for filename, data in files.items():
            (folder / filename).write_bytes(data)
    for name in HONEST:
        course.submit(root, name, ASSIGNMENT, ROOT / "tests" / "submissions" / ASSIGNMENT / f"{name}.ipynb")
    (root / "submitted" / HONEST[0] / ASSIGNMENT / "timestamp.txt").write_text(TIMESTAMP)
    run = grading.grade(root, ASSIGNMENT, options=grading.GradingOptions(workers=2, timeout=10))
    return root, exercise, run


@pytest.fixture
def outcomes(broken_class):
    root, _, _ = broken_class
    return grading.load_report(course.course_directory(root), ASSIGNMENT)


@pytest.mark.parametrize("broken", sorted(builders()))
def test_broken_submission_gets_its_outcome(broken_class, outcomes, broken):
    root, exercise, run = broken_class
    expected = builders()[broken].EXPECTED
    outcome = outcomes[broken]
    assert_outcome_as_expected(root, exercise, broken, outcome, expected)
    autograded = root / "autograded" / broken / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    assert autograded.exists() == (outcome.status == "scored")


def test_honest_students_of_the_same_run_are_graded_normally(broken_class, outcomes):
    root, _, run = broken_class
    found = scenarios.scenarios(ASSIGNMENT, ROOT)
    max_scores = course.max_scores(root, ASSIGNMENT)
    for name in HONEST:
        assert outcomes[name].status == "scored"
        assert course.scores(root, ASSIGNMENT)[name] == found[name].expected(max_scores)
    assert sorted(o.student for o in run.outcomes) == sorted([*builders(), *HONEST])
    with Gradebook(course.db_url(root)) as gb:
        assert gb.find_submission(ASSIGNMENT, HONEST[0]).timestamp == parse_utc(TIMESTAMP)


def test_output_flood_is_cut_in_the_autograded_notebook(broken_class):
    root, _, _ = broken_class
    size = (root / "autograded" / "output-flood" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").stat().st_size
    assert size < 20e6, f"{size / 1e6:.0f} MB"


def test_kernel_death_is_marked_in_the_cell_where_it_happened(broken_class):
    root, exercise, _ = broken_class
    nb = nbformat.read(root / "autograded" / "kernel-dies" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == f"test_{exercise}")
    assert [o.ename for o in cell.outputs if o.output_type == "error"] == ["KernelStopped"]


def test_grading_report_holds_every_submission_once(broken_class, outcomes):
    root, _, run = broken_class
    report = json.loads((root / "reports" / ASSIGNMENT / "grading-report.json").read_text())
    assert sorted(report["submissions"]) == sorted(o.student for o in run.outcomes)
    for outcome in outcomes.values():
        assert outcome.fingerprint and outcome.graded_at
        assert outcome.status == "scored" or outcome.reason


def test_grade_json_when_nothing_changed(broken_class, monkeypatch):
    root, _, run = broken_class
    monkeypatch.chdir(root)
    result = CliRunner().invoke(app, ["grade", ASSIGNMENT, "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["graded"] == 0
    assert sorted(summary["up_to_date"]) == sorted(o.student for o in run.outcomes)


def test_report_command_writes_html_and_csv(broken_class, monkeypatch):
    root, _, run = broken_class
    monkeypatch.chdir(root)
    result = CliRunner().invoke(app, ["report", ASSIGNMENT])
    assert result.exit_code == 0, result.output
    folder = root / "reports" / ASSIGNMENT
    page = (folder / "report.html").read_text()
    assert page.count("<img") == 4
    assert "is not valid JSON" in page
    with open(folder / "grades.csv") as stream:
        rows = {row["student"]: row for row in csv.DictReader(stream)}
    assert set(rows) == {o.student for o in run.outcomes}
    totals = {student: sum(cells.values()) for student, cells in course.scores(root, ASSIGNMENT).items()}
    assert {student: float(row["score"]) for student, row in rows.items()} == totals


def test_force_grades_an_unchanged_submission_again(broken_class, outcomes):
    root, _, _ = broken_class
    before = outcomes["missing-notebook"]
    again = grading.grade(root, ASSIGNMENT, ["missing-notebook"], grading.GradingOptions(force=True))
    assert [o.student for o in again.outcomes] == ["missing-notebook"]
    assert again.outcomes[0].reason == before.reason


def test_a_replaced_submission_is_graded_again_and_only_it(broken_class, outcomes):
    root, _, _ = broken_class
    folder = root / "submitted" / "empty-file" / ASSIGNMENT
    (folder / f"{ASSIGNMENT}.ipynb").write_bytes((BROKEN / "invalid-json.ipynb").read_bytes())
    again = grading.grade(root, ASSIGNMENT, options=grading.GradingOptions(workers=1))
    assert [o.student for o in again.outcomes] == ["empty-file"]
    assert "is not valid JSON" in again.outcomes[0].reason
    after = grading.load_report(course.course_directory(root), ASSIGNMENT)
    assert {s: o.graded_at for s, o in after.items() if s != "empty-file"} == \
        {s: o.graded_at for s, o in outcomes.items() if s != "empty-file"}
