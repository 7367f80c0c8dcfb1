"""The function calls ``sys.exit(0)``, hoping that a cell that exits "successfully" counts as passed.

Zero for the exercise.
"""

from _attack import submission as attack

EXPECTED = {"status": "scored", "lost": "exercise"}

ATTACK = '''
def {exercise}(*args, **kwargs):
    import sys

    sys.exit(0)
'''


def submission(correct, notebook, exercise):
    return attack(correct, notebook, exercise, ATTACK, cheat=False)
