"""Kernels forked from a template process that has imported the heavy modules once.

Starting a Python kernel and importing torch costs seconds of CPU per
submission; on a machine whose cores are all grading, that is time taken
from grading. A grading run therefore starts one *template* process (``serve``)
that imports ipykernel, numpy and torch and then waits; each kernel is a
``fork`` of it, which starts in milliseconds with those modules already in
memory, and is then a new process with its own fresh state: fresh random
seeds, its own session, its own ipykernel application started after the fork.

jupyter_client must see an ordinary process it launched, so the kernelspec
runs a *stand-in* (``stand_in``): a small process that asks the template for a
kernel, relays every signal jupyter_client sends (interrupt, terminate) to the
real kernel, and exits with the kernel's exit status (``os._exit(3)`` in a
student's code shows as exit code 3). If the stand-in is killed, or the worker
that launched it dies, the template kills its kernel; if the process that
started the template dies, the template kills all its kernels and exits;
kernels also exit when the template is gone (ipykernel's parent poller).

This file runs by path (``python -I zygote.py ...``) and imports only the
standard library, so that the stand-in starts fast; it loads its neighbours in this
folder (``processes``, ``launcher``) by path.
"""

import importlib
import json
import os
import select
import signal
import socket
import sys


def serve(address, parent, modules, more=False):
    """Import ``modules`` and fork kernels on request until ``parent`` exits.

    With ``more``, a JSON list of further modules is read from standard input, once
    ``modules`` are imported (an empty input names none).
    """
    os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")  # as ipykernel sets
    _import(modules)
    if more:
        line = sys.stdin.readline()
        _import(json.loads(line) if line.strip() else [])
    warm_up()
    importlib.import_module("ipykernel.kernelapp")
    # every IPythonKernel imports its debugger (and debugpy with it) as it starts: 0.1 s a kernel
    _import(["ipykernel.debugger"])
    _launcher()
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(address)
    server.listen(8)
    kernels: dict[int, socket.socket] = {}  # pid -> the stand-in's connection
    owners: dict[int, int] = {}  # pid -> the process that asked
    template = os.getpid()

    def stop(*_):
        if os.getpid() == template:  # a kernel forked a moment ago has not reset this handler yet
            for pid in [*kernels, *owners]:
                signal_quietly(pid, signal.SIGKILL)
            os._exit(0)  # nothing to flush; tearing torch down would only take time

    signal.signal(signal.SIGTERM, stop)
    try:
        _serve(server, parent, kernels, owners)
    finally:
        if os.getpid() == template:
            for pid in [*kernels, *owners]:
                signal_quietly(pid, signal.SIGKILL)


def _import(modules):
    for name in modules:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: S112 -- a module the kernel cannot import either: the notebook will say
            continue


def warm_up():
    """Pay once, before any fork, what a notebook's first optimizer step and first figure cost.

    Neither draws a random number (the kernels' random states stay untouched) and
    the tensors are far too small for torch to start its thread pool. The optimizer step is
    taken only when ``torch._dynamo`` was asked for (notebooks that import torch): an
    optimizer imports it, seconds of CPU that a notebook without torch never pays.
    """
    if "torch._dynamo" in sys.modules:
        import torch

        weight = torch.ones(2, requires_grad=True)
        optimizer = torch.optim.SGD([weight], lr=0.1)
        (weight * weight).sum().backward()
        optimizer.step()
    if "matplotlib" in sys.modules:
        import io

        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        figure = Figure()
        axes = figure.subplots()
        axes.plot([0, 1], [1, 0], label="$x$")
        axes.legend()
        figure.colorbar(axes.imshow([[0, 1], [1, 0]]), ax=axes)
        FigureCanvasAgg(figure).print_png(io.BytesIO())


def _serve(server, parent, kernels, owners):
    while os.getppid() == parent:
        for pid, owner in list(owners.items()):  # a worker that died leaves no kernel behind
            if not alive(owner):
                signal_quietly(pid, signal.SIGKILL)
                del owners[pid]
        ready, _, _ = select.select([server, *kernels.values()], [], [], 0.2)
        for connection in ready:
            if connection is server:
                stand_in, _ = server.accept()
                try:
                    with stand_in.makefile("r") as stream:  # closed now: the socket owns its fd alone
                        request = json.loads(stream.readline())
                except ValueError:  # a stand-in that died before asking
                    stand_in.close()
                    continue
                if "judge" in request:  # the coordinator's trusted judge: it talks to it directly
                    pid = os.fork()
                    if pid == 0:
                        judge(request, stand_in, [server, *kernels.values()])
                    owners[pid] = request["owner"]
                    stand_in.close()
                    continue
                pid = os.fork()
                if pid == 0:
                    kernel(request, [server, stand_in, *kernels.values()])
                kernels[pid] = stand_in
                if request.get("owner"):
                    owners[pid] = request["owner"]
                stand_in.sendall(f"{pid}\n".encode())
            else:
                pid = next(p for p, c in kernels.items() if c is connection)
                signal_quietly(pid, signal.SIGKILL)  # the stand-in is gone: so goes its kernel
        _reap(kernels, owners)


