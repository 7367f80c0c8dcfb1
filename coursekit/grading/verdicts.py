"""Trusted verdicts: grade cells judged outside the sandbox, from exported observations only.

In secure mode ``coursekit.check`` only exports what the student's function
did on each case (``check.export``). After every cell, the worker moves the
exports the cell wrote out of the sandbox (``collect``: regular files only,
no links followed, sizes checked before reading, JSON whose arrays are float64
values in strict base64 of exactly the size their shape says, never
unpickled). After the notebook, the coordinator's ``apply`` has the run's
judge (``judge.Judge``: in this process, or forked from the kernel template,
see ``judge_for``) decide every grade cell: it gets its points only if

- the instructor's source of the cell calls ``check`` for some exercises
  (a grade cell without ``check`` cannot be trusted and scores zero),
- each of those exercises has an export made while the cell ran, and every
  export of it passes: the trusted side rebuilds the inputs from the same
  seeds, runs ``reference`` and judges with the exercise's spec,
- and the kernel's own run of the cell showed no error (a failing visible
  test still fails: the kernel can only lower its own score).

It then rewrites the cell's outputs before nbgrader's ``SaveAutoGrades``
reads them: the kernel's outputs without any ``execute_result`` (so no
partial credit can be claimed), plus, on a trusted failure, an error output
with the trusted message. A missing or malformed export is a zero with its
reason.
"""

import json
import os
import pickle
import socket
import stat
import threading

from nbgrader.utils import is_grade

from coursekit.build import import_roots
from coursekit.grading.execute import error_output

#: Largest export read (bytes); larger ones are rejected unread.
MAX_EXPORT_BYTES = 64 * 2**20
#: Seconds a judge forked from the kernel template may take to be ready (the template's imports included).
START_TIMEOUT = 180.0
#: Most exports taken from one cell; the rest are deleted unread.
MAX_EXPORTS_PER_CELL = 32


def safe_read(folder, name, max_bytes):
    """Read the regular file ``name`` in ``folder`` without following links; None if it is not one.

    Raises
    ------
    ValueError
        When the file is larger than ``max_bytes``.
    """
    directory = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    try:
        fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK, dir_fd=directory)
    except OSError:
        return None
    finally:
        os.close(directory)
    with os.fdopen(fd, "rb") as stream:
        info = os.fstat(stream.fileno())
        if not stat.S_ISREG(info.st_mode):
            return None
        if info.st_size > max_bytes:
            raise ValueError(f"{info.st_size} bytes, more than the {max_bytes} allowed")
        data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ValueError(f"more than the {max_bytes} bytes allowed")
    return data


def collect(folder):
    """Take the exports out of ``folder``: a list of (file name, bytes or the reason it is unusable).

    Every entry is removed, read or not, so the next cell starts empty.
    """
    taken = []
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return taken
    for name in names:
        if name.startswith("."):
            pass
        elif len(taken) >= MAX_EXPORTS_PER_CELL:
            taken.append((name, "too many exports in one cell"))
        else:
            try:
                data = safe_read(folder, name, MAX_EXPORT_BYTES)
                taken.append((name, data if data is not None else "not a regular file"))
            except ValueError as error:
                taken.append((name, f"too large: {error}"))
        _remove(folder, name)
    return taken


def _remove(folder, name):
    try:
        os.unlink(os.path.join(folder, name))
    except IsADirectoryError:
        import shutil

        shutil.rmtree(os.path.join(folder, name), ignore_errors=True)
    except OSError:
        pass


def kernel_failed(cell):
    """Whether the kernel's own run of a cell showed an error (or wrote to standard error)."""
    return any(output.output_type == "error"
               or output.output_type == "stream" and output.get("name") == "stderr"
               for output in cell.get("outputs", []))


def judge_for(assignment, template=None):
    """The trusted judge of a secure run of ``assignment``: forked from ``template`` if given."""
    return TemplateJudge(assignment, template) if template is not None else TrustedJudge(assignment)


