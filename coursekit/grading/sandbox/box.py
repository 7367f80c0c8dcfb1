"""Sandboxed kernels: bubblewrap, an unprivileged uid per job, no network, limits.

Secure mode runs every submission's kernel in a sandbox of its own:

- **bubblewrap** (``bwrap``, Debian package ``bubblewrap``) gives it new
  mount, pid, network, ipc and uts namespaces. Its filesystem is an
  allow-list of read-only binds: ``/usr`` (and the ``/bin``, ``/lib``
  links), ``/etc``, the Python interpreter, the virtual environment, and
  the ``coursekit`` package alone at ``/opt/coursekit`` (never the course
  directory: ``reference``, ``source/``, ``release/``, the gradebook and the
  other students' files do not exist there). The job folder is the only
  writable bind, and the sandbox's ``/tmp`` is a folder in it; the job
  folder is a size-limited tmpfs (``sandbox.quota``), so everything the
  kernel can write is bounded in total. The network namespace
  has no interface but loopback; the kernel talks to the grader over ipc
  sockets in the job folder.
- **An unprivileged uid per job slot** (``BASE_UID + slot``, held with a lock
  file for as long as the kernel lives): ``setpriv`` drops to it with no
  capabilities, no supplementary groups and ``no_new_privs``.
- **Limits**: cgroup v2 or v1 ``memory``, ``pids`` and ``cpu`` (one core) per
  job where the machine lets root create cgroups; rlimits otherwise (address
  space) and always (CPU seconds, file size, processes of the uid, no core
  files). Wall time is the engine's cell timeout; printed output is cut by
  ``worker.execute.GradingExecute``.

A kernel forked from a worker's template enters the sandbox instead of being
started by it: ``Sandbox.hold`` has bwrap build the sandbox around a process
that only holds it, and ``bootstrap.launcher.enter`` moves the fork in.

After a job, ``Sandbox.close`` kills every process in the job's cgroups and
every process of its uid, removes the cgroups and the job folder, and frees
the slot: nothing survives from one submission to the next.
``sandbox.probe`` checks that all this works on the machine.
"""

import fcntl
import json
import os
import shutil
import signal
import sys
import time
from pathlib import Path

import coursekit
from coursekit.grading.bootstrap.processes import zombie
from coursekit.grading.sandbox import quota

LAUNCHER = str(Path(__file__).parent.parent / "bootstrap" / "launcher.py")
SANDBOXED = "coursekit-sandboxed"
#: uids of the job slots: BASE_UID, BASE_UID + 1, ... (no account needs to exist).
BASE_UID = 61000
SLOTS = 128
STATE = Path("/run/coursekit-sandbox")
#: Where the coursekit package appears inside the sandbox (on PYTHONPATH there).
PACKAGE_ROOT = "/opt/coursekit"
#: Environment variables a kernel inherits from the grader; the rest is dropped.
PASS_ENV = ("LANG", "LC_ALL", "OMP_NUM_THREADS", "NBGRADER_EXECUTION", "PYTHONWARNINGS", "MPLBACKEND",
            "JPY_SESSION_NAME")


#: The sandbox's own environment variables (the launcher adds PATH and COURSEKIT_EXPORT).
STATIC_ENV = {"HOME": "/tmp", "USER": "student", "LOGNAME": "student", "PYTHONPATH": PACKAGE_ROOT,
              "PYTHONDONTWRITEBYTECODE": "1", "MPLCONFIGDIR": "/tmp/matplotlib", "IPYTHONDIR": "/tmp/ipython"}


class SandboxError(RuntimeError):
    """No working sandbox: secure grading cannot run here."""


def _ancestors(path):
    """The folders above ``path``, outermost first (``/`` excluded)."""
    parts = Path(path).parts[1:-1]
    return ["/" + "/".join(parts[:i]) for i in range(1, len(parts) + 1)]


