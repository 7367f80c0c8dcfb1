"""The solution cell forges what ``check`` exports: observations written ahead of the grade cell, a
thread that keeps writing forged observations, a link to a secret file, a pipe and a huge file, and
``check`` itself disabled.

Exports are taken after every cell and judged outside the sandbox; a forged observation is judged
like any other, links and pipes are never followed, sizes are checked first: zero.
"""

from _attack import submission as attack

EXPECTED = {"status": "scored", "lost": "exercise"}

ATTACK = '''
import base64 as _base64
import json as _json
import os as _os
import struct as _struct
import threading as _threading
import time as _time

_folder = _os.environ.get("COURSEKIT_EXPORT")


def _forge():
    values = _base64.b64encode(_struct.pack("<2d", 2.0, 3.0)).decode()
    observation = {"W": {"shape": [1, 2], "data": values}}
    text = _json.dumps({"format": 2, "name": "{exercise}", "cases": [{"observation": observation}] * 3})
    with open(_os.path.join(_folder, f"{_time.time_ns()}-{exercise}.json"), "w") as stream:
        stream.write(text)


if _folder:
    _forge()
    _os.symlink("/etc/shadow", _os.path.join(_folder, "1-{exercise}.json"))
    _os.mkfifo(_os.path.join(_folder, "2-{exercise}.json"))
    with open(_os.path.join(_folder, "3-{exercise}.json"), "wb") as _stream:
        _stream.truncate(100 * 2**20)

    def _keep_forging():
        while True:
            try:
                _forge()
                _os.symlink("/etc/shadow", _os.path.join(_folder, f"{_time.time_ns()}-{exercise}.json"))
            except OSError:
                pass
            _time.sleep(0.05)

    _threading.Thread(target=_keep_forging, daemon=True).start()
    import coursekit.check as _check

    _check.export = lambda *args, **kwargs: None
'''


def submission(correct, notebook, exercise):
    return attack(correct, notebook, exercise, ATTACK)
