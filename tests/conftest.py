"""Shared fixtures: a temporary course graded once by stock nbgrader.

The course holds every assignment that has a source notebook. Its class is
the instructor's source notebook (``source-notebook``), the untouched release
(``release-notebook``) and every fixture submission under
``tests/submissions/<assignment>/``, each submitted as a student named after it.
"""

import shutil
from pathlib import Path

import pytest

from coursekit import build, course, scenarios

ROOT = Path(__file__).resolve().parent.parent
ASSIGNMENTS = build.assignments(ROOT)


def add_assignment(root, assignment):
    """Copy an assignment's source notebook into the course ``root`` and release it there."""
    if not (root / "nbgrader_config.py").exists():
        shutil.copy(ROOT / "nbgrader_config.py", root)
    shutil.copytree(ROOT / "source" / assignment, root / "source" / assignment)
    build.release(assignment, root)


def submit_class(root, assignment):
    """Submit the source, the release and every fixture of ``assignment`` as students."""
    course.submit(root, "source-notebook", assignment, build.source_path(assignment, ROOT))
    course.submit(root, "release-notebook", assignment, build.release_path(assignment, ROOT))
    for name, scenario in scenarios.scenarios(assignment, ROOT).items():
        course.submit(root, name, assignment, scenario.path.with_suffix(".ipynb"))


@pytest.fixture(scope="session")
def stock_grader(tmp_path_factory):
    """Grade an assignment's class with stock ``nbgrader autograde``, once per session."""
    root = tmp_path_factory.mktemp("course")
    graded = set()

    def grade(assignment):
        if assignment not in graded:
            add_assignment(root, assignment)
            submit_class(root, assignment)
            course.autograde(root, assignment)
            graded.add(assignment)
        return root

    return grade


@pytest.fixture
def graded_course(stock_grader, assignment):
    """The course directory in which ``assignment``'s whole class has been graded."""
    return stock_grader(assignment)


def pytest_generate_tests(metafunc):
    """Parametrize ``assignment`` over the assignments and ``scenario`` over their fixtures."""
    if "scenario" in metafunc.fixturenames:
        pairs = [(a, s) for a in ASSIGNMENTS for s in scenarios.scenarios(a, ROOT)]
        metafunc.parametrize(("assignment", "scenario"), pairs, ids=[f"{a}:{s}" for a, s in pairs])
    elif "assignment" in metafunc.fixturenames:
        metafunc.parametrize("assignment", ASSIGNMENTS)
