"""An ordinary nbgrader course graded three ways: stock ``nbgrader autograde``, ``coursekit grade
--insecure`` and ``coursekit grade``; the gradebooks agree cell by cell.

The course (``support.plain_course``) knows nothing of coursekit: plain asserts, a numeric
result for partial credit, hidden tests, a changed locked cell, a changed grade cell, a late
submission, a timeout, two notebooks of which a student submitted one, an empty submission
folder, and a notebook that writes a file. Secure mode grades every cell of it, marked
kernel-reported (no cell calls ``coursekit.check``), never a silent zero.
"""

import csv
from concurrent.futures import ThreadPoolExecutor

import nbformat
import pytest
from nbgrader.api import Gradebook
from rich.console import Console
from support import plain_course
from support.plain_course import ASSIGNMENT, SCENARIOS, SIDE_EFFECT
from typer.testing import CliRunner

from coursekit import course, grading
from coursekit.cli import app

WAYS = ("stock", "insecure", "secure")


class ThreeWays:
    """The plain course, built once, graded by stock nbgrader in the background and by coursekit on demand."""

    def __init__(self, folder):
        self.folder = folder
        plain_course.build(folder / "built")
        self.roots = {way: plain_course.copy(folder / "built", folder / way) for way in WAYS}
        self.pool = ThreadPoolExecutor(max_workers=1)
        self.stock = self.pool.submit(course.autograde, self.roots["stock"], ASSIGNMENT)
        self.runs = {}

    def graded(self, way):
        """The course graded ``way``: its root (and, for coursekit, the run)."""
        if way == "stock":
            self.stock.result()
        elif way not in self.runs:
            options = grading.GradingOptions(workers=2, secure=way == "secure")
            self.runs[way] = grading.grade(self.roots[way], ASSIGNMENT, options=options)
        return self.roots[way]


@pytest.fixture(scope="module")
def plain_class(tmp_path_factory):
    """The plain course and its class, to be graded three ways (``ThreeWays``)."""
    ways = ThreeWays(tmp_path_factory.mktemp("plain"))
    yield ways
    ways.pool.shutdown()


def gradebook(root):
    """Every grade of the gradebook: (student, notebook, grade id) -> (auto score, needs manual grade),
    and (student, notebook) -> (seconds late, late penalty)."""
    grades, late = {}, {}
    with Gradebook(course.db_url(root)) as gb:
        for student in gb.students:
            submission = gb.find_submission(ASSIGNMENT, student.id)
            for nb in submission.notebooks:
                late[student.id, nb.name] = (submission.total_seconds_late, nb.late_submission_penalty)
                for grade in nb.grades:
                    grades[student.id, nb.name, grade.name] = (grade.auto_score, grade.needs_manual_grade)
    return grades, late


@pytest.mark.sandbox
def test_secure_mode_marks_every_plain_cell_kernel_reported(plain_class):
    root = plain_class.graded("secure")
    run = plain_class.runs["secure"]
    keys = {"problem1/correct_squares", "problem1/squares_invalid_input", "problem1/partial_squares",
            "problem2/correct_mean"}
    assert run.trust == dict.fromkeys(keys, "kernel-reported") and set(run.kernel_reported()) == keys
    for outcome in run.outcomes:
        assert outcome.trust == dict.fromkeys(keys, "kernel-reported")
        assert outcome.max_score == course.full_marks(root, ASSIGNMENT) == 7  # the manual answer counts
    assert run.as_dict()["trust"] == run.trust
    console = Console(record=True, width=200)
    console.print(grading.outcome_table(run))
    table = console.export_text()
    assert "4 of 4 grade cells are kernel-reported" in table  # as the run says before it starts
    assert "partial-credit" in table and "kernel-reported" in table.split("partial-credit")[1].splitlines()[0]
    assert "6 / 7" in table.split("correct ")[1].splitlines()[0]  # the gradebook's maximum
    nb = nbformat.read(root / "autograded" / "correct" / ASSIGNMENT / "problem1.ipynb", as_version=4)
    graded = [cell for cell in nb.cells if cell.metadata.get("nbgrader", {}).get("grade")]
    assert all("trust: kernel-reported" in cell.outputs[-1].text for cell in graded)  # the feedback says it