class TrustedJudge:
    """The trusted judge of a run, in this process (the coordinator's).

    It gets ready in a thread of its own while the kernels warm up: importing torch,
    the specs and the assignment's reference, and observing the reference on every
    case of the assignment's exercises (``judge.Judge``) takes seconds of CPU. A local
    run with a kernel template uses a ``TemplateJudge`` instead, which has torch already.

    Parameters
    ----------
    assignment : str, optional
        The assignment whose reference observations are made ahead; the others' are made
        when first needed.
    """

    def __init__(self, assignment=None):
        self._start(self._prepare, assignment)

    def _start(self, target, assignment):
        """Make the judge ready in a thread of its own, running ``target(assignment)``."""
        self._failure = None
        self._ready = threading.Thread(target=target, args=(assignment,), name="trusted judge", daemon=True)
        self._ready.start()

    def _prepare(self, assignment):
        from coursekit.grading.judge import Judge

        try:
            self.judge = Judge()
            self.judge.prepare(assignment)
        except Exception as error:  # said by every apply: each submission's recording fails and is retried
            self._failure = error

    def settle_warnings(self):
        """Wait until the judge no longer sets warning filters (``catch_warnings`` is not thread-safe)."""
        self._ready.join()

    def close(self):
        """Wait until the judge's thread is done: it must not outlive the run."""
        self._ready.join()

    def wait(self):
        """Wait until the judge is ready; raise what stopped it from getting ready."""
        self._ready.join()
        if self._failure is not None:
            raise RuntimeError(f"the trusted judge could not be prepared: {self._failure}")

    def decide(self, cells):
        """The verdicts (message or None) of ``cells``, a list of (grade cell source, exports)."""
        self.wait()
        return [self.judge.verdict(source, exports) for source, exports in cells]

    def apply(self, nb, exports):
        """Decide every grade cell of ``nb`` and rewrite its outputs.

        Parameters
        ----------
        nb : NotebookNode
            The executed notebook (grade cells hold the instructor's source).
        exports : dict of int to list
            The exports ``collect`` took after each cell, by cell index.
        """
        judged = [index for index, cell in enumerate(nb.cells)
                  if cell.cell_type == "code" and is_grade(cell) and not kernel_failed(cell)]
        messages = dict(zip(judged, self.decide([(nb.cells[i].source, exports.get(i, [])) for i in judged])))
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code" or not is_grade(cell):
                continue
            cell.outputs = [output for output in cell.get("outputs", [])
                            if output.output_type != "execute_result"]
            if messages.get(index) is not None:
                cell.outputs.append(error_output("AssertionError", messages[index]))


class TemplateJudge(TrustedJudge):
    """The trusted judge of a local run, a child of the run's kernel template.

    The template has imported torch and the assignment's modules once for the kernels;
    forked from it before any kernel ran, the judge starts with them in memory instead of
    importing them again in the coordinator (2-4 s of CPU per run). It is never in a
    sandbox, and only the coordinator holds its connection.

    Parameters
    ----------
    assignment : str
        The assignment whose reference observations are made ahead.
    template : KernelTemplate
        The run's kernel template; the judge is asked of it once it listens.
    """

    def __init__(self, assignment, template, timeout=START_TIMEOUT):
        self.template, self.timeout, self.connection = template, timeout, None
        self._closing = threading.Event()
        self._start(self._connect, assignment)

    def _connect(self, assignment):
        from multiprocessing.connection import Connection

        try:  # the template listens once it has imported; a run that ends first stops the wait
            self.template.wait(self.timeout, cancelled=self._closing)
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as stream:
                stream.connect(self.template.address)
                stream.sendall((json.dumps({"judge": assignment, "owner": os.getpid(),
                                           "path": import_roots()}) + "\n").encode())
                self.connection = Connection(stream.detach())
            reply = json.loads(self.connection.recv_bytes())
            if "error" in reply:
                raise RuntimeError(reply["error"])
        except (OSError, EOFError, ValueError, RuntimeError) as error:
            self._failure = error

    def settle_warnings(self):
        """Nothing to wait for: this judge's thread sets no warning filters."""

    def close(self):
        """Stop waiting for the template, and end the judge (it exits when its connection closes)."""
        self._closing.set()
        self._ready.join()
        if self.connection is not None:
            self.connection.close()

    def decide(self, cells):
        """The verdicts (message or None) of ``cells``, a list of (grade cell source, exports)."""
        self.wait()
        try:
            self.connection.send_bytes(pickle.dumps(cells, protocol=pickle.HIGHEST_PROTOCOL))
            reply = json.loads(self.connection.recv_bytes())
        except (OSError, EOFError, ValueError) as error:
            raise RuntimeError(f"the trusted judge is gone: {type(error).__name__}: {error}") from None
        if "error" in reply:
            raise RuntimeError(f"the trusted judge failed: {reply['error']}")
        return reply["verdicts"]
