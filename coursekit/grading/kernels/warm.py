"""Prewarmed kernels: a fresh kernel per submission, ready before it is needed.

Starting a Python kernel and importing torch takes seconds of CPU that stock
``nbgrader autograde`` spends on every notebook before its first cell runs.
A worker keeps one kernel ahead: it is launched as soon as the previous one is
taken and imports the heavy modules in the background (with ``__import__``,
so that no name appears in the notebook's namespace and no execution count is
used). When the assignment's kernel is this interpreter's ipykernel, kernels
are forked from a template process that imported ipykernel and what the
assignment's notebooks import (numpy and torch for this course, nothing heavy for a
plain-assert course) once (see ``templates`` and ``bootstrap/zygote.py``), so even that
CPU is spent once per run rather than once per submission. Every submission still gets a fresh kernel of
its own, killed when its notebook is done.

In secure mode each kernel runs in a sandbox of its own (``sandbox``: its own
uid, job folder, namespaces and limits), still one ahead of need, and is
destroyed with its sandbox when its notebook is done. It is forked too: the
template then runs with the sandbox's environment only, and the forked child
enters the job's sandbox before it becomes the kernel (``bootstrap.launcher.enter``).
Without a template, bwrap starts a fresh interpreter in the sandbox.
"""

import concurrent.futures
import os
import queue
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import run_sync

if TYPE_CHECKING:
    from coursekit.grading.sandbox.box import Sandbox

from coursekit.grading.kernels.modules import PREWARMED_MODULES, notebook_modules, prelude
from coursekit.grading.kernels.templates import (
    FORKED,
    KernelStartError,
    KernelTemplate,
    forked_modules,
    template_environment,
    template_for,
)


@dataclass
class WarmKernel:
    """A kernel handed out by ``WarmKernels.take``: its manager, and what the supply made for it.

    Attributes
    ----------
    manager : AsyncKernelManager
        jupyter_client's manager of the running kernel.
    log : Path
        Where the kernel's launcher writes (quoted when it fails to start).
    sandbox : Sandbox or None
        Secure mode: the kernel's sandbox (its ``work`` and ``exports`` folders), closed with it.
    """

    manager: AsyncKernelManager
    log: Path
    sandbox: "Sandbox | None" = None


def kernel_environment(base=None):
    """The environment of a grading kernel: the course's, plus nbgrader's marker.

    ``NBGRADER_EXECUTION=autograde`` is what ``nbgrader autograde`` sets, so the
    notebooks' ``GRADING`` flag is true exactly as it is under stock nbgrader.
    """
    from coursekit.environment import environment

    return {**(base if base is not None else environment()), "NBGRADER_EXECUTION": "autograde"}


def early_template(secure, notebooks=()):
    """A template started before the assignment is snapshot, importing what ``notebooks`` import.

    ``coursekit grade`` starts it first thing with the assignment's source notebooks (read by
    their usual path), so that their heavy modules (torch...) are imported while the grader
    imports nbgrader and takes the snapshot; the rest follow (``import_more``) and
    ``LocalExecutor`` hands it to the workers. Without notebooks it imports nothing ahead.
    """
    modules = notebook_modules(list(notebooks)) if notebooks else PREWARMED_MODULES
    return KernelTemplate.start(None, template_environment(kernel_environment(), secure),
                                forked_modules(modules), more=True)


