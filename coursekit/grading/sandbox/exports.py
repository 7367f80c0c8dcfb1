"""Exports out of the sandbox: what ``coursekit.check`` wrote, read as untrusted files.

In secure mode ``coursekit.check`` only exports what the student's function did on each
case (``check.export``) into the job's ``exports`` folder. After every cell, the worker
moves them out (``collect``): regular files only, no links followed, sizes checked before
reading, at most ``MAX_EXPORTS_PER_CELL`` per cell, never parsed here. The coordinator's
trusted judge (``trusted``) decodes and judges them.
"""

import os
import stat

#: Largest export read (bytes); larger ones are rejected unread.
MAX_EXPORT_BYTES = 64 * 2**20
#: Most exports taken from one cell; the rest are deleted unread.
MAX_EXPORTS_PER_CELL = 32


def safe_read(folder, name, max_bytes):
    """Read the regular file ``name`` in ``folder`` without following links; None if it is not one.

    Raises
    ------
    ValueError
        When the file is larger than ``max_bytes``.
    """
    directory = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    try:
        fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK, dir_fd=directory)
    except OSError:
        return None
    finally:
        os.close(directory)
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):  # a folder, say: Python cannot even wrap it in a file object
        os.close(fd)
        return None
    with os.fdopen(fd, "rb") as stream:
        if info.st_size > max_bytes:
            raise ValueError(f"{info.st_size} bytes, more than the {max_bytes} allowed")
        data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ValueError(f"more than the {max_bytes} bytes allowed")
    return data


def collect(folder):
    """Take the exports out of ``folder``: a list of (file name, bytes or the reason it is unusable).

    Every entry is removed, read or not, so the next cell starts empty.
    """
    taken: list[tuple[str, bytes | str]] = []
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return taken
    for name in names:
        if name.startswith("."):
            pass
        elif len(taken) >= MAX_EXPORTS_PER_CELL:
            taken.append((name, "too many exports in one cell"))
        else:
            try:
                data = safe_read(folder, name, MAX_EXPORT_BYTES)
                taken.append((name, data if data is not None else "not a regular file"))
            except ValueError as error:
                taken.append((name, f"too large: {error}"))
        _remove(folder, name)
    return taken


def _remove(folder, name):
    try:
        os.unlink(os.path.join(folder, name))
    except IsADirectoryError:
        import shutil

        shutil.rmtree(os.path.join(folder, name), ignore_errors=True)
    except OSError:
        pass
