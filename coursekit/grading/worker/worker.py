"""The worker's side of grading: read, sanitize and execute one submission.

A worker never writes the gradebook. It reads the submitted notebook, runs
nbgrader's sanitizing preprocessors against a read-only snapshot of the
assignment (``Autograde.sanitize_preprocessors``: ``ClearOutput``,
``DeduplicateIds``, ``OverwriteKernelspec``, ``OverwriteCells``,
``CheckCellMetadata``), then the autograding preprocessors that come before
``SaveAutoGrades`` (``Execute`` on a prewarmed kernel, ``IgnorePattern``,
``ClearMetadataPreprocessor``, ``LimitOutput``), all in memory, and returns
the executed notebook (in secure mode, with what ``coursekit.check`` exported).
The coordinator judges the exports (secure mode) and runs the rest
(``SaveAutoGrades``, ``AssignLatePenalties``, ``CheckCellMetadata``) against
the real gradebook.

The same function runs in a local worker process and on a Dask worker.
"""

import copy
import logging
import multiprocessing.util
import os
import shutil
import tempfile
import threading
import time
from pathlib import Path

import nbformat
from nbconvert.exporters import NotebookExporter
from nbgrader.converters import Autograde
from nbgrader.preprocessors import Execute

from coursekit.grading.bootstrap.processes import alive, zombie
from coursekit.grading.kernels.templates import KernelTemplate
from coursekit.grading.kernels.warm import WarmKernels, kernel_environment, worker_name
from coursekit.grading.notebooks import write_files
from coursekit.grading.outcome import Result
from coursekit.grading.worker.execute import GradingExecute
from coursekit.grading.worker.sanitize import (
    SUBMISSION_ERRORS,
    NoteTaker,
    UngradableSubmissionError,
    check_schemas_once,
    read_notebook,
    restate,
    stages,
)


