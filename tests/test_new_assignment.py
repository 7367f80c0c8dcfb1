"""A new instructor's path, in a copy of the course: new, fill in, sync, lint, release, fixtures, grade.

The copy holds what a clone of the course needs for one new assignment: ``nbgrader_config.py``,
the ``coursekit`` package (whose ``coursekit/specs/`` gets the new spec) and ``reference/``. Every
step is the ``coursekit`` command that ``docs/authoring.md`` shows, run in the copy with the copy
first on ``PYTHONPATH``, as in a clone installed into its own environment: its ``coursekit`` and
``reference`` are the ones imported (and the one the grading sandbox mounts).
"""

import shutil

import pytest
from support.clones import FILLED, copy_course, coursekit
from support.course import ROOT

from coursekit import build, course, scenarios

pytestmark = pytest.mark.slow  # copies the course, releases and grades a new assignment


@pytest.fixture(scope="module")
def toy_course(tmp_path_factory):
    """A copy of the course with ``coursekit new toy`` scaffolded in it."""
    root = copy_course(tmp_path_factory.mktemp("new-instructor") / "course")
    written = coursekit(root, "new", "toy")
    return root, written


def test_new_scaffolds_a_working_assignment(toy_course):
    root, written = toy_course
    for path in ("reference/toy.py", "coursekit/specs/toy.py", "source/toy/toy.ipynb",
                 "tests/submissions/toy/all-correct.py", "tests/submissions/toy/blank.py",
                 "tests/submissions/toy/wrong-summed.py"):
        assert f"wrote {path}" in written
        assert (root / path).exists()
    assert build.assignments(root) == ["toy"], "the assignment is found from source/, with no list to edit"
    assert "1 source notebooks follow the authoring rules" in coursekit(root, "lint", "toy")
    refused = coursekit(root, "new", "toy", expect=2)
    assert "toy exists already" in refused


def test_new_refuses_a_course_whose_packages_are_not_imported(tmp_path):
    root = copy_course(tmp_path / "course")
    refused = coursekit(root, "new", "toy", expect=2, own_packages=False)
    assert f"`import coursekit` finds {ROOT / 'coursekit'}, not this course's {root / 'coursekit'}" in refused
    assert not (root / "source").exists()
    linted = coursekit(root, "lint", expect=1, own_packages=False)
    assert f"course: `import reference` finds {ROOT / 'reference'}, not this course's" in linted


@pytest.mark.sandbox
def test_new_instructor_path(toy_course):
    """Fill in the reference and spec, then every command to grades: each fixture at its expected score."""
    root, _ = toy_course
    shutil.copy(FILLED / "toy_reference.py", root / "reference" / "toy.py")
    shutil.copy(FILLED / "toy_spec.py", root / "coursekit" / "specs" / "toy.py")
    for scenario in ("wrong-hard-coded.py", "alternative-loop.py"):
        shutil.copy(FILLED / scenario, root / "tests" / "submissions" / "toy" / scenario)
    with (root / "nbgrader_config.py").open("a") as config:  # the documented place of the course order
        config.write('\nc.CourseKit.order = ["toy"]\n')

    drift = coursekit(root, "lint", "toy", expect=1)
    assert "cell 5 (mean_squared_error): differs from reference/" in drift
    assert "coursekit sync toy" in drift
    assert "toy: cell mean_squared_error rewritten from reference" in coursekit(root, "sync", "toy")
    coursekit(root, "lint", "toy")
    assert "1 source notebooks follow the authoring rules" in coursekit(root, "lint")  # found with no list
    assert "released release/toy/toy.ipynb" in coursekit(root, "release", "toy")
    fixtures = coursekit(root, "fixtures", "toy")
    found = scenarios.scenarios("toy", root)
    assert sorted(found) == ["all-correct", "alternative-loop", "blank", "wrong-hard-coded", "wrong-summed"]
    for name, scenario in found.items():
        assert f"wrote tests/submissions/toy/{name}.ipynb" in fixtures
        course.submit(root, name, "toy", scenario.path.with_suffix(".ipynb"))
    coursekit(root, "grade", "toy")  # secure grading: sandboxed kernels, trusted verdicts

    max_scores = course.max_scores(root, "toy")
    assert max_scores == {"test_mean_squared_error": 1}
    got = course.scores(root, "toy")
    assert got == {name: scenario.expected(max_scores) for name, scenario in found.items()}
    assert got["wrong-hard-coded"] == {"test_mean_squared_error": 0}, "only the hidden check catches it"

    coursekit(root, "grade", "toy", "--insecure", "--force")  # the in-kernel mode agrees
    assert course.scores(root, "toy") == got


def test_assignments_are_discovered_in_course_order(tmp_path):
    """Folders of source/ with their notebook, alphabetically unless nbgrader_config.py orders them."""
    for name in ("zeta", "alpha", "mid"):
        (tmp_path / "source" / name).mkdir(parents=True)
        (tmp_path / "source" / name / f"{name}.ipynb").write_text("{}")
    (tmp_path / "source" / "notes").mkdir()  # no notebook of its name: not an assignment
    assert build.assignments(tmp_path) == ["alpha", "mid", "zeta"]
    order = 'c = get_config()\nc.CourseKit.order = ["zeta", "gone", "alpha"]\n'
    (tmp_path / "nbgrader_config.py").write_text(order)
    assert build.assignments(tmp_path) == ["zeta", "alpha", "mid"]
