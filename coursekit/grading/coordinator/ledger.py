"""The grading report, ``reports/<assignment>/grading-report.json``: a run's memory.

It lives beside ``autograded/``, not in it: nbgrader's ``autograded/<student>/<assignment>/``
folders would collide with ``autograded/<assignment>/`` for a student whose id is an
assignment's. ``report_path`` is the one place that decides where it is.

It holds the outcome of every submission graded so far, keyed by student,
and is rewritten atomically (a new file renamed over the old one) after each
submission is recorded, so a run killed at any moment leaves it either
before or after that submission, never half-written. A later run reads it to
grade only what is left or what changed, and people and scripts read it for
scores, reasons and timings.

Several runs may grade the same assignment at once (``claims``): each records
under an exclusive lock on ``.<report name>.lock`` beside the report, reading
the report again and changing only its own student's entry, so no run's
outcome erases another's.
"""

import fcntl
import json
import os
import tempfile
from pathlib import Path

from coursekit.grading.outcome import Outcome, now

REPORT_NAME = "grading-report.json"
#: The folder of the course, beside ``autograded/``, that holds every assignment's reports.
REPORTS_FOLDER = "reports"


def report_path(coursedir, assignment):
    """Where the grading report of ``assignment`` lives: ``reports/<assignment>/`` at the course root.

    ``coursekit report`` writes its HTML page and CSV beside it by default.
    """
    return Path(coursedir.root) / REPORTS_FOLDER / assignment / REPORT_NAME


def write_atomically(path, text):
    """Replace ``path`` by a file holding ``text``, all at once, durably."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, partial = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(partial, path)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise
    folder = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)


def read_report(path):
    """The data of the grading report at ``path``, or None when there is none.

    Raises
    ------
    ValueError
        When the file is not a grading report.
    """
    path = Path(path)
    if not path.exists():
        return None
    data = json.loads(path.read_text())
    if not isinstance(data, dict) or not isinstance(data.get("submissions"), dict):
        raise ValueError(f"{path} is not a grading report")
    return data


class Ledger:
    """The outcomes recorded for one assignment, backed by its grading report.

    Parameters
    ----------
    path : Path
        The grading report's path.
    assignment : str
        The assignment id.

    Attributes
    ----------
    damaged : Path or None
        Where an unreadable report found at start was moved (then grading starts afresh).
    """

    def __init__(self, path, assignment):
        self.path = Path(path)
        self.data = {"assignment": assignment, "updated": None, "submissions": {}}
        self.damaged = None
        try:
            self.data.update(read_report(self.path) or {})
        except ValueError:
            self.damaged = self.path.with_name(f"{self.path.name}.damaged")
            os.replace(self.path, self.damaged)

    def outcome(self, student):
        """The recorded outcome of ``student``'s submission, or None."""
        entry = self.data["submissions"].get(student)
        return Outcome.from_dict(entry) if entry else None

    def outcomes(self):
        """Every recorded outcome, by student."""
        entries = sorted(self.data["submissions"].items())
        return {student: Outcome.from_dict(entry) for student, entry in entries}

    def stored(self, student):
        """The outcome of ``student`` in the report as it is now on disk (other runs' too), or None."""
        try:
            entry = (read_report(self.path) or {"submissions": {}})["submissions"].get(student)
        except ValueError:
            return None
        return Outcome.from_dict(entry) if entry else None

    def record(self, outcome):
        """Add or replace ``outcome`` in the report as other runs left it, and rewrite it atomically."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path.with_name(f".{self.path.name}.lock"), "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # released when closed, or when the run dies
            try:
                stored = read_report(self.path) or {"submissions": {}}
                self.data["submissions"].update(stored["submissions"])
            except ValueError:  # damaged since this run started: this run's entries are kept
                pass
            self.data["submissions"][outcome.student] = outcome.as_dict()
            self.data["updated"] = now()
            write_atomically(self.path, json.dumps(self.data, indent=1, sort_keys=True) + "\n")


def load_report(coursedir, assignment: str) -> dict[str, Outcome]:
    """The recorded outcomes of ``assignment``, by student (empty when never graded)."""
    data = read_report(report_path(coursedir, assignment)) or {"submissions": {}}
    return {student: Outcome.from_dict(entry) for student, entry in sorted(data["submissions"].items())}
