"""The function allocates memory until something stops it.

The job's memory limit stops it (the kernel is killed, or the allocation fails): zero for the
exercise. Tests run it only after a probe shows the limits are in force.
"""

from _attack import submission as attack

EXPECTED = {"status": "scored", "lost": "from-exercise"}

ATTACK = '''
_hog = []


def {exercise}(*args, **kwargs):
    while True:
        _hog.append(b"x" * 2**26)
'''


def submission(correct, notebook, exercise):
    return attack(correct, notebook, exercise, ATTACK, cheat=False)
