"""What travels between the stages of a grading run.

A ``Job`` is one submission on its way to a worker; a ``Result`` is what the
worker sends back (the executed notebook, or why there is none); an
``Outcome`` is what the coordinator recorded: the scores it wrote into the
gradebook, or the reason it could not score the submission. Jobs and results
are plain data so that they cross process and machine boundaries (a local
process pool, a Dask cluster).
"""

import dataclasses
import datetime
from dataclasses import dataclass, field

SCORED = "scored"
FAILED = "failed"


@dataclass
class Job:
    """One submission to grade.

    Attributes
    ----------
    student : str
        The student's id (the folder name under ``submitted/``).
    assignment : str
        The assignment id.
    notebooks : dict of str to bytes or None
        Every notebook of the assignment, by id (file name without ``.ipynb``), in grading
        order: the submitted file, or None when the submission lacks it.
    missing : dict of str to str
        Why each notebook the submission lacks is missing (the others are graded).
    files : dict of str to bytes
        The submission's other files by relative path; the worker puts them
        beside the notebook, as ``nbgrader autograde`` does.
    fingerprint : str
        Hash of the submission's files and of the assignment's version: a
        changed fingerprint means the submission must be graded again.
    timestamp : str or None
        The submission's ``timestamp.txt``, as nbgrader reads it.
    problem : str or None
        Why the submission cannot be graded at all (none of the assignment's
        notebooks), found before any worker sees it.
    warm_next : bool
        Whether the worker should warm a kernel for its next job while this one runs: not
        for the last jobs of a run, which no job follows on their worker.
    cell_limits : CellLimits or None
        How long each cell may run, calibrated on the reference solution; None: nbgrader's timeout.
    """

    student: str
    assignment: str
    notebooks: dict[str, bytes | None]
    missing: dict[str, str] = field(default_factory=dict)
    files: dict[str, bytes] = field(default_factory=dict)
    fingerprint: str = ""
    timestamp: str | None = None
    problem: str | None = None
    warm_next: bool = True
    cell_limits: "CellLimits | None" = None


@dataclass
class Result:
    """What a worker made of a job.

    Attributes
    ----------
    student : str
        The job's student.
    notebooks : dict of str to str
        The executed, autograded notebooks as JSON text, by notebook id, ready for
        nbgrader's ``SaveAutoGrades``; those that could not be executed are missing.
    reason : str or None
        Why no notebook could be executed (the submission's fault).
    missing : dict of str to str
        Why each notebook that was not executed was not, while others were.
    side_effects : dict of str to bytes
        Files the kernels wrote in their working folder (new or changed), by relative path,
        kept in ``autograded/<student>/<assignment>/`` as nbgrader keeps them.
    notes : list of str
        What the worker noticed on the way: cells restored by nbgrader, cells
        that timed out, a kernel that died, output that was cut.
    seconds : float
        Time the worker spent on the job.
    cell_seconds : float
        Time spent executing the notebook's cells, a part of ``seconds``.
    worker : str
        Where the job ran (``host:pid``).
    grader_error : bool
        True when the grading machinery failed (not the submission): nothing
        is written to the gradebook and the next run tries again.
    exports : dict or None
        Secure mode: what ``coursekit.check`` exported while each cell ran, by notebook id and
        cell index, as ``sandbox.exports.collect`` took it (file name, bytes or why they are
        unusable); the coordinator's trusted judge decides the grade cells from them. None in-kernel.
    cell_times : dict of str to float
        Seconds each cell with a grade id took to run, by grade id (what calibration measures).
    """

    student: str
    notebooks: dict[str, str] = field(default_factory=dict)
    reason: str | None = None
    missing: dict[str, str] = field(default_factory=dict)
    side_effects: dict[str, bytes] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    cell_seconds: float = 0.0
    worker: str = ""
    grader_error: bool = False
    exports: dict[str, dict[int, list]] | None = None
    cell_times: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class CellLimits:
    """How long each cell of a submission may run: ``max(floor, factor x reference time)``.

    The reference time of a cell is what the instructor's source notebook took to run it in a
    grading run (``coordinator.calibration``); a cell the reference does not have (one the
    student added) gets the limit of the reference's longest cell. No limit exceeds ``timeout``.

    Attributes
    ----------
    reference : dict of str to float
        Seconds each cell of the reference solution took, by grade id.
    floor : float
        The least time any cell may run.
    factor : float
        How many times its reference time a cell may run.
    timeout : float
        nbgrader's own cell timeout, the most any cell may run.
    """

    reference: dict[str, float]
    floor: float
    factor: float
    timeout: float

    def reference_time(self, grade_id: str | None) -> float:
        """The reference time of ``grade_id``'s cell, or of the longest cell when it has none."""
        if grade_id in self.reference:
            return self.reference[grade_id]
        return max(self.reference.values(), default=self.timeout)

    def limit(self, grade_id: str | None) -> float:
        """Seconds the cell ``grade_id`` (None: a cell without one) may run."""
        wanted = max(self.floor, self.factor * self.reference_time(grade_id))
        return round(min(self.timeout, wanted), 1)

    def explain(self, grade_id: str | None) -> str:
        """Why the cell's limit is what it is, for a person: "ran 20x longer than the reference solution"."""
        limit, reference = self.limit(grade_id), self.reference_time(grade_id)
        if limit >= self.timeout:
            return f"ran longer than the {limit:g} s limit (nbgrader's timeout)"
        if limit <= self.floor:
            return (f"ran longer than the {limit:g} s floor of the time limits "
                    f"(the reference solution took {reference:.2f} s)")
        return (f"ran {self.factor:g}x longer than the reference solution "
                f"({limit:g} s; the reference took {reference:.2f} s)")


