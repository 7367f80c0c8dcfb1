"""A course directory and the stock nbgrader steps run on it.

Submissions live in ``submitted/<student>/<assignment>/``; grades in the
nbgrader gradebook (``gradebook.db`` unless ``nbgrader_config.py`` names
another database URL).
"""

import shutil
import subprocess
import sys
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry
from nbgrader.coursedir import CourseDirectory
from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader

from coursekit.environment import environment


class NbgraderError(RuntimeError):
    """An nbgrader command failed; the message ends with what it wrote to standard error."""


def nbgrader(root, *args, log_level="WARN", niceness=0):
    """Run an ``nbgrader`` command in the course directory ``root``; fail if it fails.

    A positive ``niceness`` runs it (and the kernels it starts) at that nice level:
    it then only takes the CPU that other work leaves idle.

    Raises
    ------
    NbgraderError
        When the command fails, with the end of nbgrader's log (which submission, and why).
    """
    command = [sys.executable, "-m", "nbgrader", *args, f"--log-level={log_level}"]
    if niceness:
        command = ["nice", "-n", str(niceness), *command]
    done = subprocess.run(command, cwd=root, env=environment(), stderr=subprocess.PIPE, text=True)
    sys.stderr.write(done.stderr)
    if done.returncode:
        raise NbgraderError(f"nbgrader {' '.join(args)} in {root} exited with {done.returncode}:\n"
                            f"{done.stderr[-6000:]}")


def config(root="."):
    """The nbgrader configuration of the course ``root``: its ``nbgrader_config.py``, if any."""
    root = Path(root).resolve()
    if not (root / "nbgrader_config.py").exists():
        return Config()
    return PyFileConfigLoader("nbgrader_config.py", path=str(root)).load_config()


def course_directory(root=".", settings=None):
    """The nbgrader ``CourseDirectory`` of ``root`` (paths, database URL, course id).

    A relative SQLite URL (``sqlite:///gradebook.db``) names a file in ``root``,
    as it does for the nbgrader commands run there.
    """
    root = Path(root).resolve()
    coursedir = CourseDirectory(config=settings if settings is not None else config(root))
    coursedir.root = str(root)
    prefix = "sqlite:///"
    path = coursedir.db_url[len(prefix):]
    if coursedir.db_url.startswith(prefix) and path and not path.startswith(("/", ":memory:", "file:")):
        coursedir.db_url = prefix + str(root / path)
    return coursedir


def db_url(root="."):
    """The gradebook's database URL as nbgrader's configuration of ``root`` gives it."""
    return course_directory(root).db_url


def submit(root, student, assignment, notebook):
    """Copy ``notebook`` in as ``student``'s submission of ``assignment``."""
    folder = Path(root) / "submitted" / student / assignment
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(notebook, folder / f"{assignment}.ipynb")


def autograde(root, assignment, *options, log_level="WARN", niceness=0):
    """Grade every submission with stock ``nbgrader autograde``, one notebook after another.

    ``options`` are more command-line settings for nbgrader (``--Class.trait=value``).
    """
    nbgrader(root, "autograde", assignment, "--force", *options, log_level=log_level, niceness=niceness)


def generate_feedback(root, assignment):
    """Write the students' HTML feedback into ``feedback/`` with nbgrader."""
    nbgrader(root, "generate_feedback", assignment, "--force")


def grade_key(notebooks, notebook, grade_id):
    """How reports name a grade cell: its grade id, prefixed by ``notebook/`` when the assignment has several.

    nbgrader's grade ids are unique within a notebook only.
    """
    return grade_id if len(notebooks) <= 1 else f"{notebook}/{grade_id}"


def max_scores(root, assignment):
    """The maximum score of every autograded (code) grade cell of an assignment, by ``grade_key``.

    Every notebook of the assignment counts, whatever its name. Manually graded answers are
    left out: they score nothing until a person grades them.
    """
    with Gradebook(db_url(root)) as gb:
        notebooks = gb.find_assignment(assignment).notebooks
        names = [nb.name for nb in notebooks]
        return {grade_key(names, nb.name, cell.name): cell.max_score
                for nb in notebooks for cell in nb.grade_cells if cell.cell_type == "code"}


def full_marks(root, assignment):
    """The assignment's maximum score in the gradebook: autograded and manually graded cells together.

    It is the maximum that nbgrader's feedback page shows.
    """
    with Gradebook(db_url(root)) as gb:
        return gb.find_assignment(assignment).max_score


def scores(root, assignment):
    """Autograded scores of every graded submission: student -> ``grade_key`` -> score."""
    table = {}
    with Gradebook(db_url(root)) as gb:
        names = [nb.name for nb in gb.find_assignment(assignment).notebooks]
        for student in gb.students:
            try:
                submission = gb.find_submission(assignment, student.id)
            except MissingEntry:
                continue
            table[student.id] = {grade_key(names, nb.name, grade.name): grade.score
                                 for nb in submission.notebooks for grade in nb.grades
                                 if grade.cell.cell_type == "code"}
    return table
