"""nbgrader's exchange for this course: releases, submissions and feedback between instructor and students.

The exchange is a folder that every user of the machine (or every single-user
server of a JupyterHub, where it is a shared volume) can write to:
``c.Exchange.root`` in the course's ``nbgrader_config.py``, by default
:data:`DEFAULT_ROOT`, or the folder that the environment variable
:data:`ROOT_VARIABLE` names. The instructor releases into it and collects from
it; students fetch, submit and fetch their feedback with nbgrader's own
commands (or JupyterLab's Assignments tab, which runs the same code). nbgrader
takes a student's id from their Unix user name unless ``--student`` (or
``c.CourseDirectory.student_id``) gives one.
"""

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from coursekit import build, course

#: Where the exchange is when ``nbgrader_config.py`` and the environment say nothing else.
DEFAULT_ROOT = "/srv/nbgrader/exchange"
#: The environment variable that the course's ``nbgrader_config.py`` reads the exchange root from.
ROOT_VARIABLE = "COURSEKIT_EXCHANGE"
#: Everyone may create entries in the exchange root; the sticky bit keeps them from removing others'.
MODE = 0o1777
# "Score: 6.0 / 8.0", the first score of an nbgrader feedback page (the notebook's total).
SCORE = re.compile(r"Score:\s*([\d.]+)\s*/\s*([\d.]+)")


def settings(root="."):
    """The exchange root and course id that the course ``root``'s ``nbgrader_config.py`` sets.

    Returns
    -------
    tuple of (Path, str)
        The exchange root (nbgrader's own default when the configuration names
        none) and the course id.
    """
    config = course.config(root)
    exchange = config.Exchange.root if "root" in config.Exchange else "/usr/local/share/nbgrader/exchange"
    return Path(exchange), course.course_directory(root, config).course_id


def setup(root=".", path=None):
    """Create the exchange root (``path``, or the one the course configures) with mode 1777.

    Returns
    -------
    Path
        The exchange root, which exists and everyone may write to.
    """
    path = Path(path) if path is not None else settings(root)[0]
    path.mkdir(parents=True, exist_ok=True)
    os.chmod(path, MODE)
    return path


def student_config(root="."):
    """The ``nbgrader_config.py`` that students need: the course's exchange root and course id.

    On one machine it goes to ``/etc/jupyter/nbgrader_config.py`` (every user reads
    it) or a student's ``~/.jupyter/``; on a JupyterHub, into every single-user
    server's image or a config volume.
    """
    exchange, course_id = settings(root)
    return ("# nbgrader's exchange for the course's students (written by `coursekit exchange setup`)\n"
            "c = get_config()  # noqa: F821\n"
            f"c.Exchange.root = {str(exchange)!r}\n"
            f"c.CourseDirectory.course_id = {course_id!r}\n")


def release(root, assignment):
    """Generate ``assignment`` (gradebook entry and ``release/``) and release it into the exchange."""
    build.release(assignment, root)
    course.nbgrader(root, "release_assignment", assignment, "--force")


def collect(root, assignment, secure=True, check_owner=True, workers=None):
    """Collect the submissions, grade them with ``coursekit grade``, release their feedback.

    Parameters
    ----------
    root : str or Path
        The course directory.
    assignment : str
        The assignment.
    secure : bool
        Grade in the sandbox (``coursekit grade``'s default) or in the kernels (``--insecure``).
    check_owner : bool
        nbgrader collect's warning when a submission's files are not owned by the Unix
        user it names; off only for students simulated with ``--student`` as one user.
    workers : int, optional
        Grading processes (default: the machine's cores).

    Returns
    -------
    coursekit.grading.GradingRun
        The grading run (its outcomes say what was scored or failed, and why).
    """
    from coursekit import grading

    course.nbgrader(root, "collect", assignment, "--update", f"--ExchangeCollect.check_owner={check_owner}")
    run = grading.grade(root, assignment, options=grading.GradingOptions(workers=workers, secure=secure))
    course.generate_feedback(root, assignment)
    course.nbgrader(root, "release_feedback", assignment)
    return run


