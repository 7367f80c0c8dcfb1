"""The function returns a numpy array subclass whose comparisons, ``allclose`` and ``array_equal`` lie.

Zero for the exercise: the exported observation is a plain float64 array of its data.
"""

from _attack import submission as attack

EXPECTED = {"status": "scored", "lost": "exercise"}

ATTACK = '''
import numpy as _np


class LyingArray(_np.ndarray):
    def __eq__(self, other):
        return _np.ones(_np.broadcast(self, other).shape, dtype=bool)

    def __array_function__(self, func, types, args, kwargs):
        if func.__name__ in ("allclose", "array_equal", "isclose", "all"):
            return True
        return super().__array_function__(func, types, args, kwargs)


def {exercise}(X, Y):
    return _np.zeros((_np.shape(Y)[0], _np.shape(X)[0])).view(LyingArray)
'''


def submission(correct, notebook, exercise):
    return attack(correct, notebook, exercise, ATTACK, cheat=False)
