"""The exercise is correct, but before every later cell runs, the kernel writes exports of the
exercise whose values have the wrong types: cases that are a string, observations that are lists,
shapes of strings, data that is a number, numbers where arrays belong, JSON nested too deep to parse.

The trusted judge decodes exports strictly: each is malformed, the grade cell that ran with them
scores zero with that reason, and the other exercises keep their points.
"""

from _attack import submission as attack

EXPECTED = {"status": "scored", "lost": "exercise", "message": "could not read what check exported"}

ATTACK = '''
import json as _json
import os as _os

from coursekit.check import FORMAT as _FORMAT


def _wrong(*_args):
    folder = _os.environ.get("COURSEKIT_EXPORT")
    if not folder:
        return
    head = {"format": _FORMAT, "name": "{exercise}"}
    values = [
        {**head, "cases": "all passed"},
        {**head, "cases": [1, 2, 3]},
        {**head, "cases": [{"observation": [1.0, 2.0]}] * 3},
        {**head, "cases": [{"observation": {"W": {"shape": ["2"], "data": 5}}}] * 3},
        {**head, "cases": [{"observation": {"W": 3.0}}] * 3},
        {**head, "cases": [{"error": 7}] * 3},
    ]
    for index, value in enumerate(values):
        with open(_os.path.join(folder, f"{index}-{exercise}.json"), "w") as stream:
            stream.write(_json.dumps(value))
    with open(_os.path.join(folder, "6-{exercise}.json"), "w") as stream:
        stream.write("[" * 100000 + "]" * 100000)


get_ipython().events.register("pre_run_cell", _wrong)
'''


def submission(correct, notebook, exercise):
    return attack(correct, notebook, exercise, ATTACK, cheat=False)
