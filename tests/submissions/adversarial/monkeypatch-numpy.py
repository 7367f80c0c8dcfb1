"""The solution cell makes numpy's comparisons always agree (``abs``, ``allclose``, ``isfinite``...)
and the function returns zeros of the right shape.

In the kernel this fools the visible test and any check that compares with numpy there (stock
nbgrader gives full marks); zero for the exercise in secure mode, where the comparison runs
outside the kernel.
"""

from _attack import submission as attack

EXPECTED = {"status": "scored", "lost": "exercise"}

ATTACK = '''
import numpy as _np

_np.abs = _np.absolute = lambda x, *a, **k: _np.zeros(_np.shape(x))
_np.allclose = _np.array_equal = lambda *a, **k: True
_np.isfinite = lambda x, *a, **k: _np.ones(_np.shape(x), dtype=bool)
_np.testing.assert_allclose = lambda *a, **k: None


def {exercise}(X, Y):
    return _np.zeros((_np.shape(Y)[0], _np.shape(X)[0]))
'''


def submission(correct, notebook, exercise):
    return attack(correct, notebook, exercise, ATTACK, cheat=False)
