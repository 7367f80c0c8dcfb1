"""How a grading run is configured: one frozen object, passed to whatever needs it."""

from dataclasses import dataclass, field

from coursekit.grading.sandbox.limits import Limits


@dataclass(frozen=True)
class GradingOptions:
    """The settings of a grading run (``coursekit grade``'s options).

    Attributes
    ----------
    workers : int or None
        Local worker processes (None: the machine's cores).
    executor : {"local", "dask"}
        Where the jobs run.
    scheduler : str or None
        The Dask scheduler's address, for ``executor="dask"``.
    force : bool
        Grade again even the submissions whose recorded outcome is up to date.
    timeout : int or None
        Seconds a cell may run (None: nbgrader's ``ExecutePreprocessor.timeout``).
    secure : bool
        Secure mode (the default): every kernel runs in a sandbox and grade cells are decided by
        the trusted judge outside it. False runs the checks in the kernels, as stock nbgrader
        does (``coursekit grade --insecure``).
    limits : Limits
        What each sandboxed kernel may use (secure mode).
    attempts : int
        Attempts at a job whose worker died before the job is recorded as failed.
    require_verified : bool
        Refuse to grade an assignment with kernel-reported grade cells (``trusted.trust``): secure
        mode decides every cell outside the sandbox, or grades nothing.
    """

    workers: int | None = None
    executor: str = "local"
    scheduler: str | None = None
    force: bool = False
    timeout: int | None = None
    secure: bool = True
    limits: Limits = field(default_factory=Limits)
    attempts: int = 2
    require_verified: bool = False
