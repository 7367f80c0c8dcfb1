"""The function returns numpy scalar subclasses (``np.float64``) that equal anything and are never "bad".

Zero for the exercise: the grader rebuilds plain float64 arrays from the exported numbers.
"""

from _attack import submission as attack

EXPECTED = {"status": "scored", "lost": "exercise"}

ATTACK = '''
import numpy as _np


class LyingFloat(_np.float64):
    def __eq__(self, other):
        return True

    def __gt__(self, other):
        return False

    def __lt__(self, other):
        return False

    def __sub__(self, other):
        return LyingFloat(0.0)

    __rsub__ = __sub__
    __hash__ = _np.float64.__hash__


def {exercise}(X, Y):
    return _np.array([[LyingFloat(1.0) for _ in range(_np.shape(X)[0])] for _ in range(_np.shape(Y)[0])],
                     dtype=object)
'''


def submission(correct, notebook, exercise):
    return attack(correct, notebook, exercise, ATTACK, cheat=False)
