"""Process utilities of the template, the launcher and the sandbox: standard library only."""

import os


def alive(pid):
    """Whether process ``pid`` exists."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def zombie(pid):
    """Whether process ``pid`` has exited and waits to be reaped (False if it is gone)."""
    try:
        with open(f"/proc/{pid}/stat") as stream:
            return stream.read().rpartition(")")[2].split()[0] == "Z"
    except (OSError, IndexError):
        return False


def signal_quietly(pid, number):
    """Send signal ``number`` to ``pid``, unless it is gone already."""
    try:
        os.kill(pid, number)
    except ProcessLookupError:
        pass
