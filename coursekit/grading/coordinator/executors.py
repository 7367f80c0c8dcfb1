"""Where jobs run: a local pool of worker processes, or a Dask distributed cluster.

Both run the same task, ``worker.worker.grade(job, snapshot)``, and hand its
``Result`` back to the coordinator, which alone writes the gradebook. An
executor offers ``submit(job)`` (a future), ``wait(futures)`` (those done),
``recover()`` after a lost worker, and ``close()``.
"""

import concurrent.futures
import dataclasses
import logging
import multiprocessing
import multiprocessing.forkserver
import os
import time

from coursekit.grading.kernels.templates import forkable, forked_modules, template_for
from coursekit.grading.kernels.warm import kernel_environment
from coursekit.grading.worker import worker

log = logging.getLogger(__name__)


class LocalExecutor:
    """A pool of worker processes on this machine, forking their kernels from one template.

    Workers are forked from multiprocessing's fork server, a fresh interpreter
    that imports the grading code once (nothing inherited from the
    coordinator: no threads, no database connection), and they exit when the
    coordinator dies, even by SIGKILL. The kernel template they share (see
    ``kernels.templates.KernelTemplate``) is the one ``coursekit grade`` started early,
    or else one started here; it is stopped with the pool.

    Parameters
    ----------
    snapshot : AssignmentSnapshot
        The assignment, sent once to every worker.
    workers : int
        Number of worker processes.
    template : KernelTemplate, optional
        A template started early (``kernels.warm.early_template``) in the snapshot's mode; it is
        told the assignment's modules, used and stopped here.
    """

    def __init__(self, snapshot, workers, template=None):
        if template is not None and forkable(snapshot.kernel_name):
            template.import_more(forked_modules(snapshot.modules))
        else:
            if template is not None:
                template.close()
            template = template_for(snapshot.kernel_name, None, kernel_environment(), snapshot.modules,
                                    secure=snapshot.secure)
        self.template = template
        log.debug("kernel template: %s", "none" if template is None else f"pid {template.pid}")
        if template is not None:
            snapshot = dataclasses.replace(snapshot, template=self.template.sharing())
        self.snapshot = snapshot
        self.workers = workers
        self.pool = self._pool()

    def _pool(self):
        return concurrent.futures.ProcessPoolExecutor(
            self.workers, mp_context=start_fork_server(), initializer=worker.start,
            initargs=(self.snapshot, os.getpid()))

    def describe(self):
        """The executor in words, for people."""
        return f"{self.workers} local worker process{'es' if self.workers != 1 else ''}"

    def submit(self, job):
        """Start grading ``job``; return its future."""
        return self.pool.submit(worker.grade, job)

    def wait(self, futures, timeout=None):
        """The futures among ``futures`` that are done, waiting for at least one."""
        done, _ = concurrent.futures.wait(futures, timeout=timeout,
                                          return_when=concurrent.futures.FIRST_COMPLETED)
        return done

    def lost_worker(self, error):
        """Whether ``error`` (raised by a future) means a worker process died."""
        return isinstance(error, concurrent.futures.process.BrokenProcessPool)

    def recover(self):
        """Replace a pool broken by a dead worker with a new one; its jobs in flight are lost (True)."""
        log.warning("a worker process died: its jobs in flight are graded again by a new pool")
        self.pool.shutdown(wait=False, cancel_futures=True)
        self.pool = self._pool()
        return True

    def close(self, cancel=False):
        """Stop the workers (they kill their kernels on the way out), then the template."""
        try:
            self.pool.shutdown(wait=not cancel, cancel_futures=cancel)
        finally:
            if self.template is not None:
                self.template.close()


class DaskExecutor:
    """Jobs on a Dask distributed cluster; the coordinator stays the gradebook's only writer.

    Parameters
    ----------
    snapshot : AssignmentSnapshot
        The assignment, scattered once to every worker.
    scheduler : str
        The scheduler's address, such as ``tcp://10.0.0.5:8786``.
    """

    def __init__(self, snapshot, scheduler):
        from distributed import Client

        self.client = Client(scheduler, set_as_default=False)
        self.snapshot = self.client.scatter(snapshot, broadcast=True, hash=False)
        self.address = scheduler
        self.count = 0

    def describe(self):
        """The executor in words, for people."""
        workers = len(self.client.scheduler_info(n_workers=-1)["workers"])
        return f"{workers} Dask worker{'s' if workers != 1 else ''} at {self.address}"

    def submit(self, job):
        """Start grading ``job`` on the cluster; return its future."""
        self.count += 1
        return self.client.submit(worker.grade, job, self.snapshot, pure=False,
                                  key=f"grade-{job.assignment}-{job.student}-{self.count}")

    def wait(self, futures, timeout=None):
        """The futures among ``futures`` that are done, waiting for at least one.

        Polls: ``distributed.wait`` would need this client to be the process's default.
        """
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            done = {future for future in futures if future.done()}
            if done or (deadline is not None and time.monotonic() > deadline):
                return done
            time.sleep(0.1)

    def lost_worker(self, error):
        """Whether ``error`` means the workers running the job kept dying."""
        from distributed import KilledWorker

        return isinstance(error, KilledWorker)

    def recover(self):
        """Nothing to do: Dask replaces lost workers; the other jobs in flight are not lost (False)."""
        return False

    def close(self, cancel=False):
        """Kill the workers' warm kernels and disconnect (the cluster keeps running)."""
        try:
            self.client.run(worker.close_all)
        finally:
            self.client.close()


def executor(snapshot, options, template=None):
    """Create the executor ``options.executor`` names (``"local"`` or ``"dask"``).

    A local one takes over ``template``.

    Raises
    ------
    ValueError
        For an unknown kind, or ``"dask"`` without a scheduler address.
    """
    if options.executor == "local":
        return LocalExecutor(snapshot, options.workers or default_workers(), template)
    if options.executor == "dask":
        if not options.scheduler:
            raise ValueError("--executor dask needs --scheduler tcp://HOST:PORT")
        return DaskExecutor(snapshot, options.scheduler)
    raise ValueError(f"unknown executor {options.executor!r}: use 'local' or 'dask'")


def start_fork_server():
    """Start the fork server of local workers now (it imports the grading code); return its context.

    Called as a run starts, the server's imports overlap with the coordinator's own work.
    """
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["coursekit.grading.worker.preload"])
    multiprocessing.forkserver.ensure_running()
    return context


def default_workers():
    """The number of cores this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
