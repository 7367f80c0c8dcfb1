"""Files a notebook's kernel writes in its working folder, kept as ``nbgrader autograde`` keeps them.

nbgrader runs the kernel in ``autograded/<student>/<assignment>/`` and leaves there whatever
it wrote. ``coursekit grade`` runs it in a job folder of its own (a sandbox's ``work`` folder in
secure mode), so what it wrote is taken from there after the notebook ran: every regular file
that is new or changed, up to a total size, with a note for what was left out. Symbolic links
and other special files are never followed nor kept: in secure mode the folder belongs to
student code, and the worker reading it can read what the sandbox cannot.
"""

import os
import stat
from pathlib import Path

#: Most bytes of side-effect files kept per submission; larger ones are left out, with a note.
MAX_SIDE_EFFECT_BYTES = 20_000_000


def _read_regular(path, budget):
    """The bytes of ``path`` if it is a regular file no larger than ``budget`` (never following a link)."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
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
    files, left_out, budget = {}, [], limit
    skip = set(skip)
    for top, folders, names in os.walk(folder):  # never descends into a linked folder
        folders.sort()
        for name in sorted(names):
            path = Path(top) / name
            relative = path.relative_to(folder).as_posix()
            if relative in skip:
                continue
            known = written.get(relative)
            try:
                data, problem = _read_regular(path, budget if known is None else max(budget, len(known)))
            except OSError as error:  # a symbolic link (ELOOP), a file gone meanwhile
                data, problem = None, "a link" if path.is_symlink() else type(error).__name__
            if data is None:
                left_out.append(f"{relative} ({problem})")
            elif known != data:
                files[relative] = data
                budget -= len(data)
    notes = []
    if left_out:
        notes.append(f"files the notebook wrote were not kept in autograded/ (at most "
                     f"{limit / 1e6:g} MB in all, regular files only): {', '.join(left_out)}")
    return files, notes