@dataclass
class Outcome:
    """The recorded end of one submission in a grading run.

    Attributes
    ----------
    student : str
        The student's id.
    status : str
        ``"scored"`` (the gradebook holds its scores) or ``"failed"``.
    reason : str or None
        Why it failed; for a scored submission, None.
    notes : list of str
        Everything worth knowing about how it was graded (see ``Result.notes``).
    score, max_score : float
        Total of the autograded cells, and the assignment's maximum in the gradebook (manually
        graded cells included, as nbgrader's feedback and export count it).
    grades : dict of str to float
        Score of every autograded grade cell, by grade id (``notebook/grade id`` when the
        assignment has several notebooks, ``course.grade_key``).
    trust : dict of str to str
        How far every autograded grade cell was trusted, by the same keys: ``verified`` (decided
        by the trusted judge) or ``kernel-reported`` (nbgrader's rule on what the kernel showed).
    messages : dict of str to str
        For every grade cell that lost points, what went wrong (first lines of
        its error or of its standard error).
    fingerprint : str
        The job's fingerprint (see ``Job.fingerprint``).
    seconds, cell_seconds : float
        Grading time and the part of it spent executing cells.
    worker : str
        Where it was graded.
    graded_at : str
        When it was recorded (UTC, ISO 8601).
    retry : bool
        True when the grading machinery failed: the next run grades it again.
    """

    student: str
    status: str
    reason: str | None = None
    notes: list[str] = field(default_factory=list)
    score: float = 0.0
    max_score: float = 0.0
    grades: dict[str, float | None] = field(default_factory=dict)
    trust: dict[str, str] = field(default_factory=dict)
    messages: dict[str, str] = field(default_factory=dict)
    fingerprint: str = ""
    seconds: float = 0.0
    cell_seconds: float = 0.0
    worker: str = ""
    graded_at: str = ""
    retry: bool = False

    def as_dict(self) -> dict:
        """The outcome as JSON-able data."""
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "Outcome":
        """Rebuild an outcome from ``as_dict``'s data, ignoring unknown keys."""
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{key: value for key, value in data.items() if key in names})


def now():
    """The current time, UTC, as ISO 8601 text."""
    return datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
