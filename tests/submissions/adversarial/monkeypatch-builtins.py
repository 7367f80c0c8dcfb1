"""The solution cell hides every error: IPython shows no traceback, AssertionError is replaced.

Stock nbgrader sees no error output in the grade cell and gives full marks; secure mode gives the
exercise zero from the trusted verdict.
"""

from _attack import submission as attack

EXPECTED = {"status": "scored", "lost": "exercise"}

ATTACK = '''
import builtins as _builtins


class _Quiet(Exception):
    pass


_builtins.AssertionError = _Quiet
_ipython = get_ipython()  # noqa: F821
_ipython.showtraceback = lambda *args, **kwargs: None
_ipython.showsyntaxerror = lambda *args, **kwargs: None
'''


def submission(correct, notebook, exercise):
    return attack(correct, notebook, exercise, ATTACK)
