"""The function returns an object that equals everything (``__eq__`` always true) and claims the right shape.

Zero for the exercise: observations are plain float arrays, judged outside the kernel.
"""

from _attack import submission as attack

EXPECTED = {"status": "scored", "lost": "exercise"}

ATTACK = '''
class Anything:
    shape = (1, 2)

    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    __hash__ = object.__hash__


def {exercise}(*args, **kwargs):
    return Anything()
'''


def submission(correct, notebook, exercise):
    return attack(correct, notebook, exercise, ATTACK, cheat=False)
