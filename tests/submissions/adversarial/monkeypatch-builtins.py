"""The solution cell hides every error: IPython shows no traceback (a custom exception handler that
says nothing), AssertionError is replaced.

ipykernel still reports the failing check here, so even stock nbgrader scores it zero; secure mode
gives the exercise zero from the trusted verdict, whatever the kernel shows.
"""

from _attack import submission as attack

EXPECTED = {"status": "scored", "lost": "exercise"}

ATTACK = '''
import builtins as _builtins


class _Quiet(Exception):
    pass


_builtins.AssertionError = _Quiet
_ipython = get_ipython()  # noqa: F821
_ipython.showtraceback = _ipython._showtraceback = lambda *args, **kwargs: None
_ipython.set_custom_exc((BaseException,), lambda shell, etype, value, tb, tb_offset=None: None)
'''


def submission(correct, notebook, exercise):
    return attack(correct, notebook, exercise, ATTACK)
