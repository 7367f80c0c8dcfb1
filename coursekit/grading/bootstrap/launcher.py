"""The sandboxed kernel's launcher: limits, then bubblewrap, then an unprivileged kernel.

jupyter_client runs this file (``python -I launcher.py CONNECTION_FILE
[ARGS...]``, the kernelspec ``sandbox.box.kernelspec`` writes; the arguments are
added to the sandboxed command) as root, outside
the sandbox, with the sandbox's settings as JSON in ``COURSEKIT_SANDBOX``.
It puts itself into the job's cgroups (memory, pids, cpu) where the machine
has them, sets the resource limits (CPU time, file size, processes per uid,
and address space when no memory cgroup holds the job), hands the files
named in ``chown`` (the connection file) to the job's uid, and execs ``bwrap`` with the command line that
``sandbox.box.bwrap_command`` built. Whatever the kernel then starts inherits all
of it. The file imports only the standard library so that it starts fast.

``enter`` is the other way into a sandbox, for kernels forked from a template
(``zygote``) that imported the heavy modules once: the worker has started the
job's sandbox around a process that only holds it (``Sandbox.hold``); the
forked child joins the job's cgroups, sets the same rlimits, enters the
holder's namespaces (mount, network, ipc, uts, cgroup, pid) with ``setns``,
and forks the kernel inside, which drops to the job's uid with no
capabilities, no supplementary groups and ``no_new_privs`` before any code of
the submission runs.
"""

import ctypes
import json
import os
import resource
import signal
import sys

#: The namespaces a forked kernel enters, the mount namespace last (it changes what /proc shows).
NAMESPACES = ("ipc", "uts", "net", "cgroup", "pid", "mnt")
PR_SET_DUMPABLE = 4
PR_SET_NO_NEW_PRIVS = 38


def join_cgroups(folders):
    """Move this process into every cgroup folder of the job (written by the worker)."""
    for folder in folders:
        with open(os.path.join(folder, "cgroup.procs"), "w") as stream:
            stream.write(str(os.getpid()))


def set_limits(limits):
    """Set the rlimits named in ``limits`` (name -> soft and hard value)."""
    for name, value in limits.items():
        resource.setrlimit(getattr(resource, name), (value, value))


def close_inherited():
    """Close every descriptor above 2 but the read-only regular files the template's libraries hold.

    Those (matplotlib's fonts, held open by FreeType) are files of the environment that the sandbox
    shows read-only anyway, and their owners close them later: closing them here would let a
    later file reuse the number and be closed under its new owner. Anything else (a socket, a pipe,
    a file open for writing) would be a way out of the sandbox.
    """
    import fcntl
    import stat

    for fd in sorted(map(int, os.listdir("/proc/self/fd"))):
        if fd <= 2:
            continue
        try:
            kind = os.fstat(fd).st_mode
            read_only = fcntl.fcntl(fd, fcntl.F_GETFL) & os.O_ACCMODE == os.O_RDONLY
        except OSError:  # the descriptor listing /proc/self/fd, gone already
            continue
        if not (stat.S_ISREG(kind) and read_only):
            os.close(fd)


def enter(settings):
    """In a child forked as root: enter the job's sandbox; return in the kernel, never in the child.

    The child joins the cgroups, sets the rlimits, enters the namespaces of the holder
    (``settings["holder"]``, its pid) and forks; the kernel drops to the job's uid and
    returns to become the kernel, while the child waits for it, passes on every signal it gets,
    and exits as the kernel exits.
    """
    join_cgroups(settings["cgroups"])
    set_limits(settings["rlimits"])
    for path in settings["chown"]:
        os.chown(path, settings["uid"], settings["gid"])
    libc = ctypes.CDLL(None, use_errno=True)
    holder = settings["holder"]
    opened = {}
    for name in NAMESPACES:
        try:
            opened[name] = os.open(f"/proc/{holder}/ns/{name}", os.O_RDONLY)
        except FileNotFoundError:  # a kernel without cgroup namespaces
            if name != "cgroup":
                raise
    for name, fd in opened.items():
        if libc.setns(fd, 0) != 0:
            raise OSError(ctypes.get_errno(), f"setns into the sandbox's {name} namespace failed")
        os.close(fd)
    kernel = os.fork()  # the first process in the sandbox's pid namespace
    if kernel:
        for number in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT, signal.SIGUSR1,
                       signal.SIGUSR2):
            signal.signal(number, lambda received, _: os.kill(kernel, received))
        _, status = os.waitpid(kernel, 0)
        if os.WIFSIGNALED(status):  # die as the kernel died, so that the stand-in reports it
            signal.signal(os.WTERMSIG(status), signal.SIG_DFL)
            os.kill(os.getpid(), os.WTERMSIG(status))
        os._exit(os.waitstatus_to_exitcode(status) if os.WIFEXITED(status) else 1)
    os.chdir(settings["cwd"])
    close_inherited()
    os.setgroups([])
    os.setresgid(settings["gid"], settings["gid"], settings["gid"])
    os.setresuid(settings["uid"], settings["uid"], settings["uid"])
    if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "no_new_privs could not be set")
    libc.prctl(PR_SET_DUMPABLE, 1, 0, 0, 0)  # its own /proc entries, as after an exec by its uid
    if os.getuid() == 0 or os.geteuid() == 0:
        raise PermissionError("the kernel still runs as root")


def main(argv):
    settings = json.loads(os.environ["COURSEKIT_SANDBOX"])
    join_cgroups(settings["cgroups"])
    set_limits(settings["rlimits"])
    for path in settings["chown"]:
        os.chown(path, settings["uid"], settings["gid"])
    env = {key: value for key, value in os.environ.items() if key in settings["pass_env"]}
    env.update(settings["env"])
    command = [*settings["command"], *argv]
    os.execve(command[0], command, env)


if __name__ == "__main__":
    main(sys.argv[1:])