def bwrap_command(job, uid, limits, python=None, info_fd=None):
    """The command line that runs a kernel for the job folder ``job`` in the sandbox.

    The connection file and the kernel's arguments follow it (the launcher adds them).
    With ``info_fd``, the command instead only holds the sandbox for a forked kernel to enter:
    bwrap writes its pid to that descriptor, and the holder prints ``ready`` once the sandbox
    is complete.
    """
    python = python or os.path.join(sys.prefix, "bin", "python")
    interpreter = os.path.realpath(sys.base_prefix)
    venv = os.path.realpath(sys.prefix)
    package = os.path.dirname(os.path.realpath(coursekit.__file__))
    command = ["/usr/bin/bwrap", "--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts",
               "--unshare-cgroup-try", "--die-with-parent", "--cap-drop", "ALL",
               "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID", "--cap-add", "CAP_SETPCAP",
               "--ro-bind", "/usr", "/usr", "--ro-bind", "/etc", "/etc",
               "--proc", "/proc", "--dev", "/dev", "--bind", str(Path(job) / "tmp"), "/tmp"]
    for name in ("bin", "sbin", "lib", "lib64", "lib32", "libx32"):
        target = f"/{name}"
        if os.path.islink(target):
            command += ["--symlink", os.readlink(target), target]
    made = {"/usr", "/etc", "/proc", "/dev", "/tmp"}
    binds = [("--ro-bind", interpreter, interpreter), ("--ro-bind", venv, venv),
             ("--ro-bind", package, f"{PACKAGE_ROOT}/coursekit"), ("--bind", str(job), str(job))]
    for kind, source, target in binds:
        if any(target == m or target.startswith(m + "/") for m in ("/usr", "/etc")):
            continue
        for folder in _ancestors(target):
            if folder not in made and not any(folder.startswith(m + "/") for m in ("/usr", "/etc")):
                command += ["--perms", "0755", "--dir", folder]
                made.add(folder)
        command += [kind, source, target]
        made.add(target)
    if info_fd is not None:
        command += ["--info-fd", str(info_fd)]
    command += ["--chdir", str(Path(job) / "work"), "--",
                "/usr/bin/setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups", "--no-new-privs",
                "--inh-caps=-all", "--bounding-set=-all", "--"]
    if info_fd is not None:
        return [*command, "/bin/sh", "-c", "echo ready; exec sleep infinity"]
    # an intermediate parent: ipykernel exits when its parent is pid 1
    return [*command, "/bin/sh", "-c", '"$0" -m ipykernel_launcher -f "$@"; exit $?', python]


def template_environment(env):
    """The environment of a template that forks sandboxed kernels: what a sandbox would get.

    Nothing else of the grader's environment may reach memory that the kernels inherit.
    """
    return {**{key: env[key] for key in PASS_ENV if key in env}, **STATIC_ENV,
            "PATH": f"{os.path.join(os.path.realpath(sys.prefix), 'bin')}:/usr/bin:/bin"}


def kernelspec(folder):
    """Write the kernelspec whose kernels the launcher starts in a sandbox; return its folder."""
    specs = Path(folder) / "kernelspecs"
    (specs / SANDBOXED).mkdir(parents=True, exist_ok=True)
    (specs / SANDBOXED / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-I", LAUNCHER, "{connection_file}"],
        "display_name": "Python 3 (sandboxed by coursekit)", "language": "python",
        # bwrap does not pass signals on: ask the kernel itself to interrupt
        "interrupt_mode": "message", "metadata": {}}))
    return specs


def cgroup_roots():
    """The cgroup folders a job may be put under, by controller; empty when root cannot create them.

    cgroup v2 when its ``memory`` and ``pids`` controllers are enabled, else v1 ``memory``,
    ``pids`` and ``cpu`` hierarchies that root can write.
    """
    v2 = Path("/sys/fs/cgroup")
    controllers = (v2 / "cgroup.controllers")
    if controllers.exists() and {"memory", "pids"} <= set(controllers.read_text().split()):
        return {"v2": v2}
    found = {}
    for name in ("memory", "pids", "cpu"):
        folder = v2 / name
        if (folder / "cgroup.procs").exists() and os.access(folder, os.W_OK):
            found[name] = folder
    return found if {"memory", "pids"} <= set(found) else {}


def _write(path, value):
    with open(path, "w") as stream:
        stream.write(str(value))


