"""The solution cell replaces ``coursekit.check`` (and the verdict's judge) with functions that pass
everything.

Stock nbgrader gives full marks (the hidden test checks nothing); secure mode gives the exercise
zero: nothing was exported, so there is no evidence.
"""

from _attack import submission as attack

EXPECTED = {"status": "scored", "lost": "exercise", "message": "exported nothing"}

ATTACK = '''
import sys as _sys

try:
    import coursekit as _coursekit
    import coursekit.check as _check_module
    import coursekit.verdict as _verdict

    _coursekit.check = _check_module.check = lambda *args, **kwargs: None
    _verdict.problems = lambda *args, **kwargs: []
except ImportError:
    pass
'''


def submission(correct, notebook, exercise):
    return attack(correct, notebook, exercise, ATTACK)
