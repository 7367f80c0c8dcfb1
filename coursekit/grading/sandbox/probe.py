"""Whether sandboxed kernels work on this machine, and whether their limits hold.

``check_available`` runs before every secure grading run: Linux, root, ``bwrap``
and ``setpriv``, and a trial sandbox that must run as its job uid, must see
``coursekit`` and must not see ``reference`` or the course. ``probe_limits``
runs a sandbox with small limits that tries to exceed them; tests run a fork
bomb or a memory bomb only after it shows that the limits are in force.
"""

import json
import logging
import os
import subprocess
import sys

from coursekit.grading.sandbox.box import LAUNCHER, Sandbox, SandboxError
from coursekit.grading.sandbox.limits import Limits

log = logging.getLogger(__name__)
_available = None


def check_available():
    """Make sure sandboxed kernels can run here; raise ``SandboxError`` saying why not.

    It needs Linux, root (to create the job's uid, namespaces and cgroups), ``bwrap`` and
    ``setpriv``, and a trial run of a sandboxed command that must not see the course.
    """
    global _available
    if _available is not None:
        if _available:
            raise SandboxError(_available)
        return
    _available = _probe_problem() or ""
    log.info("sandbox probe: %s", _available or "sandboxed kernels work here")
    if _available:
        raise SandboxError(_available)


def _probe_problem():
    if not sys.platform.startswith("linux"):
        return "secure grading needs Linux (namespaces, bubblewrap)"
    if os.geteuid() != 0:
        return ("secure grading runs kernels as unprivileged job users, which takes root; "
                "run coursekit grade as root")
    for tool, package in (("/usr/bin/bwrap", "bubblewrap"), ("/usr/bin/setpriv", "util-linux")):
        if not os.access(tool, os.X_OK):
            return f"{tool} is missing: install the Debian package {package} (make install does)"
    import importlib.util
    import tempfile

    found = importlib.util.find_spec("reference")
    secret = (os.path.dirname(found.origin) if found and found.origin
              else os.path.abspath("nbgrader_config.py"))
    probe = ("import os, sys, importlib.util as u; print(os.getuid(), os.path.exists(sys.argv[1]), "
             "u.find_spec('reference') is not None, u.find_spec('coursekit') is not None)")
    with tempfile.TemporaryDirectory(prefix="coursekit-probe-") as folder:
        box = Sandbox(folder, Limits())
        try:
            command = box.settings()["command"]
            command = [*command[:command.index("/bin/sh")], command[-1], "-c", probe, secret]
            env = {**box.settings()["env"], "PATH": "/usr/bin:/bin"}
            done = subprocess.run(command, capture_output=True, text=True, timeout=60, env=env)
        except (OSError, subprocess.SubprocessError) as error:
            return f"bubblewrap cannot start a sandbox here: {error}"
        finally:
            box.close()
    if done.returncode != 0 or done.stdout.split() != [str(box.uid), "False", "False", "True"]:
        why = (done.stderr.strip() or done.stdout.strip())[-300:]
        return ("bubblewrap cannot start a sandbox that hides the course and runs coursekit here: "
                f"{why or f'exit code {done.returncode}'}")
    return None


PROBE = """
import json, os, subprocess, sys
limit, memory = int(sys.argv[1]), int(sys.argv[2])
children = []
for _ in range(2 * limit):
    try:
        children.append(subprocess.Popen(["/bin/sleep", "60"]))
    except OSError:
        break
for child in children:
    child.kill()
    child.wait()
grab = "x = bytearray(%d); x[::4096] = b'x' * len(x[::4096]); print('allocated')" % (2 * memory)
done = subprocess.run([sys.executable, "-c", grab], capture_output=True, text=True)
print(json.dumps({"processes": len(children), "allocated": "allocated" in done.stdout}))
"""


def probe_limits(limits=None):
    """Run a sandboxed probe that tries to exceed small limits; return what it managed.

    Tests run a fork bomb or a memory bomb only after this shows the limits are in force.

    Returns
    -------
    dict
        ``limits`` (the probe's ``Limits``), ``processes`` (children it could start, trying
        twice its allowance) and ``allocated`` (whether it could use twice its memory).
    """
    import tempfile

    limits = limits or Limits(memory_bytes=256 * 2**20, processes=16)
    with tempfile.TemporaryDirectory(prefix="coursekit-probe-") as folder:
        box = Sandbox(folder, limits)
        try:
            settings = box.settings()
            command = settings["command"]
            settings["command"] = [*command[:command.index("/bin/sh")], command[-1], "-c", PROBE]
            settings["chown"] = []
            done = subprocess.run([sys.executable, "-I", LAUNCHER, str(limits.processes),
                                   str(limits.memory_bytes)], env={"COURSEKIT_SANDBOX": json.dumps(settings)},
                                  capture_output=True, text=True, timeout=300)
        finally:
            box.close()
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        raise SandboxError(f"the limits probe failed: {(done.stderr or done.stdout)[-300:]}")
    return {"limits": limits, "cgroups": [str(c) for c in box.cgroups], **json.loads(lines[-1])}
