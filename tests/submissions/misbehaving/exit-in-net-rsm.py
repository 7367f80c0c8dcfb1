"""``net_rsm`` ends the interpreter (``os._exit(3)``): the kernel dies in every cell that calls it.

A fresh kernel replays the cells before each death and grading goes on: ``test_net_rsm`` scores
zero, every other exercise (``linear_regression``, tested after four deaths) keeps its marks.
"""

from _misbehave import replaced

EXERCISE = "net_rsm"
EXPECTED = {"status": "scored", "lost": "exercise",
            "note": "the kernel died (exit code 3) while running cell 'test_net_rsm'; a fresh kernel"}

CODE = '''
def net_rsm(h):
    import os

    os._exit(3)
'''


def submission(correct, notebook):
    return replaced(correct, notebook, EXERCISE, CODE)
