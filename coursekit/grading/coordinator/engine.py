"""A grading run: which submissions to grade, dispatching them, recording each outcome.

The coordinator (this module) snapshots the assignment, finds the
submissions, skips those whose recorded outcome is up to date, hands the rest
to an executor a few at a time and records every result as it arrives: the
gradebook and ``autograded/`` first, then the grading report. A run killed at
any point loses at most the submissions in flight; the next run grades them,
and only them. Recording a submission twice overwrites the same gradebook
rows, so no grade is ever doubled. Runs on the same assignment at once share
the work through claims on its submissions (``claims``).
"""

import dataclasses
import logging
import os
import time
from concurrent.futures import Future
from dataclasses import dataclass, field

from coursekit import course
from coursekit.grading.coordinator import calibration, executors, snapshot, submissions
from coursekit.grading.coordinator.claims import Claims, sqlite_run_lock
from coursekit.grading.coordinator.ledger import Ledger, report_path
from coursekit.grading.coordinator.recorder import Recorder, graded_students
from coursekit.grading.kernels.modules import PREWARMED_MODULES
from coursekit.grading.kernels.templates import KernelTemplate
from coursekit.grading.options import GradingOptions
from coursekit.grading.outcome import FAILED, SCORED, Job, Outcome, Result
from coursekit.grading.sandbox import probe
from coursekit.grading.trusted.client import judge_for
from coursekit.grading.trusted.trust import VERIFIED

log = logging.getLogger(__name__)


class Progress:
    """What a grading run tells the people watching it; this one tells nothing."""

    def start(self, run: "GradingRun", total: int) -> None:
        """The run starts, with ``total`` submissions to grade."""

    def advance(self, outcome: Outcome) -> None:
        """One more submission has its outcome."""

    def finish(self, run: "GradingRun") -> None:
        """The run is over."""


@dataclass
class GradingRun:
    """What a grading run did.

    Attributes
    ----------
    assignment : str
        The assignment graded.
    outcomes : list of Outcome
        The submissions graded by this run, in the order they finished.
    up_to_date : list of str
        Students whose recorded outcome was still valid and who were skipped.
    skipped : dict of str to str
        Students whose submission folder was skipped, with why (an empty folder: nbgrader
        skips it too, and no student is created).
    trust : dict of str to str
        How far every autograded grade cell of the assignment is trusted, by grade key
        (``trusted.trust``): known before any submission is graded.
    report : str
        Path of the grading report.
    executor : str
        Where the jobs ran.
    secure : bool
        Whether the run graded in secure mode.
    seconds : float
        Wall time of the run.
    """

    assignment: str
    outcomes: list[Outcome] = field(default_factory=list)
    up_to_date: list[str] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)
    trust: dict[str, str] = field(default_factory=dict)
    report: str = ""
    executor: str = ""
    secure: bool = True
    seconds: float = 0.0

    def count(self, status: str) -> int:
        """The number of outcomes of this run with ``status``."""
        return sum(outcome.status == status for outcome in self.outcomes)

    def kernel_reported(self) -> list[str]:
        """The grade cells (keys) that are not verified."""
        return [key for key, trust in self.trust.items() if trust != VERIFIED]

    def as_dict(self) -> dict:
        """The run as JSON-able data (what ``coursekit grade --json`` prints)."""
        return {"assignment": self.assignment, "report": self.report, "executor": self.executor,
                "mode": "secure" if self.secure else "insecure",
                "seconds": round(self.seconds, 3), "graded": len(self.outcomes),
                "scored": self.count(SCORED), "failed": self.count(FAILED),
                "up_to_date": self.up_to_date, "skipped": self.skipped, "trust": self.trust,
                "outcomes": [o.as_dict() for o in self.outcomes]}


class UnverifiedCellsError(ValueError):
    """``require_verified`` was asked, and the assignment has kernel-reported grade cells."""