@dataclass
class Student:
    """A student's side of the exchange: nbgrader's student commands run in their home folder.

    The home holds the student's ``nbgrader_config.py`` (:func:`student_config`) and is
    their ``HOME``, so that nbgrader's cache of their submissions is their own. ``id``
    is given to nbgrader with ``--student``: several students simulated by one Unix user
    (as in ``coursekit exchange roundtrip`` and the tests); a real student leaves it out
    and nbgrader takes their Unix user name.

    Parameters
    ----------
    home : Path
        The student's home folder (their JupyterLab's working directory).
    id : str
        The student id the instructor will see.
    """

    home: Path
    id: str

    def enroll(self, root):
        """Create the home with the course's student configuration; return self."""
        self.home = Path(self.home)
        self.home.mkdir(parents=True, exist_ok=True)
        (self.home / "nbgrader_config.py").write_text(student_config(root))
        return self

    def nbgrader(self, *args):
        """Run an nbgrader student command in the home; return what it printed (it must succeed)."""
        env = {**build.environment(), "HOME": str(self.home)}
        env.pop("JUPYTER_DATA_DIR", None)
        command = [sys.executable, "-m", "nbgrader", *args]
        done = subprocess.run(command, cwd=self.home, env=env, capture_output=True, text=True)
        if done.returncode:
            raise RuntimeError(f"{self.id}: nbgrader {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
        return done.stdout + done.stderr

    def notebook(self, assignment):
        """Path of the student's copy of ``assignment``'s notebook (after :meth:`fetch`)."""
        return self.home / assignment / f"{assignment}.ipynb"

    def fetch(self, assignment):
        """``nbgrader fetch_assignment``: copy the released notebook into the home."""
        self.nbgrader("fetch_assignment", assignment)
        return self.notebook(assignment)

    def validate(self, assignment):
        """``nbgrader validate`` on the student's notebook; return its report."""
        return self.nbgrader("validate", str(self.notebook(assignment).relative_to(self.home)))

    def submit(self, assignment):
        """``nbgrader submit`` under the student's id."""
        self.nbgrader("submit", assignment, f"--student={self.id}")

    def fetch_feedback(self, assignment):
        """``nbgrader fetch_feedback``; return the feedback pages fetched, oldest first."""
        self.nbgrader("fetch_feedback", assignment, f"--student={self.id}")
        return sorted((self.home / assignment / "feedback").glob(f"*/{assignment}.html"))


def feedback_score(page):
    """The notebook's total score on an nbgrader feedback page, as ``(score, max_score)``."""
    found = SCORE.search(Path(page).read_text())
    if not found:
        raise ValueError(f"{page} shows no score")
    return float(found.group(1)), float(found.group(2))


def roundtrip(root, assignment, submissions, homes, secure=True, workers=None):
    """The whole exchange, for students simulated in ``homes``, each under their own id.

    The instructor releases ``assignment``; every student fetches it, puts their
    notebook in place of the fetched one, validates and submits it; the instructor
    collects, grades with ``coursekit grade`` and releases the feedback; every
    student fetches their feedback.

    Parameters
    ----------
    root : str or Path
        The course directory; its exchange root must exist (:func:`setup`).
    assignment : str
        The assignment.
    submissions : dict of str to Path
        Student id -> the notebook they hand in.
    homes : Path
        A folder for the students' homes (``homes/<id>``).
    secure : bool
        Grade in the sandbox (the default) or in the kernels.
    workers : int, optional
        Grading processes (default: the machine's cores).

    Returns
    -------
    dict of str to dict
        Student id -> ``validate`` (nbgrader validate's report), ``feedback`` (the
        page fetched), ``score`` (its total, ``(score, max_score)``) and
        ``gradebook`` (the total of the gradebook's scores).
    """
    release(root, assignment)
    students = {sid: Student(Path(homes) / sid, sid).enroll(root) for sid in submissions}
    results = {}
    for sid, student in students.items():
        shutil.copyfile(submissions[sid], student.fetch(assignment))
        results[sid] = {"validate": student.validate(assignment)}
        student.submit(assignment)
    collect(root, assignment, secure=secure, check_owner=False, workers=workers)
    graded = course.scores(root, assignment)
    for sid, student in students.items():
        pages = student.fetch_feedback(assignment)
        if not pages:
            raise RuntimeError(f"{sid} fetched no feedback for {assignment}")
        results[sid].update(feedback=pages[-1], score=feedback_score(pages[-1]),
                            gradebook=sum(s or 0 for s in graded.get(sid, {}).values()))
    return results