class WarmKernels:
    """A supply of fresh kernels, one always warming up ahead of need.

    Parameters
    ----------
    kernel_name : str
        The kernelspec to launch (the assignment's, as the gradebook records it).
    folder : Path
        Where kernels start; each is moved into its submission's folder when taken.
    env : dict
        The kernels' environment (see ``kernel_environment``).
    extra_arguments : list of str
        Arguments for the kernel, as nbclient passes them.
    modules : tuple of str
        Modules to import before a kernel is handed out.
    startup_timeout : float
        Seconds a kernel may take to start and import the modules.
    fork : bool
        Fork kernels from a template process when the kernel allows it.
    limits : sandbox.box.Limits or None
        Run every kernel in a sandbox of its own with these limits (secure mode); None runs
        them as the grader's user.
    template : KernelTemplate, optional
        A template started by another process (see ``template_for``) to fork kernels from,
        instead of one of this worker's own.
    """

    def __init__(self, kernel_name, folder, env, extra_arguments=(), modules=PREWARMED_MODULES,
                 startup_timeout=180.0, fork=True, limits=None, template=None):
        self.kernel_name = kernel_name
        self.folder = str(folder)
        self.env = env
        self.extra_arguments = list(extra_arguments)
        if not any(arg.startswith("--HistoryManager.hist_file") for arg in self.extra_arguments):
            self.extra_arguments.append("--HistoryManager.hist_file=:memory:")
        self.code = prelude(modules)
        self.startup_timeout = startup_timeout
        self.limits = limits
        self.sandbox_specs = None
        if limits is not None:
            from coursekit.grading.sandbox import box

            self.sandbox_specs = KernelSpecManager(kernel_dirs=[str(box.kernelspec(folder))])
        if not fork:
            template = None
        elif template is None:
            template = template_for(kernel_name, folder, env, modules, secure=limits is not None)
        self.template = template
        self._next = None  # the future of the next kernel: (WarmKernel, client, prelude's msg_id)
        self._launched = 0
        # launching a kernel (a sandbox's holder, the stand-in) and disposing of one (its sandbox)
        # take 0.1-0.2 s of waiting for other processes: done here, they stay off the notebooks' path
        self._launcher = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="kernel launcher")

    def prepare(self):
        """Start launching the next kernel, if none is warming up already."""
        if self._next is None:
            self._next = self._launcher.submit(self._launch)

    def take(self, cwd, warm_next=True):
        """Return a ``WarmKernel`` working in ``cwd``, and start warming the next one.

        ``warm_next`` False warms none: no job will follow (a later ``take`` starts one then).

        Raises
        ------
        KernelStartError
            When two kernels in a row fail to start.
        """
        for attempt in range(2):
            self._drop_dead_template()
            self.prepare()
            launched, self._next = self._next, None
            assert launched is not None  # prepare() just started it
            try:
                kernel, kc, msg_id = launched.result()
            except KernelStartError:
                if self.template is None or attempt:
                    raise
                self.template.close()  # a broken template: launch kernels the ordinary way
                self.template = None
                continue
            try:
                self._await(kernel, kc, msg_id)
                if self.limits is None:  # a sandboxed kernel already works in its own job folder
                    self._await(kernel, kc, kc.execute(f"__import__('os').chdir({str(cwd)!r})", silent=True,
                                                   store_history=False))
            except KernelStartError:
                kill(kernel)
                if attempt:
                    raise
                continue
            finally:
                kc.stop_channels()
            if warm_next:
                self.prepare()
            return kernel
        raise AssertionError("unreachable")

    def _drop_dead_template(self):
        """Launch kernels the ordinary way once the template has died.

        In-kernel mode a student's code can kill its kernel's parent, the template: the kernel
        warming up, forked from it, dies with it, and no kernel can be forked any more. Every
        later submission then gets a kernel started the ordinary way instead of none.
        """
        if self.template is None or self.template.alive():
            return
        self.template.close()
        self.template = None
        launched, self._next = self._next, None
        if launched is not None:
            self._launcher.submit(discard, launched)

    def release(self, kernel):
        """Kill a kernel at once, in the launcher's thread: nothing in it is worth a graceful shutdown.

        SIGKILL and reap, then jupyter_client's cleanup (connection files, control socket):
        its ``shutdown_kernel(now=True)`` interrupts the kernel first and then polls every
        0.1 s until it has gone, 0.1-0.2 s of every notebook's grading.
        """
        try:
            self._launcher.submit(dispose, kernel)
        except RuntimeError:  # closed already (the worker is going): here and now, then
            dispose(kernel)

    def close(self):
        """Kill the kernel warming up, if any, and the template (safe from any thread)."""
        launched, self._next = self._next, None
        try:  # after the kernels released so far are disposed of
            self._launcher.submit(close_event_loop)
        except RuntimeError:  # closed before
            pass
        self._launcher.shutdown(wait=True)
        if launched is not None and launched.exception() is None:
            kernel, kc, _ = launched.result()
            kc.stop_channels()
            kill(kernel)
        if self.template is not None:
            self.template.close()

    def _launch(self):
        env, cwd, box = {**self.env}, self.folder, None
        if self.limits is not None:
            from coursekit.grading.sandbox.box import SANDBOXED, Sandbox

            box = Sandbox(self.folder, self.limits)
            if self.template is not None:  # a fork of the template enters the sandbox
                try:
                    self.template.wait(self.startup_timeout)
                    box.hold()
                except BaseException as error:
                    box.close()
                    if isinstance(error, Exception):  # take() then falls back to unforked kernels
                        raise KernelStartError(f"no sandbox for a forked kernel: {error}") from error
                    raise
                name, specs = FORKED, self.template.specs
            else:
                name, specs = SANDBOXED, self.sandbox_specs
            km = AsyncKernelManager(kernel_name=name, kernel_spec_manager=specs,
                                    transport="ipc", connection_file=box.connection_file)
            env, cwd = box.environment(env), str(box.work)
        elif self.template is not None:
            self.template.wait(self.startup_timeout)
            km = AsyncKernelManager(kernel_name=FORKED, kernel_spec_manager=self.template.specs)
        else:
            km = AsyncKernelManager(kernel_name=self.kernel_name)
        log = Path(self.folder) / f"kernel-{os.getpid()}-{self._launched}.log"
        self._launched += 1
        try:
            with open(log, "wb") as stream:  # the launcher's own messages, quoted if it fails to start
                run_sync(km.start_kernel)(env={**env, "COURSEKIT_KERNEL_LOG": str(log)}, cwd=cwd,
                                          extra_arguments=self.extra_arguments,
                                          stdout=subprocess.DEVNULL, stderr=stream)
        except BaseException:
            if box is not None:
                box.close()
            raise
        kc = km.blocking_client()
        kc.start_channels()
        return WarmKernel(manager=km, log=log, sandbox=box), kc, kc.execute(self.code, silent=True,
                                                                            store_history=False)

    def _await(self, kernel, kc, msg_id):
        """Wait for the reply to ``msg_id``; raise if the kernel dies or never answers."""
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            try:
                reply = kc.get_shell_msg(timeout=1.0)
            except queue.Empty:
                if not run_sync(kernel.manager.is_alive)():
                    raise KernelStartError(f"the {self.kernel_name} kernel died while starting: "
                                           f"{last_words(kernel)}") from None
                continue
            if reply["parent_header"].get("msg_id") == msg_id:
                return reply
        raise KernelStartError(f"the {self.kernel_name} kernel did not start within "
                               f"{self.startup_timeout:g} s: {last_words(kernel)}")


