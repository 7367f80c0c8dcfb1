"""The recorder writes what an executed notebook shows into the gradebook: no kernel runs here.

The notebooks handed to it are the submitted fixture as a worker would return it, with the
outputs a kernel would have left (none, or an error in one grade cell).
"""

import nbformat
from support.course import ASSIGNMENTS, ROOT, add_assignment

from coursekit import course
from coursekit.grading.coordinator import snapshot, submissions
from coursekit.grading.coordinator.recorder import Recorder, graded_students
from coursekit.grading.notebooks import error_output
from coursekit.grading.outcome import FAILED, SCORED, Result

ASSIGNMENT = ASSIGNMENTS[0]
CORRECT = ROOT / "tests" / "submissions" / ASSIGNMENT / "all-correct.ipynb"


def recorded(tmp_path, students, secure=False):
    """A course with ``students`` (all submitting the correct fixture), its snapshot and their jobs."""
    root = tmp_path / "course"
    add_assignment(root, ASSIGNMENT)
    for student in students:
        course.submit(root, student, ASSIGNMENT, CORRECT)
    config = course.config(root)
    coursedir = course.course_directory(root, config)
    snap = snapshot.take(coursedir, ASSIGNMENT, config, secure=secure)
    jobs = {s.student: s.job(snap.version) for s in submissions.find(coursedir, ASSIGNMENT, snap.notebooks)}
    return root, coursedir, snap, jobs


def executed(job, failing=None):
    """The job's notebooks as a worker returns them; ``failing``: the grade cell given an error output."""
    nb = nbformat.reads(job.notebooks[ASSIGNMENT], as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            if cell.metadata.get("nbgrader", {}).get("grade_id") == failing:
                cell.outputs = [error_output("AssertionError", "net_svd is not right yet.\n- W differs")]
    return {ASSIGNMENT: nbformat.writes(nb)}


def test_scores_are_what_the_executed_notebook_shows(tmp_path):
    root, coursedir, snap, jobs = recorded(tmp_path, ["ada", "bob", "cy"])
    max_scores = course.max_scores(root, ASSIGNMENT)
    failing = next(iter(max_scores))
    recorder = Recorder(coursedir, snap, snap.config)
    try:
        ada = recorder.record(jobs["ada"], Result(student="ada", notebooks=executed(jobs["ada"])))
        bob = recorder.record(jobs["bob"], Result(student="bob", notebooks=executed(jobs["bob"], failing)))
        cy = recorder.record(jobs["cy"], Result(student="cy", reason="cy.ipynb is empty"))
    finally:
        recorder.close()
    assert ada.status == SCORED and ada.grades == max_scores and ada.score == sum(max_scores.values())
    assert bob.status == SCORED and bob.grades[failing] == 0
    assert bob.messages[failing] == "AssertionError: W differs"
    assert cy.status == FAILED and cy.reason == "cy.ipynb is empty" and not cy.retry
    assert set(cy.grades.values()) == {0}
    scores = course.scores(root, ASSIGNMENT)
    assert scores["ada"] == max_scores and scores["bob"][failing] == 0
    assert graded_students(coursedir, snap) == {"ada", "bob"}  # cy has no autograded notebook


def test_a_secure_run_without_its_judge_records_nothing_and_retries(tmp_path):
    _, coursedir, snap, jobs = recorded(tmp_path, ["ada"], secure=True)
    recorder = Recorder(coursedir, snap, snap.config)  # no trusted judge: the kernel's word is not taken
    try:
        outcome = recorder.record(jobs["ada"], Result(student="ada", notebooks=executed(jobs["ada"])))
    finally:
        recorder.close()
    assert outcome.status == FAILED and outcome.retry and "no trusted judge" in outcome.reason
    assert graded_students(coursedir, snap) == set()