class Sandbox:
    """One kernel's sandbox: a job slot (uid), a job folder and its cgroups.

    Parameters
    ----------
    parent : Path
        Where the job folder is made (the worker's folder; root's, mode 0700 above it is fine:
        the sandbox sees only the job folder, bound at the same path).
    limits : Limits
        What the kernel may use.

    Attributes
    ----------
    job : Path
        The job folder, bound read-write at the same path inside the sandbox: ``ipc/``
        (connection file and sockets), ``work/`` (the notebook's files, the kernel's working
        folder), ``exports/`` (what ``coursekit.check`` exports), ``tmp/`` (the sandbox's
        ``/tmp``). The job folder itself is root's, so the kernel cannot replace those folders
        with links; it is a tmpfs of ``limits.disk_bytes`` bytes (``sandbox.quota``).
    """

    def __init__(self, parent, limits):
        self.limits = limits
        self.slot, self._lock = _take_slot()
        self.uid = BASE_UID + self.slot
        self.job = Path(parent) / f"job-{self.slot}-{os.getpid()}-{time.monotonic_ns()}"
        self.job.mkdir(mode=0o755)
        quota.release_stale(self._lock)
        quota.claim(self._lock, self.job)
        try:
            quota.mount(self.job, limits.disk_bytes, limits.disk_files)
        except OSError as error:
            self.job.rmdir()
            self._lock.close()
            raise SandboxError(str(error)) from None
        os.chmod(self.job, 0o755)
        for name, mode in (("ipc", 0o700), ("work", 0o711), ("exports", 0o700), ("tmp", 0o1777)):
            (self.job / name).mkdir(mode=mode)
            os.chmod(self.job / name, mode)
            os.chown(self.job / name, self.uid, self.uid)
        self.connection_file = str(self.job / "ipc" / "kernel.json")
        self.cgroups = self._make_cgroups()
        self.holder, self._holder = None, None

    @property
    def work(self):
        """The kernel's working folder."""
        return self.job / "work"

    @property
    def exports(self):
        """The folder ``coursekit.check`` writes observations into."""
        return self.job / "exports"

    def disk_note(self):
        """A note for the outcome when the kernel used up the job's disk quota, else None."""
        return quota.full_note(self.job, self.limits.disk_bytes, self.limits.disk_files)

    def _make_cgroups(self):
        roots = cgroup_roots()
        name = f"coursekit-job-{self.slot}"
        limits, made = self.limits, []
        try:
            if "v2" in roots:
                folder = roots["v2"] / name
                folder.mkdir(exist_ok=True)
                made.append(folder)
                _write(folder / "memory.max", limits.memory_bytes)
                _write(folder / "pids.max", limits.processes)
                if (folder / "cpu.max").exists():
                    _write(folder / "cpu.max", f"{int(limits.cpu_cores * 100000)} 100000")
            else:
                for controller, root in roots.items():
                    folder = root / name
                    folder.mkdir(exist_ok=True)
                    made.append(folder)
                    if controller == "memory":
                        _write(folder / "memory.limit_in_bytes", limits.memory_bytes)
                        if (folder / "memory.memsw.limit_in_bytes").exists():
                            _write(folder / "memory.memsw.limit_in_bytes", limits.memory_bytes)
                    elif controller == "pids":
                        _write(folder / "pids.max", limits.processes)
                    elif controller == "cpu":
                        _write(folder / "cpu.cfs_period_us", 100000)
                        _write(folder / "cpu.cfs_quota_us", int(limits.cpu_cores * 100000))
        except OSError:
            for folder in made:
                _remove_cgroup(folder)
            return []
        return made

    def settings(self, python=None):
        """The launcher's settings (``COURSEKIT_SANDBOX``): cgroups, rlimits, uid, command, env."""
        rlimits = {"RLIMIT_CPU": self.limits.cpu_seconds, "RLIMIT_FSIZE": self.limits.file_bytes,
                   "RLIMIT_NPROC": self.limits.processes, "RLIMIT_CORE": 0}
        if not any("memory" in str(folder) or (folder / "memory.max").exists() for folder in self.cgroups):
            rlimits["RLIMIT_AS"] = max(self.limits.memory_bytes, 2**31)
        venv_bin = os.path.join(os.path.realpath(sys.prefix), "bin")
        return {"cgroups": [str(folder) for folder in self.cgroups], "rlimits": rlimits,
                "uid": self.uid, "gid": self.uid, "pass_env": list(PASS_ENV), "chown": [self.connection_file],
                "command": bwrap_command(self.job, self.uid, self.limits, python), "holder": self.holder,
                "env": {"PATH": f"{venv_bin}:/usr/bin:/bin", **STATIC_ENV,
                        "COURSEKIT_EXPORT": str(self.exports)}}

    def environment(self, base):
        """``base`` (the kernel's environment) with the launcher's settings added."""
        return {**base, "COURSEKIT_SANDBOX": json.dumps(self.settings())}

    def hold(self, timeout=60.0):
        """Start the sandbox around a process that only holds it, for a forked kernel to enter.

        The holder runs as the job's uid in the job's cgroups, under the same limits as a
        kernel would; ``settings()["holder"]`` is then its pid (the sandbox's pid 1, seen
        from outside).

        Raises
        ------
        SandboxError
            When the sandbox does not come up within ``timeout`` seconds.
        """
        import select
        import subprocess

        info, info_w = os.pipe()
        settings = {**self.settings(), "chown": []}
        settings["command"] = bwrap_command(self.job, self.uid, self.limits, info_fd=info_w)
        self._holder = subprocess.Popen(
            [sys.executable, "-I", LAUNCHER], env={"COURSEKIT_SANDBOX": json.dumps(settings)},
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, pass_fds=(info_w,))
        os.close(info_w)
        with os.fdopen(info) as stream:
            text = stream.read()
        holder_out = self._holder.stdout
        assert holder_out is not None  # a pipe, asked for above
        ready, _, _ = select.select([holder_out], [], [], timeout)
        line = holder_out.readline() if ready else b""
        if line.strip() != b"ready" or not text:
            self._holder.kill()
            error = self._holder.communicate()[1].decode(errors="replace").strip()[-300:]
            raise SandboxError(f"the sandbox did not start: {error or 'no output'}")
        self.holder = json.loads(text)["child-pid"]

    def prepare_work(self):
        """Give the job's uid the files written into ``work`` by the grader."""
        for path in [self.work, *self.work.rglob("*")]:
            if not path.is_symlink():
                os.chown(path, self.uid, self.uid)

    def kill(self):
        """Kill every process of the job: those in its cgroups, then any left with its uid."""
        for _ in range(50):
            pids = set()
            for folder in self.cgroups:
                try:
                    pids |= {int(p) for p in (folder / "cgroup.procs").read_text().split() if not zombie(p)}
                except OSError:
                    pass
            pids |= processes_of(self.uid)
            if not pids:
                return
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            time.sleep(0.02)

    def close(self):
        """Kill the job's processes, remove its cgroups and folder, and free its slot."""
        self.kill()
        if self._holder is not None:
            self._holder.kill()
            self._holder.stdout.close()
            self._holder.stderr.close()
            self._holder.wait(10)
        for folder in self.cgroups:
            _remove_cgroup(folder)
        quota.unmount(self.job)
        shutil.rmtree(self.job, ignore_errors=True)
        self._lock.close()


def processes_of(uid):
    """The pids of every live process whose real uid is ``uid`` (zombies run nothing: not them)."""
    found = set()
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                if os.stat(entry.path).st_uid == uid and not zombie(entry.name):
                    found.add(int(entry.name))
            except OSError:
                pass
    return found


def _remove_cgroup(folder):
    for _ in range(100):
        try:
            os.rmdir(folder)
            return
        except FileNotFoundError:
            return
        except OSError:
            time.sleep(0.02)


def _take_slot():
    """Lock a free job slot (across processes and runs); return it and the open lock file."""
    STATE.mkdir(mode=0o700, parents=True, exist_ok=True)
    for slot in range(SLOTS):
        stream = open(STATE / f"slot-{slot}.lock", "a+")  # noqa: SIM115 -- held for the kernel's life
        try:
            fcntl.flock(stream, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            stream.close()
            continue
        if processes_of(BASE_UID + slot):  # left over from a killed run: never share a uid
            stream.close()
            continue
        return slot, stream
    raise SandboxError(f"all {SLOTS} sandbox slots are busy")
