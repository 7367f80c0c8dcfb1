"""The worker's side of grading: read, sanitize and execute one submission.

A worker never writes the gradebook. It reads the submitted notebook, runs
nbgrader's sanitizing preprocessors against a read-only snapshot of the
assignment (``Autograde.sanitize_preprocessors``: ``ClearOutput``,
``DeduplicateIds``, ``OverwriteKernelspec``, ``OverwriteCells``,
``CheckCellMetadata``), then the autograding preprocessors that come before
``SaveAutoGrades`` (``Execute`` on a prewarmed kernel, ``IgnorePattern``,
``ClearMetadataPreprocessor``, ``LimitOutput``), all in memory, and returns
the executed notebooks (in secure mode, with what ``coursekit.check`` exported)
and the files their kernels wrote. An assignment of several notebooks is graded
notebook by notebook, as nbgrader does.
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
from coursekit.grading.kernels.warm import WarmKernel, WarmKernels, kernel_environment, worker_name
from coursekit.grading.notebooks import write_files
from coursekit.grading.outcome import Result
from coursekit.grading.worker import side_effects
from coursekit.grading.worker.execute import GradingExecute
from coursekit.grading.worker.recovery import RecoveringExecute
from coursekit.grading.worker.sanitize import (
    SUBMISSION_ERRORS,
    NoteTaker,
    UngradableSubmissionError,
    check_schemas_once,
    read_notebook,
    restate,
    stages,
)
from coursekit.grading.worker.side_effects import MAX_SIDE_EFFECT_BYTES


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
        result = Result(student=job.student, worker=worker_name(), exports={} if self.secure else None)
        try:
            self.run(job, result)
        except Exception as error:  # a grader failure: reported, retried by the next run
            result.reason = f"the grader failed: {type(error).__name__}: {error}"
            result.grader_error = True
        result.seconds = time.monotonic() - start
        return result

    def run(self, job, result):
        """Read, sanitize and execute every notebook of ``job``, one after the other, filling in ``result``.

        A notebook that is missing or cannot be graded is recorded in ``result.missing`` with its
        reason and the others are graded; when none can be, ``result.reason`` says why. Files the
        kernels write are side effects (``side_effects``): kept, and seen by the next notebook, as
        in nbgrader's autograded folder.
        """
        files = {**job.files, **self.snapshot.source_files}
        several = len(job.notebooks) > 1
        present = [name for name, text in job.notebooks.items() if text is not None]
        for notebook, text in job.notebooks.items():
            if text is None:
                result.missing[notebook] = job.missing.get(notebook, f"no {notebook}.ipynb in the submission")
                continue
            try:
                self.run_notebook(job, notebook, text, files, result,
                                  warm_next=job.warm_next or notebook != present[-1])
            except UngradableSubmissionError as problem:
                result.missing[notebook] = f"{notebook}.ipynb: {problem}" if several else str(problem)
            except SUBMISSION_ERRORS as error:
                result.missing[notebook] = (f"{notebook}.ipynb: " if several else "") + (
                    f"nbgrader cannot grade the notebook: {type(error).__name__}: {error}")
        if not result.notebooks:
            result.reason = "; ".join(dict.fromkeys(result.missing.values())) or "no notebook to grade"

    def run_notebook(self, job, notebook, text, files, result, warm_next=True):
        """Read, sanitize and execute one notebook of ``job`` among ``files``, adding to ``result``."""
        nb, notes = read_notebook(text, f"{notebook}.ipynb")
        result.notes += notes
        folder = Path(tempfile.mkdtemp(prefix=f"{job.student}-", dir=self.folder))
        try:
            write_files(files, folder)
            resources = {
                "unique_key": notebook,
                "output_files_dir": f"{notebook}_files",
                "nbgrader": {"student": job.student, "assignment": job.assignment,
                             "notebook": notebook, "db_url": self.db_url},
                "metadata": {"name": notebook, "path": str(folder)},
            }
            self.notes.take()  # what an earlier job left, if it failed half-way
            text, _ = self.exporter(self.sanitize_stage).from_notebook_node(nb, copy.deepcopy(resources))
            restated = (restate(note, self.grade_ids[notebook]) for note in self.notes.take())
            result.notes += [note for note in restated if note]
            nb = nbformat.reads(text, as_version=4)  # as nbgrader, which writes it and reads it back
            never = {f"{name}.ipynb" for name in job.notebooks}
            executed, seconds, notes, exports, times, kept = self.execute(
                nb, resources, folder, files, warm_next, job.cell_limits,
                keep=(never, sum(map(len, result.side_effects.values()))))
            result.notebooks[notebook] = executed
            result.cell_seconds += seconds
            result.cell_times.update(times)
            result.notes += notes
            if result.exports is not None:
                result.exports[notebook] = exports or {}
            result.side_effects.update(kept)
            files.update(kept)
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    def execute(self, nb, resources, folder, files, warm_next=True, cell_limits=None, keep=((), 0)):
        """Run the execution stage on a warm kernel; notebook, times, notes, exports, side effects.

        In secure mode the kernel is sandboxed: the notebook's files go into its job folder, and
        what ``check`` exported is taken after every cell, for the coordinator's trusted judge
        (exports are None in-kernel). A kernel lost in a cell is replaced by a fresh one
        (``worker.recovery``); ``cell_limits`` are the calibrated time limits, if any. The files
        the last kernel wrote in its working folder are taken before it goes
        (``side_effects.collect``; ``keep``: the paths never kept and the bytes kept already).
        """
        executes = any(isinstance(p, type) and issubclass(p, Execute) for p in self.execute_stage)
        kernels: list[WarmKernel] = []
        exports_folder = None
        if executes and nb.metadata.get("kernelspec", {}).get("name") == self.snapshot.kernel_name:
            exports_folder = self._take_kernel(kernels, folder, files, resources, warm_next)
        elif executes and self.secure:
            asked = nb.metadata.get("kernelspec", {}).get("name")
            raise UngradableSubmissionError(f"the notebook asks for kernel {asked!r}, not "
                                            f"{self.snapshot.kernel_name!r}: secure grading runs only "
                                            "sandboxed kernels")

        def replace_kernel():
            self.kernels.release(kernels.pop())
            exports = self._take_kernel(kernels, folder, files, resources, warm_next)
            return kernels[-1].manager, exports

        stage, execute = [], None
        for preprocessor in self.execute_stage:
            if isinstance(preprocessor, type) and issubclass(preprocessor, Execute):
                execute = RecoveringExecute(config=self.snapshot.config, log=self.log,
                                            kernel=kernels[-1].manager if kernels else None,
                                            exports=exports_folder,
                                            replace_kernel=replace_kernel if kernels else None)
                execute.cell_limits = cell_limits
                preprocessor = execute
            stage.append(preprocessor)
        previous = os.environ.get("NBGRADER_EXECUTION")
        os.environ["NBGRADER_EXECUTION"] = "autograde"  # for a kernel nbclient starts itself
        disk = None
        try:
            text, _ = self.exporter(stage).from_notebook_node(nb, resources)
            skip, used = keep
            box = kernels[-1].sandbox if kernels else None
            work = box.work if box is not None else Path(folder)
            kept, kept_notes = side_effects.collect(work, files, skip, MAX_SIDE_EFFECT_BYTES - used)
        finally:
            if previous is None:
                os.environ.pop("NBGRADER_EXECUTION", None)
            else:
                os.environ["NBGRADER_EXECUTION"] = previous
            for kernel in kernels:
                disk = (kernel.sandbox.disk_note() if kernel.sandbox is not None else None) or disk
                self.kernels.release(kernel)
        exports = (execute.exports if execute is not None else {}) if self.secure else None
        notes = kept_notes + ([disk] if disk else [])
        if execute is None:
            return text, 0.0, notes, exports, {}, kept
        return text, execute.cell_seconds, execute.notes + notes, exports, execute.cell_times, kept

    def _take_kernel(self, kernels, folder, files, resources, warm_next):
        """Take a warm kernel into ``kernels`` with the notebook's files in its sandbox; its export folder."""
        kernel = self.kernels.take(folder, warm_next)
        kernels.append(kernel)
        box = kernel.sandbox
        if box is None:
            return None
        write_files(files, box.work)
        box.prepare_work()
        resources["metadata"]["path"] = str(box.work)
        return str(box.exports)

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
