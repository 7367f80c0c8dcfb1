"""The exercise is correct, but before every later cell runs, the kernel writes five thousand small
files where ``check`` writes its exports, all named as exports of the exercise.

The worker reads at most ``MAX_EXPORTS_PER_CELL`` exports of a cell and deletes the rest unread (each
"too many exports in one cell"); the trusted judge finds the ones read malformed. The grade cell that
ran with them scores zero with that reason, the run goes on, and the other exercises keep their points.
"""

from _attack import submission as attack

EXPECTED = {"status": "scored", "lost": "exercise", "message": "could not read what check exported"}

ATTACK = '''
import os as _os


def _flood(*_args):
    folder = _os.environ.get("COURSEKIT_EXPORT")
    for index in range(5000 if folder else 0):
        with open(_os.path.join(folder, f"9{index:05d}-{exercise}.json"), "w") as stream:
            stream.write("{}")


get_ipython().events.register("pre_run_cell", _flood)
'''


def submission(correct, notebook, exercise):
    return attack(correct, notebook, exercise, ATTACK, cheat=False)
