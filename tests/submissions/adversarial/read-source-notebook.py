"""The solution reads the instructor's notebook (``../../../source/<assignment>/<assignment>.ipynb``),
with the solutions and hidden tests, and runs the instructor's solution.

Stock nbgrader gives full marks; in the sandbox the course directory does not exist: zero.
"""

from _attack import submission as attack

EXPECTED = {"status": "scored", "lost": "exercise"}

ATTACK = '''
import glob as _glob
import json as _json
import os as _os

for _path in [*_glob.glob("../../../source/*/*.ipynb"), *_glob.glob("/**/source/*/*.ipynb", recursive=False)]:
    try:
        with open(_path) as _stream:
            _cells = _json.load(_stream)["cells"]
    except (OSError, ValueError):
        continue
    for _cell in _cells:
        if _cell["metadata"].get("nbgrader", {}).get("grade_id") == "{exercise}":
            exec("".join(_cell["source"]))
            print("read the instructor's solution from", _os.path.abspath(_path))
'''


def submission(correct, notebook, exercise):
    return attack(correct, notebook, exercise, ATTACK)
