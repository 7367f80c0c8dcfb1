"""The solution writes into the other students' folders (submitted and autograded) and the course's.

Nothing outside its own job folder is visible in the sandbox; the exercise scores zero.
"""

from _attack import submission as attack

EXPECTED = {"status": "scored", "lost": "exercise"}

ATTACK = '''
import glob as _glob
import os as _os

for _pattern in ("../../../submitted/*/*", "../../../autograded/*/*", "../../*/*", "../../.."):
    for _folder in _glob.glob(_pattern):
        if _os.path.isdir(_folder):
            try:
                with open(_os.path.join(_folder, "PWNED"), "w") as _stream:
                    _stream.write("write-other-students was here")
                for _notebook in _glob.glob(_os.path.join(_folder, "*.ipynb")):
                    with open(_notebook, "w") as _stream:
                        _stream.write("{}")
            except OSError:
                pass
'''


def submission(correct, notebook, exercise):
    return attack(correct, notebook, exercise, ATTACK)