def grade(root: str | os.PathLike, assignment: str, students: list[str] | None = None,
          options: GradingOptions | None = None, *, progress: "Progress | None" = None,
          template: KernelTemplate | None = None) -> "GradingRun":
    """Grade the submissions of ``assignment`` in the course ``root``.

    Parameters
    ----------
    root : str or Path
        The course directory (with ``nbgrader_config.py``).
    assignment : str
        The assignment id.
    students : list of str, optional
        Grade only these students' submissions.
    options : GradingOptions, optional
        How to grade (workers, executor, timeout, mode, limits...); the defaults otherwise.
    progress : Progress, optional
        Told about the run as it goes.
    template : KernelTemplate, optional
        A kernel template started early in the same mode (``kernels.warm.early_template``), for
        the local workers; it is stopped when the run ends.

    Returns
    -------
    GradingRun

    Raises
    ------
    SandboxError
        In secure mode, when this machine cannot run sandboxed kernels (saying why).
    UnverifiedCellsError
        With ``options.require_verified``, when a grade cell is kernel-reported (naming them all),
        before anything is graded.
    """
    start = time.monotonic()
    try:
        return _grade(root, assignment, students, options or GradingOptions(), progress or Progress(),
                      template, start)
    finally:
        if template is not None:
            template.close()


def _grade(root, assignment, students, options, progress, template, start):
    """The run ``grade`` describes (``start``: when it started, for its wall time)."""
    if options.executor == "local":
        executors.start_fork_server()
    if options.secure:
        probe.check_available()
    config = course.config(root)
    if options.timeout is not None:
        config.ExecutePreprocessor.timeout = options.timeout
        config.Execute.timeout = options.timeout
    coursedir = course.course_directory(root, config)
    snap = snapshot.take(coursedir, assignment, config, modules=PREWARMED_MODULES, secure=options.secure,
                         limits=options.limits)
    unverified = snap.kernel_reported()
    if options.require_verified and unverified:
        why = ("no coursekit.check: nbgrader's rule on what the sandboxed kernel showed" if options.secure
               else "the in-kernel mode verifies nothing")
        raise UnverifiedCellsError(f"--require-verified, and {len(unverified)} grade cells of {assignment} "
                                   f"are kernel-reported ({why}): {', '.join(unverified)}")
    found = submissions.find(coursedir, assignment, snap.notebooks, students)
    path = report_path(coursedir, assignment)
    run_lock = sqlite_run_lock(coursedir.db_url, path, assignment)
    ledger = Ledger(path, assignment)
    run = GradingRun(assignment=assignment, report=str(ledger.path), secure=options.secure, trust=snap.trust)
    try:
        graded = graded_students(coursedir, snap)
        todo = []
        for submission in found:
            if submission.is_empty():
                run.skipped[submission.student] = (f"the submission folder {submission.folder} is empty: "
                                                   "skipped, as nbgrader does")
                continue
            recorded = ledger.outcome(submission.student)
            if (not options.force and recorded is not None and not recorded.retry
                    and recorded.fingerprint == submission.fingerprint(snap.version)
                    and (recorded.status == FAILED or submission.student in graded)):
                run.up_to_date.append(submission.student)
            else:
                todo.append(submission)
        log.info("%s: %d submissions to grade, %d up to date", assignment, len(todo), len(run.up_to_date))
        progress.start(run, len(todo))
        _dispatch(todo, snap, coursedir, ledger, run, progress, options, template)
    finally:
        if run_lock is not None:
            run_lock.close()
        run.seconds = time.monotonic() - start
    progress.finish(run)
    return run


