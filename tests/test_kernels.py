"""Prewarmed kernels: one template serves every worker, and a dead worker leaves no kernel behind."""

import json
import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest
from jupyter_core.utils import run_sync

from coursekit.grading.bootstrap.processes import zombie
from coursekit.grading.kernels.templates import template_for
from coursekit.grading.sandbox.box import processes_of

#: A worker stand-in: attaches to the shared template, takes a kernel, prints what the kernel
#: says of its process, then waits to be killed.
WORKER = textwrap.dedent("""
    import json, sys, tempfile
    from coursekit.grading.kernels.warm import WarmKernels, kernel_environment
    from coursekit.grading.kernels.templates import KernelTemplate

    template = KernelTemplate.attach(json.loads(sys.argv[1]))
    kernels = WarmKernels("python3", tempfile.mkdtemp(), kernel_environment(), template=template)
    kernel = kernels.take(tempfile.gettempdir())
    kc = kernel.manager.blocking_client()
    kc.start_channels()
    kc.execute_interactive("import os, sys; print(os.getpid(), os.getppid(), 'torch' in sys.modules)",
                           output_hook=lambda msg: msg["msg_type"] == "stream" and print(
                               msg["content"]["text"].strip(), flush=True))
    sys.stdin.read()
""")


#: A worker stand-in that takes a kernel and prints the kinds of output a figure's cell shows.
FIGURE = textwrap.dedent("""
    import json, sys, tempfile
    from coursekit.grading.kernels.warm import WarmKernels, kernel_environment
    from coursekit.grading.kernels.templates import KernelTemplate

    template = KernelTemplate.attach(json.loads(sys.argv[1]))
    kernels = WarmKernels("python3", tempfile.mkdtemp(), kernel_environment(), template=template)
    kernel = kernels.take(tempfile.gettempdir(), warm_next=False)
    kc = kernel.manager.blocking_client()
    kc.start_channels()
    shown = []
    kc.execute_interactive("import matplotlib.pyplot as plt; plt.plot([0, 1], [1, 0]); plt.show()",
                           output_hook=lambda msg: shown.extend(msg["content"].get("data", {})))
    print(json.dumps(shown), flush=True)
    kc.stop_channels()
    kernels.release(kernel)
    kernels.close()
""")


#: What this course's notebooks import, which its runs prewarm (``kernels.modules.notebook_modules``).
COURSE_MODULES = ("numpy", "torch", "matplotlib.pyplot")


def alive(pid):
    """Whether ``pid`` runs (a zombie does not)."""
    return os.path.exists(f"/proc/{pid}") and not zombie(pid)