def _reap(kernels, owners):
    """Tell each finished kernel's stand-in how it ended (and reap a finished judge)."""
    while kernels or owners:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        connection = kernels.pop(pid, None)
        owners.pop(pid, None)
        if connection is not None:
            ending = (f"signal {os.WTERMSIG(status)}" if os.WIFSIGNALED(status)
                      else f"exit {os.WEXITSTATUS(status)}")
            try:
                connection.sendall(f"{ending}\n".encode())
            except OSError:
                pass
            connection.close()


def kernel(request, inherited):
    """In the forked child: become a fresh kernel as the stand-in's command line asks.

    When the request carries sandbox settings (``COURSEKIT_SANDBOX``, secure mode), the child
    first enters the job's sandbox (``launcher.enter``) and the kernel runs there as the
    job's unprivileged uid, with the sandbox's environment only.
    """
    try:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        for connection in inherited:
            connection.close()
        os.setsid()
        env = dict(request["env"])
        path = env.pop("COURSEKIT_KERNEL_LOG", os.devnull)
        sandboxed = env.pop("COURSEKIT_SANDBOX", None)
        log = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.dup2(log, 1)
        os.dup2(log, 2)
        os.close(log)
        os.close(null)
        if sandboxed:
            settings = json.loads(sandboxed)
            _launcher().enter({**settings, "cwd": request["cwd"]})
            env = {key: value for key, value in env.items() if key in settings["pass_env"]}
            env.update(settings["env"])
            sys.path[:0] = env.get("PYTHONPATH", "").split(os.pathsep)
            sys.dont_write_bytecode = True
        else:
            os.chdir(request["cwd"])
            env["JPY_PARENT_PID"] = str(os.getppid())
            # as a kernel that nbgrader starts would (the template itself runs isolated, ``-I``)
            sys.path[:0] = [entry for entry in env.get("PYTHONPATH", "").split(os.pathsep) if entry]
        os.environ.clear()
        os.environ.update(env)
        for name in ("numpy", "torch"):  # the template's seeds must not be every kernel's
            if name in sys.modules:
                sys.modules[name].random.seed()
        from ipykernel.kernelapp import IPKernelApp

        # ipykernel read JPY_PARENT_PID when the template imported it: name the parent explicitly,
        # so that the kernel exits when the template is gone (a sandboxed kernel cannot see its
        # parent; the sandbox ends it)
        argv = list(request["argv"])
        if not sandboxed:
            argv.append(f"--IPKernelApp.parent_handle={os.getppid()}")
        IPKernelApp.launch_instance(argv=argv)
    except BaseException:  # noqa: B036 -- a forked child must never return into the template's loop
        import traceback

        traceback.print_exc()
        os._exit(1)
    os._exit(0)


def judge(request, connection, inherited):
    """In the forked child: the coordinator's trusted judge (``coursekit.grading.trusted.judge.serve``).

    It is never a kernel and never in a sandbox; it has the template's modules (torch...)
    in memory, and ``connection``, which only the coordinator holds, is its only channel.
    """
    try:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        for other in inherited:
            other.close()
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.close(null)
        from multiprocessing.connection import Connection

        served = Connection(connection.detach())
        # the course's own coursekit and reference, wherever the coordinator imports them from (this
        # process runs isolated, ``-I``, so it would otherwise find only the installed ones)
        sys.path[:0] = request.get("path", [])
        importlib.import_module("coursekit.grading.trusted.judge").serve(served, request["judge"])
    except BaseException:  # noqa: B036 -- a forked child must never return into the template's loop
        import traceback

        traceback.print_exc()
        os._exit(1)
    os._exit(0)


def _sibling(name):
    """The module ``name`` of this folder, loaded by path as this file runs by path."""
    key = f"coursekit_bootstrap_{name}"
    if key not in sys.modules:
        import importlib.util

        spec = importlib.util.spec_from_file_location(
            key, os.path.join(os.path.dirname(os.path.abspath(__file__)), f"{name}.py"))
        if spec is None or spec.loader is None:
            raise ImportError(f"no {name}.py beside {__file__}")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        sys.modules[key] = module
    return sys.modules[key]


def _launcher():
    """The sandbox's launcher (``launcher.py`` beside this file)."""
    return _sibling("launcher")


_processes = _sibling("processes")
alive, signal_quietly = _processes.alive, _processes.signal_quietly


def stand_in(address, argv):
    """Ask the template for a kernel, relay signals to it, and exit as it exits."""
    connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    connection.connect(address)
    request = {"argv": argv, "env": dict(os.environ), "cwd": os.getcwd(), "owner": os.getppid()}
    connection.sendall((json.dumps(request) + "\n").encode())
    replies = connection.makefile("r")
    pid = int(replies.readline())
    for number in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT, signal.SIGUSR1,
                   signal.SIGUSR2):
        signal.signal(number, lambda received, _: signal_quietly(pid, received))
    kind, _, value = replies.readline().partition(" ")
    if kind == "signal":
        signal.signal(int(value), signal.SIG_DFL)
        os.kill(os.getpid(), int(value))
    sys.exit(int(value) if kind == "exit" else 1)


if __name__ == "__main__":
    if sys.argv[1] == "serve":
        serve(sys.argv[2], int(sys.argv[3]), [m for m in sys.argv[4:] if m != "--more"],
              more="--more" in sys.argv[4:])
    else:
        stand_in(sys.argv[2], sys.argv[sys.argv.index("--") + 1:])
