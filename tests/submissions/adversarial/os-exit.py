"""The function ends the kernel with ``os._exit(0)``, a "successful" exit, in the middle of the grade cell.

The kernel dies in the exercise's grade cell: zero for it (and any grade cell after it).
"""

from _attack import submission as attack

EXPECTED = {"status": "scored", "lost": "from-exercise", "note": "the kernel died"}

ATTACK = '''
def {exercise}(*args, **kwargs):
    import os

    os._exit(0)
'''


def submission(correct, notebook, exercise):
    return attack(correct, notebook, exercise, ATTACK, cheat=False)
