"""The function is a fork bomb: every process forks for ever.

The job's process limit stops it; the grade cell runs out of time: zero for the exercise, and the
bomb dies with the job's sandbox. Tests run it only after a probe shows the limits are in force.
"""

from _attack import submission as attack

EXPECTED = {"status": "scored", "lost": "exercise"}

ATTACK = '''
def {exercise}(*args, **kwargs):
    import os

    while True:
        try:
            os.fork()
        except OSError:
            pass
'''


def submission(correct, notebook, exercise):
    return attack(correct, notebook, exercise, ATTACK, cheat=False)
