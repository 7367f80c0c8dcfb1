"""Several grading runs on one assignment at once: who grades which submission.

Teaching assistants may each grade a section of a class at the same time, or the same
students twice by mistake. Every run of an assignment shares its grading report's folder
(``ledger.report_path``), and there:

- **a claim per submission**: before a run grades a student's submission it takes an
  exclusive ``flock`` on ``.<report name>.claims/<student>.lock`` and keeps it until the
  outcome is recorded. A run that finds a claim taken grades the others first, then waits
  for it and reads the report again: a submission graded meanwhile is up to date, so every
  submission is graded once. The kernel drops the locks of a run that dies, even by
  SIGKILL: the other runs, or the killed run started again, grade what it left.
- **a run lock for SQLite**: SQLite takes one writer at a time, so a second run that would
  write the same SQLite gradebook for the same assignment stops at once with a clear
  message (``GradebookBusyError``) instead of failing with "database is locked" halfway
  through a class. PostgreSQL (or any server nbgrader accepts) takes concurrent writers.

The report itself is rewritten under a lock, merged with what other runs recorded
(``ledger.Ledger.record``).
"""

import fcntl
import os
from pathlib import Path

from sqlalchemy.engine import make_url


class GradebookBusyError(RuntimeError):
    """Another run is grading the same assignment into the same SQLite gradebook."""


def _open_lock(path):
    path.parent.mkdir(parents=True, exist_ok=True)
    return open(path, "a+")  # noqa: SIM115 -- held until released


class Claims:
    """The claims of one run on the submissions of an assignment.

    Parameters
    ----------
    report : Path
        The assignment's grading report (``ledger.report_path``); the claims live beside it.
    """

    def __init__(self, report):
        report = Path(report)
        self.folder = report.with_name(f".{report.name}.claims")
        self.held = {}

    def take(self, student, wait=False):
        """Claim ``student``'s submission; False when another run holds it (and ``wait`` is false)."""
        if student in self.held:
            return True
        stream = _open_lock(self.folder / f"{student}.lock")
        try:
            fcntl.flock(stream, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            stream.close()
            return False
        except BaseException:
            stream.close()
            raise
        self.held[student] = stream
        return True

    def release(self, student):
        """Give up the claim on ``student``'s submission (its outcome is recorded)."""
        stream = self.held.pop(student, None)
        if stream is not None:
            stream.close()

    def close(self):
        """Give up every claim."""
        for student in list(self.held):
            self.release(student)


def run_lock_path(report):
    """The lock file that a run on a SQLite gradebook holds, beside the grading report ``report``."""
    report = Path(report)
    return report.with_name(f".{report.name}.run.lock")


def sqlite_run_lock(db_url, report, assignment):
    """Lock ``assignment`` for this run when its gradebook is SQLite; return the open lock, or None.

    Raises
    ------
    GradebookBusyError
        When another run holds it: it names that run's process and what to do.
    """
    url = make_url(db_url)
    if url.get_backend_name() != "sqlite":
        return None
    stream = _open_lock(run_lock_path(report))
    try:
        fcntl.flock(stream, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        stream.seek(0)
        holder = stream.read().strip() or "unknown"
        stream.close()
        raise GradebookBusyError(
            f"another coursekit grade run (process {holder}) is grading {assignment} into the "
            f"SQLite gradebook {url.database}, which takes one writer at a time: run again when it has "
            "finished (it grades what is left), or let several graders work at once on a PostgreSQL "
            "gradebook (README, 'Several graders at once')") from None
    stream.seek(0)
    stream.truncate()
    stream.write(str(os.getpid()))
    stream.flush()
    return stream
