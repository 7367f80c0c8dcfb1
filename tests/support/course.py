"""The course the tests grade: its assignments, released once per session, and their test classes."""

import shutil
import threading
from pathlib import Path

import nbformat

from coursekit import build, scenarios

ROOT = Path(__file__).resolve().parent.parent.parent
ASSIGNMENTS = build.assignments(ROOT)
#: Translated editions (``deep_linear_networks_ja``): edition -> (assignment, language).
EDITIONS = build.editions(ROOT)


class Releases:
    """Each assignment released once per session by nbgrader; every course of the tests copies it.

    ``nbgrader generate_assignment`` in a new course takes about 13 s of CPU (half of it
    creating the gradebook); the tests make a dozen courses. A copy of the released
    course (configuration, source, release and gradebook) is the course nbgrader makes.
    """

    def __init__(self):
        self.folder = None
        # other assignments' courses need not wait
        self.locks = {a: threading.Lock() for a in [*ASSIGNMENTS, *EDITIONS]}

    def add(self, root, assignment):
        """Make ``root`` a course holding ``assignment``'s source notebook, released there."""
        if self.folder is None:
            raise RuntimeError("the session's `releases` fixture sets where releases are kept")
        released = self.folder / assignment
        with self.locks[assignment]:
            if not released.exists():
                building = self.folder / f"{assignment}.building"
                building.mkdir()
                shutil.copy(ROOT / "nbgrader_config.py", building)
                shutil.copytree(ROOT / "source" / assignment, building / "source" / assignment)
                build.release(assignment, building)
                building.rename(released)
        shutil.copytree(released, root)


RELEASES = Releases()
add_assignment = RELEASES.add


def class_of(assignment, folder=None):
    """The students of ``assignment``'s test class: source, release and every fixture.

    An edition's class hands in the fixtures of its assignment made from the edition's
    release; their notebooks are written into ``folder``.
    """
    students = {"source-notebook": build.source_path(assignment, ROOT),
                "release-notebook": build.release_path(assignment, ROOT)}
    english = EDITIONS.get(assignment, (assignment,))[0]
    for name, scenario in scenarios.scenarios(english, ROOT).items():
        students[name] = scenario.path.with_suffix(".ipynb")
        if english != assignment:
            students[name] = Path(folder) / f"{name}.ipynb"
            nbformat.write(scenario.notebook(ROOT, release=assignment), students[name])
    return students
