"""The exercise is correct, but before every later cell runs, the kernel puts non-regular files where
``check`` writes its exports, named as exports of the exercise: a folder, a Unix socket, and links to
``/dev/zero`` and to a folder.

The worker takes regular files only and follows no link: each is an unusable export with its reason,
and the grade cell that ran with them scores zero; the other exercises keep their points.
"""

from _attack import submission as attack

EXPECTED = {"status": "scored", "lost": "exercise", "message": "left an unusable export (not a regular file)"}

ATTACK = '''
import os as _os
import socket as _socket

_sockets = []


def _plant(*_args):
    folder = _os.environ.get("COURSEKIT_EXPORT")
    if not folder:
        return
    _os.makedirs(_os.path.join(folder, "0-{exercise}.json", "inside"), exist_ok=True)
    server = _socket.socket(_socket.AF_UNIX)
    server.bind(_os.path.join(folder, "1-{exercise}.json"))
    _sockets.append(server)
    _os.symlink("/dev/zero", _os.path.join(folder, "2-{exercise}.json"))
    _os.symlink("/usr", _os.path.join(folder, "3-{exercise}.json"))


get_ipython().events.register("pre_run_cell", _plant)
'''


def submission(correct, notebook, exercise):
    return attack(correct, notebook, exercise, ATTACK, cheat=False)