@pytest.mark.parametrize("way", ["insecure", pytest.param("secure", marks=pytest.mark.sandbox)])
def test_coursekit_grade_gives_stock_nbgraders_grades_cell_by_cell(plain_class, way):
    got = gradebook(plain_class.graded(way))  # while stock nbgrader grades its copy
    expected = gradebook(plain_class.graded("stock"))
    assert got[0] == expected[0]
    assert got[1] == expected[1]
    run = plain_class.runs[way]
    assert run.skipped.keys() == {"empty-folder"} and run.count(grading.FAILED) == 0


def test_stock_nbgrader_grades_the_scenarios_as_designed(plain_class):
    grades, late = gradebook(plain_class.graded("stock"))
    assert {student for student, _, _ in grades} == set(SCENARIOS)  # the empty folder made no student
    assert grades["correct", "problem1", "partial_squares"] == (2, False)
    assert grades["correct", "problem2", "explain_mean"] == (None, True)
    assert grades["unchanged", "problem1", "correct_squares"] == (0, False)
    assert grades["partial-credit", "problem1", "partial_squares"][0] == pytest.approx(1.2)
    assert grades["partial-credit", "problem1", "squares_invalid_input"] == (0, False)  # the hidden test
    assert grades["partial-credit", "problem1", "correct_squares"] == (1, False)
    assert grades["timeout", "problem1", "squares_invalid_input"] == (0, False)
    assert grades["timeout", "problem1", "partial_squares"] == (2, False)
    assert grades["locked-cell-changed", "problem1", "correct_squares"] == (1, False)
    assert grades["grade-cell-changed", "problem1", "correct_squares"] == (0, False)
    assert grades["missing-notebook", "problem2", "correct_mean"] == (0, False)
    assert grades["missing-notebook", "problem1", "correct_squares"] == (1, False)
    assert late["late", "problem1"] == (86400, 4) and late["correct", "problem1"] == (0, None)


@pytest.mark.parametrize("way", ["stock", "insecure", pytest.param("secure", marks=pytest.mark.sandbox)])
def test_files_a_notebook_writes_are_kept_in_the_autograded_folder(plain_class, way):
    root = plain_class.graded(way)
    for student in SCENARIOS:
        written = root / "autograded" / student / ASSIGNMENT / SIDE_EFFECT
        assert written.exists() == (student != "missing-notebook"), student  # problem2 writes it
    assert (root / "autograded" / "correct" / ASSIGNMENT / SIDE_EFFECT).read_text() == "written by problem2"
    assert not (root / "autograded" / "empty-folder").exists()


def test_the_report_names_cells_of_any_notebook_and_lives_apart_from_students(plain_class):
    root = plain_class.graded("insecure")
    written = grading.write_report(root, ASSIGNMENT)
    assert written["csv"].parent == root / "reports" / ASSIGNMENT
    with open(written["csv"]) as stream:
        rows = {row["student"]: row for row in csv.DictReader(stream)}
    assert float(rows["partial-credit"]["problem1/partial_squares"]) == pytest.approx(1.2)
    assert float(rows["missing-notebook"]["problem2/correct_mean"]) == 0
    assert "empty-folder" not in rows
    assert {row["max_score"] for row in rows.values()} == {"7.0"}  # the gradebook's, the manual answer too
    assert "kernel-reported" in written["html"].read_text()


@pytest.mark.sandbox
def test_require_verified_refuses_a_course_with_kernel_reported_cells(plain_class, monkeypatch):
    root = plain_class.graded("secure")
    before = gradebook(root)
    monkeypatch.chdir(root)
    result = CliRunner().invoke(app, ["grade", ASSIGNMENT, "--force", "--require-verified"])
    assert result.exit_code == 2
    assert "--require-verified" in result.output and "problem2/correct_mean" in result.output
    assert gradebook(root) == before
