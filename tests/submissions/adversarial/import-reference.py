"""The solution imports the instructor's reference implementation, falling back to the cheat.

Stock nbgrader gives full marks; in the sandbox ``reference`` cannot be imported: zero.
"""

from _attack import submission as attack

EXPECTED = {"status": "scored", "lost": "exercise"}

ATTACK = '''
try:
    from reference.deep_linear_networks import {exercise}  # noqa: F811
except ImportError:
    pass
'''


def submission(correct, notebook, exercise):
    return attack(correct, notebook, exercise, ATTACK)
