"""The solution cell makes numpy's comparisons always agree (``abs``, ``allclose``, ``isfinite``...).

In the kernel this fools any check that compares with numpy there; zero for the exercise in
secure mode, where the comparison runs outside the kernel.
"""

from _attack import submission as attack

EXPECTED = {"status": "scored", "lost": "exercise"}

ATTACK = '''
import numpy as _np

_np.abs = _np.absolute = lambda x, *a, **k: _np.zeros(_np.shape(x))
_np.allclose = _np.array_equal = lambda *a, **k: True
_np.isfinite = lambda x, *a, **k: _np.ones(_np.shape(x), dtype=bool)
_np.testing.assert_allclose = lambda *a, **k: None
'''


def submission(correct, notebook, exercise):
    return attack(correct, notebook, exercise, ATTACK)
