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


def make_course(path, assignments=ASSIGNMENTS):
    """Copy the course's configuration and source notebooks into ``path`` and release them."""
    shutil.copy(ROOT / "nbgrader_config.py", path)
    for assignment in assignments:
        shutil.copytree(ROOT / "source" / assignment, path / "source" / assignment)
        build.release(assignment, path)
    return path


@pytest.fixture(scope="session")
def graded_course(tmp_path_factory):
    """A course whose whole class has been graded by stock ``nbgrader autograde``."""
    root = make_course(tmp_path_factory.mktemp("course"))
    for assignment in ASSIGNMENTS:
        course.submit(root, "source-notebook", assignment, build.source_path(assignment, ROOT))
        course.submit(root, "release-notebook", assignment, build.release_path(assignment, ROOT))
        for name, scenario in scenarios.scenarios(assignment, ROOT).items():
            course.submit(root, name, assignment, scenario.path.with_suffix(".ipynb"))
        course.autograde(root, assignment)
    return root


def pytest_generate_tests(metafunc):
    """Parametrize ``assignment`` over the assignments and ``scenario`` over their fixtures."""
    if "scenario" in metafunc.fixturenames:
        pairs = [(a, s) for a in ASSIGNMENTS for s in scenarios.scenarios(a, ROOT)]
        metafunc.parametrize(("assignment", "scenario"), pairs, ids=[f"{a}:{s}" for a, s in pairs])
    elif "assignment" in metafunc.fixturenames:
        metafunc.parametrize("assignment", ASSIGNMENTS)
