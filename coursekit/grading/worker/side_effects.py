"""Files a notebook's kernel writes in its working folder, kept as ``nbgrader autograde`` keeps them.

nbgrader runs the kernel in ``autograded/<student>/<assignment>/`` and leaves there whatever
it wrote. ``coursekit grade`` runs it in a job folder of its own (a sandbox's ``work`` folder in
secure mode), so what it wrote is taken from there after the notebook ran: every regular file
that is new or changed, up to a total size, with a note for what was left out. Symbolic links
and other special files are never followed nor kept (``os.fwalk`` and files opened relative to
their folder's descriptor with ``O_NOFOLLOW``): in secure mode the folder belongs to student
code, whose processes may still run, and the worker reading it can read what the sandbox cannot.
"""

import errno
import os
import stat
from pathlib import Path

#: Most bytes of side-effect files kept per submission; larger ones are left out, with a note.
MAX_SIDE_EFFECT_BYTES = 20_000_000
#: Most files looked at in a working folder, and its deepest folder looked into.
MAX_FILES, MAX_DEPTH = 2000, 20


def _read_regular(name, folder_fd, budget):
    """The bytes of ``name`` in the folder ``folder_fd`` if it is a regular file no larger than ``budget``.

    Opened relative to the folder's descriptor, never following a link: a folder swapped for a
    link while it is read cannot lead outside the working folder.
    """
    fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK, dir_fd=folder_fd)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return None, "not a regular file"
        if info.st_size > budget:
            return None, f"{info.st_size / 1e6:.1f} MB"
        with os.fdopen(fd, "rb", closefd=False) as stream:
            data = stream.read(budget + 1)
        return (data, None) if len(data) <= budget else (None, "grew while read")
    finally:
        os.close(fd)


def collect(folder, written, skip=(), limit=MAX_SIDE_EFFECT_BYTES):
    """The files in ``folder`` that the kernel made or changed; return (files, notes).

    Parameters
    ----------
    folder : Path
        The kernel's working folder.
    written : dict of str to bytes
        What the grader put there before the notebook ran (unchanged files are not side effects).
    skip : iterable of str
        Relative paths never kept (the assignment's notebooks, which the grader writes itself).
    limit : int
        Most bytes kept in all.
    """
    folder = Path(folder)
    files, left_out, budget, seen = {}, [], limit, 0
    skip = set(skip)
    for top, folders, names, folder_fd in os.fwalk(folder):  # never follows a link, races included
        if len(Path(top).relative_to(folder).parts) >= MAX_DEPTH:
            folders.clear()
        folders.sort()
        for name in sorted(names):
            seen += 1
            if seen > MAX_FILES:
                left_out.append(f"every file after the first {MAX_FILES}")
                break
            path = Path(top) / name
            relative = path.relative_to(folder).as_posix()
            if relative in skip:
                continue
            known = written.get(relative)  # an unchanged given file is read whatever its size
            try:
                data, problem = _read_regular(name, folder_fd, max(budget, len(known or b"")))
            except OSError as error:  # a symbolic link (ELOOP), a file gone meanwhile
                data, problem = None, "a link" if error.errno == errno.ELOOP else type(error).__name__
            if data is None:
                left_out.append(f"{relative} ({problem})")
            elif known != data:
                files[relative] = data
                budget -= len(data)
        if seen > MAX_FILES:
            break
    notes = []
    if left_out:
        notes.append(f"files the notebook wrote were not kept in autograded/ (at most {limit / 1e6:g} MB "
                     f"and {MAX_FILES} files in all, {MAX_DEPTH} folders deep, regular files only): "
                     f"{', '.join(left_out[:20])}{' ...' if len(left_out) > 20 else ''}")
    return files, notes
