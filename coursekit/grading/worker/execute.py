"""nbgrader's ``Execute`` preprocessor, run on a prewarmed kernel, that never gives up a notebook.

Stock ``nbgrader autograde`` loses the whole submission when the kernel dies
or stops answering: it deletes the autograded folder and records no score.
``GradingExecute`` is nbgrader's ``Execute`` (same timeouts, interrupts and
error outputs, configured by the same ``nbgrader_config.py`` sections) with
three additions:

- it runs on a kernel the worker started ahead of time (``WarmKernels``);
- when the kernel dies (``os._exit``, a crash) or stops answering after a
  timeout (it is given up when the interrupted cell has not stopped after as
  long again as the timeout), the cell it was running gets an error output
  saying so, and every grade cell after it an error output saying it was not
  run, so that nbgrader scores them zero and the cells that did run keep their
  scores;
- it keeps at most ``max_output_bytes`` of printed or displayed output per cell in memory
  (nbgrader's ``LimitOutput`` trims lines only after the whole flood has been
  stored), never dropping a kind of output that decides a grade: an error, an
  ``execute_result``, or the first bytes on standard error.
"""

import collections
import math
import queue
import time

from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbclient.util import run_hook, run_sync
from nbgrader.preprocessors import Execute
from nbgrader.utils import is_grade
from traitlets import Integer

from coursekit.grading.notebooks import cell_label, error_output, grade_id_of
from coursekit.grading.sandbox.exports import collect


