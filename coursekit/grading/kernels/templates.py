"""Kernel templates: one process imports the heavy modules once, and kernels are forks of it.

A template runs ``zygote.py serve``; the kernelspec it writes runs a stand-in
(``zygote.py stand-in``) that asks it for a kernel. A local grading run starts
one template for all its workers (``coursekit grade`` starts it before anything
else, see ``warm.early_template``); a worker without one starts its own.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

from coursekit.grading.bootstrap.processes import zombie

#: Modules that must be imported in a running kernel, never by the template: they look for IPython.
#: (``matplotlib.pyplot`` is not one: it resolves its backend, the inline one, at a kernel's first
#: figure, and importing it took every kernel half a second of CPU.)
KERNEL_ONLY = ("IPython", "ipykernel", "ipywidgets", "matplotlib_inline", "tqdm", "coursekit")
ZYGOTE = str(Path(__file__).parent.parent / "bootstrap" / "zygote.py")
FORKED = "coursekit-forked"


class KernelStartError(RuntimeError):
    """A kernel did not start, or died before it was ready."""


def forked_modules(modules):
    """Of ``modules``, those the template imports before forking (they know nothing of IPython)."""
    return tuple(name for name in modules
                 if not any(name == own or name.startswith(own + ".") for own in KERNEL_ONLY))


def forkable(kernel_name):
    """Whether ``kernel_name`` is this interpreter's ipykernel, which a template can fork."""
    try:
        argv = KernelSpecManager().get_kernel_spec(kernel_name).argv
    except NoSuchKernel:
        return False
    # jupyter_client runs a kernelspec's "python" as sys.executable, as it does for the native kernel
    pythons = {"python", f"python{sys.version_info[0]}", "python{}.{}".format(*sys.version_info[:2])}
    return (len(argv) > 2 and argv[1:3] == ["-m", "ipykernel_launcher"]
            and (argv[0] in pythons or os.path.realpath(argv[0]) == os.path.realpath(sys.executable)))


class KernelTemplate:
    """A template process that forks kernels, and the kernelspec whose stand-in asks it for one.

    One template serves every worker of a local run: the coordinator starts it (``start``)
    while the workers start, and each worker attaches to it (``attach``); a worker without a
    shared one (a Dask worker) starts its own.

    Parameters
    ----------
    folder : Path
        The template's folder (socket, kernelspec, log).
    pid : int
        The template's process id.
    process : subprocess.Popen or None
        The template's process, when this process started it (and so stops it).
    """

    def __init__(self, folder, pid, process=None, own_folder=False):
        self.folder = str(folder)
        self.address = str(Path(folder) / "template.sock")
        self.log = Path(folder) / "template.log"
        self.pid = pid
        self.process = process
        self.own_folder = own_folder
        self.specs = KernelSpecManager(kernel_dirs=[str(Path(folder) / "kernelspecs")])

    @classmethod
    def start(cls, folder, env, modules=(), more=False):
        """Start a template that imports ``modules`` under ``env``.

        ``folder`` None makes a folder of its own, removed by ``close``. With ``more``, the
        template waits, after importing ``modules``, for ``import_more`` to name the rest.
        """
        own = folder is None
        folder = Path(tempfile.mkdtemp(prefix="coursekit-template-") if own else folder)
        with open(folder / "template.log", "wb") as log:
            process = subprocess.Popen(
                [sys.executable, "-I", ZYGOTE, "serve", str(folder / "template.sock"), str(os.getpid()),
                 *(["--more"] if more else []), *modules],
                env=env, cwd=folder, stdin=subprocess.PIPE if more else subprocess.DEVNULL,
                stdout=log, stderr=log, start_new_session=True)
        specs = folder / "kernelspecs"
        (specs / FORKED).mkdir(parents=True)
        (specs / FORKED / "kernel.json").write_text(json.dumps({
            "argv": [sys.executable, "-I", ZYGOTE, "stand-in", str(folder / "template.sock"),
                     "--", "-f", "{connection_file}"],
            "display_name": "Python 3 (forked by coursekit)", "language": "python",
            "interrupt_mode": "signal", "metadata": {}}))
        return cls(folder, process.pid, process, own_folder=own)

    def import_more(self, modules):
        """Name the modules a template started with ``more`` imports before it forks kernels."""
        if self.process is not None and self.process.stdin is not None and not self.process.stdin.closed:
            try:
                with self.process.stdin as stream:
                    stream.write((json.dumps(list(modules)) + "\n").encode())
            except BrokenPipeError:  # the template died: wait() says why
                pass

    @classmethod
    def attach(cls, shared):
        """A handle on a template another process started (``shared`` is its ``sharing()``)."""
        return cls(shared["folder"], shared["pid"])

    def sharing(self):
        """What another process needs to ``attach`` to this template (picklable)."""
        return {"folder": self.folder, "pid": self.pid}

    def alive(self):
        """Whether the template process is still running."""
        if self.process is not None:
            return self.process.poll() is None
        return os.path.exists(f"/proc/{self.pid}") and not zombie(self.pid)

    def wait(self, timeout, cancelled=None):
        """Wait until the template listens; raise ``KernelStartError`` if it dies or is too slow.

        ``cancelled``, a ``threading.Event``, once set, ends the wait with a ``KernelStartError`` too.
        """
        deadline = time.monotonic() + timeout
        while not os.path.exists(self.address):
            if cancelled is not None and cancelled.is_set():
                raise KernelStartError("waiting for the kernel template was cancelled")
            if not self.alive() or time.monotonic() > deadline:
                text = self.log.read_text(errors="replace").strip()[-400:]
                raise KernelStartError(f"the kernel template did not start: {text or 'no output'}")
            time.sleep(0.05)

    def close(self):
        """Stop the template if this process started it; it kills the kernels it forked."""
        if self.process is not None:
            if self.process.stdin is not None:
                self.process.stdin.close()
            if self.process.poll() is None:
                self.process.terminate()
                try:
                    self.process.wait(10)
                except subprocess.TimeoutExpired:
                    self.process.kill()
                    self.process.wait()
        if self.own_folder:
            shutil.rmtree(self.folder, ignore_errors=True)


def template_for(kernel_name, folder, env, modules, secure):
    """Start a template for kernels of ``kernel_name`` in ``folder``; None if it cannot fork them."""
    if not forkable(kernel_name):
        return None
    return KernelTemplate.start(folder, template_environment(env, secure), forked_modules(modules))


def template_environment(env, secure):
    """The environment a template runs in: in secure mode, what a sandbox's kernel would get.

    Then nothing of the grader's environment is in the memory the kernels inherit
    (``sandbox.box.template_environment``).
    """
    if secure:
        from coursekit.grading.sandbox import box

        return box.template_environment(env)
    return env
