"""The sandboxed kernel's launcher: limits, then bubblewrap, then an unprivileged kernel.

jupyter_client runs this file (``python -I sandbox_launch.py CONNECTION_FILE
[ARGS...]``, the kernelspec ``sandbox.kernelspec`` writes; the arguments are
added to the sandboxed command) as root, outside
the sandbox, with the sandbox's settings as JSON in ``COURSEKIT_SANDBOX``.
It puts itself into the job's cgroups (memory, pids, cpu) where the machine
has them, sets the resource limits (CPU time, file size, processes per uid,
and address space when no memory cgroup holds the job), hands the files
named in ``chown`` (the connection file) to the job's uid, and execs ``bwrap`` with the command line that
``sandbox.bwrap_command`` built. Whatever the kernel then starts inherits all
of it. The file imports only the standard library so that it starts fast.
"""

import json
import os
import resource
import sys


def join_cgroups(folders):
    """Move this process into every cgroup folder of the job (written by the worker)."""
    for folder in folders:
        with open(os.path.join(folder, "cgroup.procs"), "w") as stream:
            stream.write(str(os.getpid()))


def set_limits(limits):
    """Set the rlimits named in ``limits`` (name -> soft and hard value)."""
    for name, value in limits.items():
        resource.setrlimit(getattr(resource, name), (value, value))


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
