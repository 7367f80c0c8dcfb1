"""Crash isolation: a kernel that dies or is given up costs the cell it was running, not the notebook.

``RecoveringExecute`` is the worker's ``GradingExecute`` with one more rule. When the
kernel dies in a cell (``os._exit``, a killed parent, the memory limit, a flood that ends
it) or stops answering after the cell's interrupt, that cell gets an error output saying
so, and a fresh kernel takes over: it runs the cells before the failed one again, quietly
(their outputs, exports and notes are those of the first run), leaving out every cell that
killed or hung a kernel, then executes the cells after it as usual. A grade cell that
depends only on what survived is graded as if nothing had happened; the grade cell whose
code killed the kernel scores zero with the reason.

At most ``max_restarts`` fresh kernels per notebook; after that the old rule holds: the
grade cells after the last failure are not run and score zero. Every restart is a note.
"""

import copy
import time

from nbgrader.utils import is_grade
from traitlets import Integer

from coursekit.grading.notebooks import cell_label, error_output
from coursekit.grading.sandbox.exports import collect
from coursekit.grading.worker.execute import GradingExecute


class RecoveringExecute(GradingExecute):
    """``GradingExecute`` that replaces a lost kernel and carries on after the cell that lost it.

    Parameters
    ----------
    replace_kernel : callable or None
        Called with no argument when the kernel is lost; kills it and returns ``(kernel
        manager, export folder or None)`` of a fresh one ready in the same job folder. None:
        no recovery (the old rule).

    Attributes
    ----------
    restarts : int
        Fresh kernels the last notebook needed.
    """

    max_restarts = Integer(
        8, help="Fresh kernels a notebook may get after its kernel died or was given up (the course's "
        "notebooks call an exercise from up to seven cells); after that the grade cells after the last "
        "failure score zero, not run.").tag(config=True)

    def __init__(self, replace_kernel=None, **kwargs):
        super().__init__(**kwargs)
        self.replace_kernel = replace_kernel
        self.restarts = 0
        self._resume = 0
        self._left_out: set[int] = set()
        self._replaying = False

    def preprocess(self, nb, resources=None, km=None):
        """Execute every cell, replacing the kernel (at most ``max_restarts`` times) when it is lost."""
        self._reset()
        self.restarts, self._resume, self._left_out = 0, 0, set()
        km = km or self.kernel
        try:
            while (why := self._execute(nb, resources, km)) is not None:
                if self.replace_kernel is None or self.restarts >= self.max_restarts:
                    if self.restarts:
                        why += f" after {self.restarts} fresh kernels, the most a notebook gets"
                    self._give_up(nb, why)
                    break
                self._disconnect()
                self._recover(nb, why)
                km, self.exports_folder = self.replace_kernel()
        finally:
            self._disconnect()
        return nb, resources

    def _recover(self, nb, why):
        """Mark the failed cell and plan the fresh kernel's run: replay before it, resume after it."""
        index = self._running if self._running is not None else 0
        label = cell_label(nb.cells[index], index)
        self.restarts += 1
        self._left_out.add(index)
        if index < self._resume:  # the cell ran well the first time, not again
            self.notes.append(f"{why} while running cell {label} again for a fresh kernel; "
                              f"another fresh kernel ({self.restarts} of at most {self.max_restarts}) "
                              "runs the cells before it again without it")
            return
        nb.cells[index].setdefault("outputs", []).append(error_output(
            "KernelStopped", f"{why} while running this cell. A fresh kernel ran the cells before it again, "
            "without this one, and grading went on after it."))
        self._resume = index + 1
        self.notes.append(f"{why} while running cell {label}; a fresh kernel ({self.restarts} of at most "
                          f"{self.max_restarts}) ran the cells before it again, without it, and grading went "
                          "on after it")

    def _give_up(self, nb, why):
        """The old rule: the grade cells not run yet score zero, not run.

        A kernel lost while it ran earlier cells again leaves their first run's outputs as they
        were: only the cells from the resume point on are marked.
        """
        if self._running is None or self._running >= self._resume:
            self._stop(nb, why)
            return
        skipped = []
        for cell in nb.cells[self._resume:]:
            if cell.cell_type == "code" and is_grade(cell):
                cell.outputs = [error_output("NotRun", f"not run: {why} while earlier cells ran again.")]
                skipped.append(cell.metadata.nbgrader["grade_id"])
        label = cell_label(nb.cells[self._running], self._running)
        self.notes.append(f"{why} while running cell {label} again for a fresh kernel; the grade cells not "
                          f"run yet score zero: {', '.join(skipped) or 'none'}")

    def preprocess_cell(self, cell, resources, index):
        """Execute a cell at or after the resume point; before it, replay it quietly unless left out."""
        if index >= self._resume:
            return super().preprocess_cell(cell, resources, index)
        if index not in self._left_out and cell.cell_type == "code" and not timed_out(cell):
            self._replay(cell, index)
        return cell, resources

    def _replay(self, cell, index):
        """Run a copy of an earlier cell on the fresh kernel; nothing of this run is kept."""
        self._running, self._replaying = index, True
        start = time.monotonic()
        iopub_timeout = self.iopub_timeout
        try:
            self.execute_cell(copy.deepcopy(cell), index, store_history=True)
        finally:
            self.iopub_timeout = iopub_timeout
            self._replaying = False
            self.cell_seconds += time.monotonic() - start
            if self.exports_folder is not None:
                collect(self.exports_folder)  # judged from the first run; these are dropped

    def on_cell_executed(self, **kwargs):
        """Note what the first run of a cell did; a replay's reply is not news."""
        if not self._replaying:
            super().on_cell_executed(**kwargs)

    def output(self, outs, msg, display_id, cell_index):
        """Keep the outputs of the first run of a cell; drop a replay's."""
        if self._replaying:
            return None
        return super().output(outs, msg, display_id, cell_index)


def timed_out(cell):
    """Whether a cell's first run was interrupted at its time limit (replaying it would only hang again)."""
    return any(output.output_type == "error" and output.get("ename") == "CellTimeoutError"
               for output in cell.get("outputs", []))
