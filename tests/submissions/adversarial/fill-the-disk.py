"""The solution cell writes file after file, each well under the per-file limit, into its working folder
and ``/tmp`` until the disk is full: on a shared disk, every submission graded after it would fail.

The job's folder and ``/tmp`` share one size-limited tmpfs (``sandbox.quota``): the writes stop at the
quota with ``ENOSPC`` inside the sandbox, the outcome says so, and the space is freed after the notebook.
The cheat loses its exercise; the other exercises, graded before, keep their points.
"""

from _attack import submission as attack

EXPECTED = {"status": "scored", "lost": "exercise", "note": "filled its writable space"}

ATTACK = '''
import os as _os

_block = b"x" * 2**20  # 1 MB a file: far below RLIMIT_FSIZE
_written = 0
for _folder in ("/tmp", _os.getcwd()):
    try:
        for _i in range(100_000):
            with open(_os.path.join(_folder, f"filler-{_i}.bin"), "wb") as _stream:
                _stream.write(_block)
            _written += 1
    except OSError:
        pass
'''


def submission(correct, notebook, exercise):
    return attack(correct, notebook, exercise, ATTACK)
