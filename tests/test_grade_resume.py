"""A grading run killed with SIGKILL, then started again, loses no grade and doubles none.

The course keeps its gradebook under another SQLAlchemy URL than the default
(``sqlite:///.../grades/elsewhere.db``), set in its ``nbgrader_config.py``.
"""

import json
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
from nbgrader.api import Gradebook
from support.course import ASSIGNMENTS, ROOT, add_assignment

from coursekit import build, course, scenarios

pytestmark = [pytest.mark.sandbox, pytest.mark.slow]

ASSIGNMENT = ASSIGNMENTS[0]
COURSEKIT = [str(Path(sys.executable).parent / "coursekit")]


def read_report(root):
    path = root / "reports" / ASSIGNMENT / "grading-report.json"
    return json.loads(path.read_text())["submissions"] if path.exists() else {}


def test_killed_run_resumes_without_losing_or_doubling_grades(tmp_path):
    root = tmp_path / "course"
    add_assignment(root, ASSIGNMENT)
    database = root / "grades" / "elsewhere.db"  # the gradebook at another URL than the default
    database.parent.mkdir()
    (root / "gradebook.db").rename(database)
    with open(root / "nbgrader_config.py", "a") as config:
        config.write(f'\nc.CourseDirectory.db_url = "sqlite:///{database}"\n')
    found = scenarios.scenarios(ASSIGNMENT, ROOT)
    students = sorted(found)[:3]
    for name in students:
        course.submit(root, name, ASSIGNMENT, found[name].path.with_suffix(".ipynb"))

    first = subprocess.Popen([*COURSEKIT, "grade", ASSIGNMENT, "--workers", "2"], cwd=root,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=build.environment())
    deadline = time.monotonic() + 900
    while not read_report(root) and first.poll() is None and time.monotonic() < deadline:
        time.sleep(0.1)
    family = psutil.Process(first.pid).children(recursive=True)
    first.kill()
    first.wait()
    before = read_report(root)
    assert 1 <= len(before) < len(students), "the run was not killed halfway"
    _, alive = psutil.wait_procs(family, timeout=30)
    assert not alive, f"workers or kernels outlived the killed run: {alive}"

    second = subprocess.run([*COURSEKIT, "grade", ASSIGNMENT, "--workers", "2", "--json"], cwd=root,
                            capture_output=True, text=True, env=build.environment(), check=True)
    summary = json.loads(second.stdout)
    assert sorted(summary["up_to_date"]) == sorted(before)
    assert sorted(o["student"] for o in summary["outcomes"]) == sorted(set(students) - set(before))
    after = read_report(root)
    assert sorted(after) == students
    assert {s: after[s]["graded_at"] for s in before} == {s: before[s]["graded_at"] for s in before}

    max_scores = course.max_scores(root, ASSIGNMENT)
    assert course.scores(root, ASSIGNMENT) == {name: found[name].expected(max_scores) for name in students}
    with Gradebook(f"sqlite:///{database}") as gb:
        submissions = gb.find_assignment(ASSIGNMENT).submissions
        assert sorted(s.student.id for s in submissions) == students
        cells = len(gb.find_notebook(ASSIGNMENT, ASSIGNMENT).grade_cells)
        for submission in submissions:
            (notebook,) = submission.notebooks
            assert len(notebook.grades) == cells
    with sqlite3.connect(database) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert not (root / "gradebook.db").exists()
