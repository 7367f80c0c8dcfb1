"""The coordinator's handle on the trusted judge: in its own process, or forked from the template.

The judge itself (``judge.Judge``) decodes the exports and judges them with the one judging
core (``coursekit.verdict``) that ``coursekit.check`` uses in-kernel. A local secure run with a
kernel template has it forked from the template before any kernel ran (``TemplateJudge``: torch
is in memory already); Dask runs and local runs without a template judge in the coordinator
(``TrustedJudge``). Either answers ``decide(cells)``: the verdicts of grade cells, each a message
or None.
"""

import json
import os
import pickle
import socket
import threading

from coursekit.build import import_roots

#: Seconds a judge forked from the kernel template may take to be ready (the template's imports included).
START_TIMEOUT = 180.0


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
        from coursekit.grading.trusted.judge import Judge

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
        assert self.connection is not None  # ready: connected
        try:
            self.connection.send_bytes(pickle.dumps(cells, protocol=pickle.HIGHEST_PROTOCOL))
            reply = json.loads(self.connection.recv_bytes())
        except (OSError, EOFError, ValueError) as error:
            raise RuntimeError(f"the trusted judge is gone: {type(error).__name__}: {error}") from None
        if "error" in reply:
            raise RuntimeError(f"the trusted judge failed: {reply['error']}")
        return reply["verdicts"]
