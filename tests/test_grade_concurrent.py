"""Several ``coursekit grade`` runs on one assignment at once: nothing lost, nothing graded twice.

Teaching assistants grade sections of a class at the same time against a real PostgreSQL
gradebook (a throwaway server of the session, ``support.postgres``), each with the real command.
Every student is graded by exactly one run, every outcome is in the grading report, and
nbgrader's formgrader API and ``nbgrader export`` see them all. A run killed with SIGKILL costs
the others nothing and resumes where it stopped. With SQLite, a second run on the same
assignment stops at once and says why, instead of failing halfway with "database is locked".
"""

import csv
import json
import os
import signal
import subprocess
import sys
import tempfile
import time

import pytest
from nbgrader.apps.api import NbGraderAPI
from support.course import ASSIGNMENTS, ROOT, add_assignment

from coursekit import course, scenarios
from coursekit.environment import environment
from coursekit.grading import load_report
from coursekit.grading.coordinator.claims import run_lock_path
from coursekit.grading.coordinator.ledger import report_path

pytestmark = [pytest.mark.sandbox, pytest.mark.slow]

ASSIGNMENT = ASSIGNMENTS[0]
FIXTURE_FOLDER = ROOT / "tests" / "submissions" / ASSIGNMENT
FIXTURES = ("all-correct", "blank", "wrong-svd-order", "wrong-rsm-transposed")


def make_class(root, students):
    """A course of ``ASSIGNMENT`` whose ``students`` (name -> fixture) have submitted."""
    add_assignment(root, ASSIGNMENT)
    submit(root, students)


def submit(root, students):
    for name, fixture in students.items():
        course.submit(root, name, ASSIGNMENT, FIXTURE_FOLDER / f"{fixture}.ipynb")


class Run:
    """``coursekit grade ASSIGNMENT STUDENTS --json`` started in the course ``root`` (one worker).

    Its output goes to files, not pipes: a run killed with SIGKILL leaves its worker processes to
    notice and exit, and they must not hold the test up.
    """

    def __init__(self, root, students):
        command = [os.path.join(sys.prefix, "bin", "coursekit"), "grade", ASSIGNMENT, *students, "--json",
                   "--workers", "1", "--timeout", "120"]
        self.out, self.err = (tempfile.TemporaryFile("w+") for _ in range(2))
        self.process = subprocess.Popen(command, cwd=root, env=environment(), stdout=self.out,
                                        stderr=self.err)

    def wait(self):
        """Wait for the run; return its exit code, what it printed and what it logged."""
        code = self.process.wait(timeout=900)
        texts = []
        for stream in (self.out, self.err):
            stream.seek(0)
            texts.append(stream.read())
            stream.close()
        return code, *texts


def start(root, students):
    return Run(root, students)


def finish(run):
    """The JSON a started run printed; it must have succeeded."""
    code, out, err = run.wait()
    assert code == 0, err[-3000:]
    assert "database is locked" not in out + err
    return json.loads(out)


def expected(root, students):
    found = scenarios.scenarios(ASSIGNMENT, ROOT)
    top = course.max_scores(root, ASSIGNMENT)
    return {name: found[fixture].expected(top) for name, fixture in students.items()}


def coursedir(root):
    return course.course_directory(root, course.config(root))


def assert_every_outcome_recorded(root, students):
    """The gradebook, the report, formgrader's API and ``nbgrader export`` all hold every student."""
    scores = course.scores(root, ASSIGNMENT)
    assert {name: scores.get(name) for name in students} == expected(root, students)
    report = load_report(coursedir(root), ASSIGNMENT)
    assert set(students) <= set(report)
    assert all(report[name].status == "scored" for name in students)
    previous = os.getcwd()
    os.chdir(root)  # formgrader's API reads the course of the working folder
    try:
        api = NbGraderAPI(coursedir=coursedir(root))
        listed = {s["student"]: s for s in api.get_submissions(ASSIGNMENT)}
    finally:
        os.chdir(previous)
    assert all(listed[name]["autograded"] for name in students)
    course.nbgrader(root, "export", "--to", "grades.csv")
    with open(root / "grades.csv") as stream:
        exported = {row["student_id"] for row in csv.DictReader(stream) if row["assignment"] == ASSIGNMENT}
    assert set(students) <= exported


@pytest.fixture(scope="module")
def pg_course(tmp_path_factory, postgres):
    """A course whose gradebook is a database of the session's PostgreSQL server."""
    root = tmp_path_factory.mktemp("concurrent") / "course"
    add_assignment(root, ASSIGNMENT)
    postgres.gradebook(root, ASSIGNMENT)
    assert course.db_url(root).startswith("postgresql+psycopg://")
    return root


def test_three_graders_at_once_grade_every_student_once(pg_course):
    """Two sections graded side by side, and a third run that overlaps both."""
    students = {f"section{i}-{fixture}": fixture for i in (1, 2) for fixture in FIXTURES[:2]}
    submit(pg_course, students)
    names = sorted(students)
    sections = [names[:2], names[2:], names[1:3]]  # the third overlaps both
    runs = [finish(run) for run in [start(pg_course, section) for section in sections]]
    graded = [o["student"] for run in runs for o in run["outcomes"]]
    assert sorted(graded) == names  # each once, by one run
    for run, section in zip(runs, sections):
        assert sorted([o["student"] for o in run["outcomes"]] + run["up_to_date"]) == sorted(section)
    assert_every_outcome_recorded(pg_course, students)


def recorded(root, students):
    return set(load_report(coursedir(root), ASSIGNMENT)) & set(students)


def test_a_grader_killed_halfway_costs_the_other_nothing_and_resumes(pg_course):
    killed = {f"killed-{fixture}": fixture for fixture in FIXTURES[:3]}
    other = {"other-wrong-rsm": "wrong-rsm-transposed"}
    submit(pg_course, {**killed, **other})
    victim, survivor = start(pg_course, sorted(killed)), start(pg_course, sorted(other))
    while not recorded(pg_course, killed) and victim.process.poll() is None:
        time.sleep(0.2)
    victim.process.send_signal(signal.SIGKILL)
    assert victim.wait()[0] == -signal.SIGKILL
    done_before = recorded(pg_course, killed)
    assert done_before and done_before != set(killed)  # killed halfway through its section
    assert finish(survivor)["graded"] == 1
    resumed = finish(start(pg_course, sorted(killed)))
    assert not done_before & {o["student"] for o in resumed["outcomes"]}  # nothing graded twice
    assert_every_outcome_recorded(pg_course, {**killed, **other})


def test_with_sqlite_a_second_run_stops_at_once_and_says_why(tmp_path):
    root = tmp_path / "course"
    students = {"sqlite-all-correct": "all-correct", "sqlite-blank": "blank"}
    make_class(root, students)
    first = start(root, sorted(students))
    lock = run_lock_path(report_path(coursedir(root), ASSIGNMENT))
    while first.process.poll() is None and not held(lock, first.process):
        time.sleep(0.1)
    code, out, err = start(root, sorted(students)).wait()
    finish(first)
    assert code == 2, out + err
    assert "takes one writer at a time" in err and "database is locked" not in out + err
    assert_every_outcome_recorded(root, students)


def held(lock, run):
    """Whether the started ``run`` holds the SQLite run lock ``lock`` (it writes its pid there)."""
    return lock.exists() and lock.read_text().strip() == str(run.pid)