def _dispatch(todo, snap, coursedir, ledger, run, progress, options, template):
    """Grade ``todo``: jobs without a notebook at once, the others on the executor."""
    problems: list[Job] = []
    waiting: list[Job | submissions.Submission] = []
    for submission in todo:
        job = submission.job(snap.version)
        (problems if job.problem else waiting).append(job if job.problem else submission)
    pool = judge = None
    if waiting:
        pool = executors.executor(snap, options, template)
        if snap.secure and snap.verified():  # forked from the workers' kernel template when they have one
            judge = judge_for(snap.assignment, getattr(pool, "template", None))
        run.executor = pool.describe()
        log.info("grading %d submissions on %s", len(waiting), run.executor)
    recorder = Recorder(coursedir, snap, snap.config, judge)
    claims = Claims(ledger.path)
    before = {item.student: ledger.outcome(item.student) for item in [*problems, *waiting]}

    def claim(student, wait=False):
        """Claim ``student``'s submission: True (ours), None (another run's) or False (graded since)."""
        if not claims.take(student, wait):
            return None
        stored = ledger.stored(student)
        if stored is not None and not stored.retry and _changed(stored, before[student]):
            claims.release(student)  # another run recorded it while this one ran
            run.up_to_date.append(student)
            progress.advance(stored)
            log.info("%s: graded by another run", student)
            return False
        return True

    def finish(job, result):
        outcome = recorder.record(job, result)
        ledger.record(outcome)
        claims.release(job.student)
        run.outcomes.append(outcome)
        progress.advance(outcome)
        log.info("%s: %s", outcome.student, outcome.status)

    cancel = True
    try:
        for job in problems:
            if claim(job.student, wait=True):  # recording it takes no time: wait for another run's
                finish(job, Result(student=job.student, reason=job.problem))
        if pool is not None:
            limits = calibration.cell_limits(coursedir, snap, pool)
            _run_jobs(waiting, snap, pool, options, finish, claim, limits)
        cancel = False
    finally:
        claims.close()
        try:
            if judge is not None:
                judge.close()  # its thread must not outlive the run
        finally:
            try:
                if pool is not None:
                    pool.close(cancel=cancel)
            finally:
                recorder.close()


def _run_jobs(waiting, snap, pool, options, finish, claim, limits=None):
    """Hand ``waiting`` to ``pool`` a few at a time, and ``finish`` each as its result arrives.

    A job is handed out only once ``claim`` has it; those another run is grading wait until
    the rest are handed out, then for that run (``claim(student, wait=True)``). Every job
    carries the calibrated cell time ``limits`` (None: nbgrader's timeout).
    """
    local = options.workers or executors.default_workers()
    window = 2 * local if options.executor == "local" else len(waiting)
    running: dict[Future, Job] = {}
    attempts: dict[str, int] = {}
    deferred: list = []  # claimed by another run
    while waiting or running or deferred:
        if not waiting and not running:  # nothing else to do: wait for the other run's claim
            item = deferred.pop(0)
            if claim(item.student, wait=True):
                waiting.append(item)
        while waiting and len(running) < window:
            item = waiting.pop(0)
            mine = claim(item.student)
            if mine is None:
                deferred.append(item)
            if not mine:
                continue
            job = item if isinstance(item, Job) else dataclasses.replace(item.job(snap.version),
                                                                         cell_limits=limits)
            if options.executor == "local":  # the last jobs warm no kernel: none follows them on their worker
                job = dataclasses.replace(job, warm_next=len(waiting) >= local)
            running[pool.submit(job)] = job
        if not running:  # only claims of other runs are left: wait for them (above)
            continue
        for future in pool.wait(list(running)):
            job = running.pop(future)
            try:
                result = future.result()
            except Exception as error:  # the worker, not the submission, failed
                attempts[job.student] = attempts.get(job.student, 0) + 1
                if pool.lost_worker(error) and attempts[job.student] < options.attempts:
                    waiting.insert(0, job)
                    if pool.recover():  # every job the broken pool held is lost: run them again
                        waiting[1:1] = running.values()
                        running.clear()
                        break
                    continue
                result = Result(student=job.student, grader_error=True,
                                reason=f"the worker grading it failed: {type(error).__name__}: {error}")
            log.debug("%s: result from %s", job.student, result.worker or "no worker")
            finish(job, result)
        waiting += deferred  # tried again, without waiting, now that a job has finished
        deferred.clear()


def _changed(stored, before):
    """Whether the report's entry ``stored`` differs from the one this run started with (``before``)."""
    return before is None or stored.as_dict() != before.as_dict()
