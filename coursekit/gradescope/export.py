"""``coursekit export otter``: an assignment as an Otter-Grader autograder for Gradescope.

For each assignment, ``dist/otter/<assignment>/`` receives:

- ``master/``: the Otter master notebook made from the source notebook
  (``coursekit.gradescope.master``), the grading wheel and ``requirements.txt``;
- ``student/`` and ``autograder/``: what the real ``otter assign`` makes of it,
  the student's notebook and the Gradescope autograder zip. ``otter assign``
  grades the solution notebook with that autograder and fails unless it scores
  100 %; it runs with the kit's packages taken from the wheel alone.
"""

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat

from coursekit import build, course
from coursekit.gradescope import master, wheel

#: Where the exports go, under the course directory (git-ignored).
DIST = Path("dist") / "otter"


class ExportError(RuntimeError):
    """``otter assign`` failed: its output says why."""


def code_stub(root):
    """Nbgrader's stub for a Python solution in this course (``ClearSolutions.code_stub``)."""
    settings = course.config(root)
    stub = settings.ClearSolutions.code_stub if "code_stub" in settings.ClearSolutions else {}
    return stub.get("python", "# YOUR CODE HERE\nraise NotImplementedError()")


def unpacked(wheel_path, folder):
    """Unpack the grading wheel into ``folder`` (to run the kit from it alone); return ``folder``."""
    shutil.rmtree(folder, ignore_errors=True)
    with zipfile.ZipFile(wheel_path) as archive:
        archive.extractall(folder)
    return folder


def kit_environment(packages):
    """The environment of a process that must take ``coursekit`` and ``reference`` from ``packages``.

    ``PYTHONPATH`` comes before the virtual environment's editable install of the kit,
    so kernels started from this environment import the wheel's copies.
    """
    env = build.environment()
    env["PYTHONPATH"] = str(packages)
    return env


def export(assignment, root=".", run_tests=True):
    """Export ``assignment`` for Otter-Grader; return the folder written.

    Parameters
    ----------
    assignment : str
        An assignment with a source notebook.
    root : str or Path
        The course directory.
    run_tests : bool
        Let ``otter assign`` grade the solution notebook with the new autograder (it then
        fails unless the solutions score 100 %).

    Raises
    ------
    ExportError
        When ``otter assign`` fails.
    """
    root = Path(root).resolve()
    out = root / DIST / assignment
    shutil.rmtree(out, ignore_errors=True)
    source = out / "master"
    source.mkdir(parents=True)
    made, requires = wheel.build_wheel(root, source)
    nb = nbformat.read(build.source_path(assignment, root), as_version=4)
    (source / "requirements.txt").write_text(wheel.requirements(nb, requires, made.name, root))
    notebook = source / f"{assignment}.ipynb"
    nbformat.write(master.master_notebook(nb, assignment, code_stub(root), made.name), notebook)
    packages = unpacked(made, out / "kit")
    command = [sys.executable, "-m", "otter", "assign", str(notebook), str(out)]
    if not run_tests:
        command.append("--no-run-tests")
    done = subprocess.run(command, cwd=source, env=kit_environment(packages), capture_output=True, text=True)
    if done.returncode:
        raise ExportError(f"otter assign {assignment} failed:\n{done.stdout}{done.stderr}")
    return out


def autograder_zip(folder):
    """The Gradescope autograder zip inside an export folder."""
    zips = sorted((Path(folder) / "autograder").glob("*.zip"))
    if not zips:
        raise FileNotFoundError(f"no autograder zip in {folder}/autograder: run `coursekit export otter`")
    return zips[-1]


def student_notebook(folder, assignment):
    """The Otter student notebook inside an export folder."""
    return Path(folder) / "student" / f"{assignment}.ipynb"