class GradingExecute(Execute):
    """nbgrader's ``Execute``, on a given kernel, robust to dying kernels and output floods.

    Attributes
    ----------
    kernel : AsyncKernelManager or None
        The running kernel to use; None lets nbclient start one as usual.
    notes : list of str
        What happened that a person should know (timeouts, a dead kernel, cut output).
    cell_seconds : float
        Time spent executing cells.
    exports_folder : str or None
        Secure mode: the sandbox's export folder, emptied after every cell.
    exports : dict of int to list
        What was taken from it, by the index of the cell that ran (``sandbox.exports.collect``).
    cell_limits : CellLimits or None
        Calibrated time limits per cell (``outcome.CellLimits``); None: ``timeout`` for every cell.
    cell_times : dict of str to float
        Seconds each cell with a grade id took, by grade id.
    """

    max_output_bytes = Integer(
        8_000_000, help="Printed output kept per cell; the rest is dropped with a note.").tag(config=True)

    iopub_timeout = Integer(
        60, help="Seconds to wait for a cell's last outputs after its reply, as nbclient's iopub_timeout; "
        "longer than nbclient's 4 s, which a cell interrupted while it draws a figure on a busy machine "
        "can exceed: only a kernel stuck that long is given up. A cell interrupted because it ran out of "
        "time has at most its timeout (``_async_handle_timeout``).").tag(config=True)

    def __init__(self, kernel=None, exports=None, **kwargs):
        super().__init__(**kwargs)
        self.kernel = kernel
        self.exports_folder = exports
        self.exports = {}
        self.notes = []
        self.cell_seconds = 0.0
        self.cell_limits = None
        self.cell_times = {}
        self._running = None
        self._printed: collections.Counter[int] = collections.Counter()
        self._cut = set()

    def preprocess(self, nb, resources=None, km=None):
        """Execute every cell, as nbgrader does; a dead or stuck kernel ends the run, not the grading."""
        self._reset()
        try:
            why = self._execute(nb, resources, km or self.kernel)
            if why is not None:
                self._stop(nb, why)
        finally:
            self._disconnect()
        return nb, resources

    def _reset(self):
        """Forget what an earlier notebook left."""
        self.notes, self.cell_seconds, self._running = [], 0.0, None
        self.exports, self.cell_times = {}, {}
        self._printed.clear()
        self._cut.clear()

    def _execute(self, nb, resources, km):
        """Run nbgrader's execution of ``nb`` on ``km``; return why the kernel was lost, or None."""
        try:
            super().preprocess(nb, resources, km=km)
        except DeadKernelError:
            code = self._exit_code()
            return "the kernel died" + (f" (exit code {code})" if code is not None else "")
        except CellTimeoutError as error:
            return f"the kernel stopped answering ({str(error).splitlines()[0]})"
        finally:
            self._take_exports()
        return None

    def _disconnect(self):
        if self.kc is not None:
            self.kc.stop_channels()

    async def async_start_new_kernel_client(self):
        """Connect to the warm kernel: ready once it answers ``kernel_info`` on both channels.

        nbclient's ``wait_for_ready`` then listens for 0.2 s of silence on IOPub, on every
        notebook; a warm kernel is known to be idle, so its ``idle`` status for this request
        is proof enough that IOPub is connected and drained.
        """
        if self.kernel is None:
            return await super().async_start_new_kernel_client()
        self.kc = self.km.client()
        self.kc.start_channels()
        deadline = time.monotonic() + self.startup_timeout
        while not await self._answered(self.kc.kernel_info()):
            if not await self.km.is_alive():
                await self._async_cleanup_kernel()
                raise DeadKernelError("the kernel died before it answered kernel_info")
            if time.monotonic() > deadline:
                await self._async_cleanup_kernel()
                raise CellTimeoutError(f"the kernel did not answer within {self.startup_timeout} s")
        self.kc.allow_stdin = False
        await run_hook(self.on_notebook_start, notebook=self.nb)
        return self.kc

    start_new_kernel_client = run_sync(async_start_new_kernel_client)  # nbclient binds its own

    async def _answered(self, msg_id):
        """Whether the kernel replied to ``msg_id`` and IOPub carried its ``idle`` status (1 s each)."""
        replied = False
        while not replied:
            try:
                reply = await self.kc.shell_channel.get_msg(timeout=1)
            except queue.Empty:
                return False
            replied = reply["parent_header"].get("msg_id") == msg_id
        self.kc._handle_kernel_info_reply(reply)
        while True:
            try:
                msg = await self.kc.iopub_channel.get_msg(timeout=1)
            except queue.Empty:  # IOPub connected after the status went out: ask again
                return False
            if (msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "status"
                    and msg["content"]["execution_state"] == "idle"):
                return True

    def preprocess_cell(self, cell, resources, index):
        """Execute one cell and add up the time it took (by grade id, for calibration)."""
        self._running = index
        start = time.monotonic()
        iopub_timeout = self.iopub_timeout
        try:
            return super().preprocess_cell(cell, resources, index)
        finally:
            self.iopub_timeout = iopub_timeout
            seconds = time.monotonic() - start
            self.cell_seconds += seconds
            if grade_id_of(cell) is not None and cell.cell_type == "code":
                self.cell_times[grade_id_of(cell)] = seconds
            self._take_exports()

    def _get_timeout(self, cell):
        """The cell's calibrated limit (``cell_limits``), or nbgrader's timeout without one."""
        if self.cell_limits is None or cell is None:
            return super()._get_timeout(cell)
        return self.cell_limits.limit(grade_id_of(cell))

    async def _async_handle_timeout(self, timeout, cell=None):
        """Interrupt a cell that ran out of time, which then has as long again to stop.

        A kernel that ignores the interrupt (a loop that catches ``KeyboardInterrupt``)
        is given up ``timeout`` seconds later, or ``iopub_timeout`` if that is shorter.
        """
        if math.isfinite(timeout):  # a calibrated limit is a float; the trait holds whole seconds
            self.iopub_timeout = min(self.iopub_timeout, math.ceil(timeout))
        reply = await super()._async_handle_timeout(timeout, cell)
        if reply is not None and self.cell_limits is not None and cell is not None:
            why = f"This cell {self.cell_limits.explain(grade_id_of(cell))} and was interrupted."
            reply["content"].update(evalue=why, traceback=[f"CellTimeoutError: {why}"])
        return reply

    def _take_exports(self):
        """Move what ``check`` exported out of the sandbox, as the running cell's (secure mode)."""
        if self.exports_folder is not None:
            taken = collect(self.exports_folder)
            if taken:
                self.exports.setdefault(self._running if self._running is not None else 0, []).extend(taken)

    def on_cell_executed(self, **kwargs):
        """Note a cell that ran out of time (nbgrader has already given it its error output)."""
        super().on_cell_executed(**kwargs)
        content = kwargs["execute_reply"]["content"]
        if content.get("status") == "error" and content.get("ename") == "CellTimeoutError":
            cell = kwargs["cell"]
            label = cell_label(cell, kwargs["cell_index"])
            if self.cell_limits is None:
                self.notes.append(f"cell {label} ran longer than the {self.timeout} s limit "
                                  "and was interrupted")
            else:
                self.notes.append(f"cell {label} {self.cell_limits.explain(grade_id_of(cell))} "
                                  "and was interrupted")

    def output(self, outs, msg, display_id, cell_index):
        """Store an output, but no more than ``max_output_bytes`` of printed text per cell.

        Displayed data (``display_data``, ``update_display_data``) counts too; it is dropped
        whole past the limit.
        """
        if msg["msg_type"] in ("display_data", "update_display_data") and self.max_output_bytes >= 0:
            return self._display(outs, msg, display_id, cell_index)
        if msg["msg_type"] != "stream" or self.max_output_bytes < 0:
            return super().output(outs, msg, display_id, cell_index)
        content = msg["content"]
        used = self._printed[cell_index]
        self._printed[cell_index] += len(content["text"])
        if self._printed[cell_index] <= self.max_output_bytes:
            return super().output(outs, msg, display_id, cell_index)
        key = (cell_index, content["name"])
        if key in self._cut:
            return None
        if not any(cut == cell_index for cut, _ in self._cut):
            label = cell_label(self.nb.cells[cell_index], cell_index)
            self.notes.append(f"cell {label} printed more than {self.max_output_bytes / 1e6:g} MB; "
                              "the rest of its output was dropped")
        self._cut.add(key)
        text = content["text"][:max(self.max_output_bytes - used, 0)]
        text += f"\n... output cut by coursekit after {self.max_output_bytes / 1e6:g} MB ...\n"
        return super().output(outs, {**msg, "content": {**content, "text": text}}, display_id, cell_index)

    def _display(self, outs, msg, display_id, cell_index):
        data = msg["content"].get("data", {})
        self._printed[cell_index] += sum(len(str(value)) for value in data.values())
        if self._printed[cell_index] <= self.max_output_bytes:
            return super().output(outs, msg, display_id, cell_index)
        key = (cell_index, "display")
        if not any(cut == cell_index for cut, _ in self._cut):
            label = cell_label(self.nb.cells[cell_index], cell_index)
            self.notes.append(f"cell {label} displayed more than {self.max_output_bytes / 1e6:g} MB; "
                              "the rest of its output was dropped")
        self._cut.add(key)
        return None

    def _exit_code(self):
        process = getattr(getattr(self.km, "provisioner", None), "process", None)
        return process.poll() if process is not None else None

    def _stop(self, nb, why):
        """Mark the cell that was running and the grade cells that will never run."""
        index = self._running if self._running is not None else 0
        here = cell_label(nb.cells[index], index)
        nb.cells[index].setdefault("outputs", []).append(
            error_output("KernelStopped", f"{why} while running this cell."))
        skipped = []
        for later in nb.cells[index + 1:]:
            if later.cell_type == "code" and is_grade(later):
                later.outputs = [error_output("NotRun", f"not run: {why} in an earlier cell ({here}).")]
                skipped.append(later.metadata.nbgrader["grade_id"])
        note = f"{why} while running cell {here}"
        if skipped:
            note += f"; the grade cells after it were not run and score zero: {', '.join(skipped)}"
        self.notes.append(note)
