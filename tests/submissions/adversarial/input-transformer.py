"""The solution cell installs an IPython input transformer that deletes the ``check(...)`` lines of
later cells.

The hidden test never runs: stock nbgrader gives full marks; secure mode finds no export: zero.
"""

from _attack import submission as attack

EXPECTED = {"status": "scored", "lost": "exercise", "message": "exported nothing"}

ATTACK = '''
def _drop_checks(lines):
    return [line for line in lines if "check(" not in line]


get_ipython().input_transformers_post.append(_drop_checks)  # noqa: F821
'''


def submission(correct, notebook, exercise):
    return attack(correct, notebook, exercise, ATTACK)