class Worker:
    """Grades jobs of one assignment, one at a time, with kernels prewarmed ahead.

    Parameters
    ----------
    snapshot : AssignmentSnapshot
        The assignment, as the coordinator snapshot it.
    """

    def __init__(self, snapshot):
        self.snapshot = snapshot
        self.folder = Path(tempfile.mkdtemp(prefix="coursekit-worker-"))
        self.db_url = snapshot.gradebook_url(self.folder)
        check_schemas_once()
        self.log = logging.getLogger(f"coursekit.grading.worker.{id(self)}")
        self.log.propagate = False
        self.notes = NoteTaker()
        self.log.addHandler(self.notes)
        self.sanitize_stage, self.execute_stage, _ = stages(Autograde(config=snapshot.config))
        self.grade_ids = snapshot.grade_ids
        execute = GradingExecute(config=snapshot.config)
        self.secure = snapshot.secure
        shared = snapshot.template
        self.kernels = WarmKernels(snapshot.kernel_name, self.folder, kernel_environment(),
                                   extra_arguments=execute.extra_arguments, modules=snapshot.modules,
                                   limits=snapshot.limits if self.secure else None,
                                   template=KernelTemplate.attach(shared) if shared else None)
        self.kernels.prepare()

    def exporter(self, preprocessors):
        """A notebook exporter running ``preprocessors`` as nbgrader's converters do.

        It validates the notebook once, after the last preprocessor (nbconvert's
        ``optimistic_validation``), not after each of its fourteen: that was a tenth of a
        second per stage, per notebook.
        """
        exporter = NotebookExporter(config=self.snapshot.config, log=self.log, optimistic_validation=True)
        for preprocessor in preprocessors:
            exporter.register_preprocessor(preprocessor)
        return exporter

    def grade(self, job):
        """Grade one job; always return a ``Result``, never raise."""
        start = time.monotonic()
        result = Result(student=job.student, worker=worker_name())
        try:
            self.run(job, result)
        except UngradableSubmissionError as problem:
            result.reason = str(problem)
        except SUBMISSION_ERRORS as error:
            result.reason = f"nbgrader cannot grade the notebook: {type(error).__name__}: {error}"
        except Exception as error:  # a grader failure: reported, retried by the next run
            result.reason = f"the grader failed: {type(error).__name__}: {error}"
            result.grader_error = True
        result.seconds = time.monotonic() - start
        return result

    def run(self, job, result):
        """Read, sanitize and execute ``job``, filling in ``result``."""
        filename = f"{job.notebook}.ipynb"
        nb, result.notes = read_notebook(job.text, filename)
        folder = Path(tempfile.mkdtemp(prefix=f"{job.student}-", dir=self.folder))
        files = {**job.files, **self.snapshot.source_files}
        try:
            write_files(files, folder)
            resources = {
                "unique_key": job.notebook,
                "output_files_dir": f"{job.notebook}_files",
                "nbgrader": {"student": job.student, "assignment": job.assignment,
                             "notebook": job.notebook, "db_url": self.db_url},
                "metadata": {"name": job.notebook, "path": str(folder)},
            }
            self.notes.take()  # what an earlier job left, if it failed half-way
            text, _ = self.exporter(self.sanitize_stage).from_notebook_node(nb, copy.deepcopy(resources))
            result.notes += [note for note in (restate(n, self.grade_ids) for n in self.notes.take()) if note]
            nb = nbformat.reads(text, as_version=4)  # as nbgrader, which writes it and reads it back
            result.notebook, result.cell_seconds, notes, result.exports = self.execute(
                nb, resources, folder, files, job.warm_next)
            result.notes += notes
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    def execute(self, nb, resources, folder, files, warm_next=True):
        """Run the execution stage on a warm kernel; return the notebook's JSON, cell time, notes and exports.

        In secure mode the kernel is sandboxed: the notebook's files go into its job folder, and
        what ``check`` exported is taken after every cell, for the coordinator's trusted judge
        (exports are None in-kernel).
        """
        executes = any(isinstance(p, type) and issubclass(p, Execute) for p in self.execute_stage)
        kernel, exports_folder = None, None
        if executes and nb.metadata.get("kernelspec", {}).get("name") == self.snapshot.kernel_name:
            kernel = self.kernels.take(folder, warm_next)
            box = kernel.sandbox
            if box is not None:
                write_files(files, box.work)
                box.prepare_work()
                exports_folder = str(box.exports)
                resources["metadata"]["path"] = str(box.work)
        elif executes and self.secure:
            asked = nb.metadata.get("kernelspec", {}).get("name")
            raise UngradableSubmissionError(f"the notebook asks for kernel {asked!r}, not "
                                            f"{self.snapshot.kernel_name!r}: secure grading runs only "
                                            "sandboxed kernels")
        stage, execute = [], None
        for preprocessor in self.execute_stage:
            if isinstance(preprocessor, type) and issubclass(preprocessor, Execute):
                execute = GradingExecute(config=self.snapshot.config, log=self.log,
                                         kernel=kernel.manager if kernel is not None else None,
                                         exports=exports_folder)
                preprocessor = execute
            stage.append(preprocessor)
        previous = os.environ.get("NBGRADER_EXECUTION")
        os.environ["NBGRADER_EXECUTION"] = "autograde"  # for a kernel nbclient starts itself
        disk = None
        try:
            text, _ = self.exporter(stage).from_notebook_node(nb, resources)
        finally:
            if previous is None:
                os.environ.pop("NBGRADER_EXECUTION", None)
            else:
                os.environ["NBGRADER_EXECUTION"] = previous
            if kernel is not None:
                disk = kernel.sandbox.disk_note() if kernel.sandbox is not None else None
                self.kernels.release(kernel)
        exports = (execute.exports if execute is not None else {}) if self.secure else None
        if execute is None:
            return text, 0.0, [], exports
        return text, execute.cell_seconds, execute.notes + ([disk] if disk else []), exports

    def close(self):
        """Kill the warm kernel and remove the worker's folder."""
        self.kernels.close()
        shutil.rmtree(self.folder, ignore_errors=True)


_workers: dict[tuple[str, int], Worker] = {}
_lock = threading.Lock()
_snapshot = None


def worker_for(snapshot):
    """The worker of this process for ``snapshot`` (one per assignment version and thread)."""
    key = (snapshot.version, threading.get_ident())
    with _lock:
        if key not in _workers:
            _workers[key] = Worker(snapshot)
        return _workers[key]


def grade(job, snapshot=None):
    """Grade ``job`` in this process (a pool worker or a Dask worker): the task function.

    ``snapshot`` defaults to the one a local worker process was started with.
    """
    return worker_for(snapshot or _snapshot).grade(job)


def start(snapshot, coordinator):
    """Start a local worker process: warm its first kernel, and die with the coordinator.

    A coordinator killed with SIGKILL cannot stop its workers; each watches the
    coordinator (pid ``coordinator``) and its own parent (the fork server) and
    exits when either is gone; its kernels, which watch their parent, follow.
    """
    global _snapshot
    _snapshot = snapshot
    worker_for(snapshot)
    multiprocessing.util.Finalize(None, close_all, exitpriority=10)
    threading.Thread(target=_watch_parent, args=(coordinator,), daemon=True).start()


def _watch_parent(coordinator):
    parent = os.getppid()
    while os.getppid() == parent and alive(coordinator) and not zombie(coordinator):  # killed, not reaped
        time.sleep(0.5)
    for each in list(_workers.values()):
        each.kernels.close()
    os._exit(1)


def close_all():
    """Close every worker of this process."""
    with _lock:
        while _workers:
            _workers.popitem()[1].close()