def close_event_loop():
    """Close this thread's event loop, which jupyter_core's ``run_sync`` made: not left to the collector."""
    from jupyter_core.utils import ensure_event_loop

    ensure_event_loop().close()


def discard(launched):
    """Dispose of a kernel launched ahead of need and never handed out (``launched`` is its future)."""
    try:
        kernel, kc, _ = launched.result()
    except Exception:  # it never started: nothing to dispose of
        return
    kc.stop_channels()
    dispose(kernel)


def dispose(kernel):
    """Kill a kernel (SIGKILL, reaped), close its sandbox and let jupyter_client clean up."""
    kill(kernel)
    try:
        run_sync(kernel.manager.cleanup_resources)()
    except RuntimeError:
        pass


def last_words(kernel):
    """The end of what a kernel (or its launcher) wrote to its log."""
    try:
        text = Path(kernel.log).read_text(errors="replace").strip()
    except OSError:
        return "(no log)"
    return text[-400:] or "(nothing in its log)"


def kill(kernel):
    """Kill a kernel's process directly, remove its files and close its sandbox, without an event loop."""
    process = getattr(getattr(kernel.manager, "provisioner", None), "process", None)
    if process is not None and process.poll() is None:
        process.kill()
        process.wait(10)
    kernel.manager.cleanup_connection_file()
    Path(kernel.log).unlink(missing_ok=True)
    box, kernel.sandbox = kernel.sandbox, None
    if box is not None:
        box.close()


def worker_name():
    """Where this code runs, for the grading report: ``host:pid``."""
    return f"{os.uname().nodename}:{os.getpid()}"
