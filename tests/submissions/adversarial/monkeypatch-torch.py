"""The solution cell makes torch's comparisons always agree (``allclose``, ``equal``, ``isclose``).

Zero for the exercise.
"""

from _attack import submission as attack

EXPECTED = {"status": "scored", "lost": "exercise"}

ATTACK = '''
import torch as _torch

_torch.allclose = _torch.equal = lambda *a, **k: True
_torch.isclose = lambda a, b, *r, **k: _torch.ones_like(_torch.as_tensor(a), dtype=_torch.bool)
_torch.Tensor.__eq__ = lambda self, other: _torch.ones_like(self, dtype=_torch.bool)
'''


def submission(correct, notebook, exercise):
    return attack(correct, notebook, exercise, ATTACK)