def ask_for_kernel(template):
    """Start a worker stand-in on ``template``; return it and its kernel's (pid, ppid, torch loaded)."""
    worker = subprocess.Popen([sys.executable, "-c", WORKER, json.dumps(template.sharing())],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    pid, ppid, torch = worker.stdout.readline().split()
    return worker, int(pid), int(ppid), torch == "True"


def stop(*workers):
    """Kill worker stand-ins and close their pipes."""
    for worker in workers:
        worker.kill()
        worker.communicate()


@pytest.fixture
def template(tmp_path):
    """A template such as a grading run's coordinator starts for its workers."""
    from coursekit.grading.kernels.warm import kernel_environment

    started = template_for("python3", tmp_path, kernel_environment(), COURSE_MODULES, secure=False)
    started.wait(180)
    yield started
    started.close()
    assert not alive(started.pid)


def test_workers_fork_their_kernels_from_one_template(template):
    first, pid1, ppid1, torch1 = ask_for_kernel(template)
    second, pid2, ppid2, torch2 = ask_for_kernel(template)
    try:
        assert ppid1 == ppid2 == template.pid  # both kernels are children of the shared template
        assert pid1 != pid2 and torch1 and torch2  # each worker has a kernel of its own, prewarmed
    finally:
        stop(first, second)


def test_a_killed_worker_leaves_no_kernel_behind(template):
    worker, kernel, _, _ = ask_for_kernel(template)
    bystander, other, _, _ = ask_for_kernel(template)
    try:
        worker.send_signal(signal.SIGKILL)
        worker.wait()  # its stand-in, orphaned, still holds the kernel's connection to the template
        deadline = time.monotonic() + 20
        while alive(kernel) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not alive(kernel), "the template kept the dead worker's kernel running"
        assert alive(other), "the template killed another worker's kernel"
    finally:
        stop(worker, bystander)


def test_template_closed_by_its_starter_kills_its_kernels(template):
    worker, kernel, _, _ = ask_for_kernel(template)
    try:
        template.close()
        deadline = time.monotonic() + 20
        while alive(kernel) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not alive(kernel)
    finally:
        stop(worker)


def test_a_zombie_is_not_a_live_process_of_its_uid():
    pid = os.fork()
    if pid == 0:
        os._exit(0)
    try:
        deadline = time.monotonic() + 10
        while not zombie(pid) and time.monotonic() < deadline:
            time.sleep(0.01)
        assert zombie(pid)
        assert pid not in processes_of(os.getuid())
        assert os.getpid() in processes_of(os.getuid())
    finally:
        os.waitpid(pid, 0)
    assert not zombie(pid)


def test_iri_grammar_is_built_on_first_use_only():
    code = textwrap.dedent("""
        import sys, time
        import coursekit
        assert "rfc3987_syntax" not in sys.modules, "importing coursekit patched the process"
        from coursekit import speedups
        speedups.apply()
        import nbformat
        from jsonschema import Draft7Validator
        assert "lark" not in sys.modules, "the IRI grammar was built at import"
        validator = Draft7Validator({"format": "iri"}, format_checker=Draft7Validator.FORMAT_CHECKER)
        assert validator.is_valid("https://example.org/caf\\u00e9")
        assert not validator.is_valid("https://exa mple.org/")
        assert "lark" in sys.modules
    """)
    subprocess.run([sys.executable, "-c", code], check=True)


def test_the_last_job_of_a_worker_warms_no_kernel_after_it(template, tmp_path):
    from coursekit.grading.kernels.templates import KernelTemplate
    from coursekit.grading.kernels.warm import WarmKernels, kernel_environment

    kernels = WarmKernels("python3", tmp_path, kernel_environment(),
                          template=KernelTemplate.attach(template.sharing()))
    try:
        first = kernels.take(str(tmp_path))
        assert kernels._next is not None  # more jobs may follow: the next kernel warms already
        kernels.release(first)
        last = kernels.take(str(tmp_path), warm_next=False)
        assert kernels._next is None  # none follows: no kernel started for nothing
        kernels.release(last)
        again = kernels.take(str(tmp_path), warm_next=False)  # a job after all (a retry): started then
        assert run_sync(again.manager.is_alive)()
        kernels.release(again)
    finally:
        kernels.close()


def test_a_forked_kernel_shows_its_figures_inline(template):
    """The template imported matplotlib.pyplot; the kernel still gets the inline backend, its own."""
    shown = subprocess.run([sys.executable, "-c", FIGURE, json.dumps(template.sharing())],
                           capture_output=True, text=True, timeout=120)
    assert "image/png" in json.loads(shown.stdout.strip().splitlines()[-1]), shown.stderr[-2000:]


def test_a_kernel_that_kills_the_template_leaves_later_kernels_working(template, tmp_path):
    """In-kernel mode, student code that kills its parent kills the template: later kernels still start."""
    from coursekit.grading.kernels.templates import KernelTemplate
    from coursekit.grading.kernels.warm import WarmKernels, kernel_environment

    kernels = WarmKernels("python3", tmp_path, kernel_environment(),
                          template=KernelTemplate.attach(template.sharing()))
    try:
        first = kernels.take(str(tmp_path))
        kernels._next.result()  # the next kernel is forked from the template before it dies
        os.kill(template.pid, signal.SIGKILL)  # what ``os.kill(os.getppid(), ...)`` in the kernel does
        deadline = time.monotonic() + 30
        while alive(template.pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        kernels.release(first)
        later = kernels.take(str(tmp_path), warm_next=False)  # before: KernelStartError, every time
        assert run_sync(later.manager.is_alive)()
        assert kernels.template is None  # later kernels start the ordinary way
        kernels.release(later)
    finally:
        kernels.close()
