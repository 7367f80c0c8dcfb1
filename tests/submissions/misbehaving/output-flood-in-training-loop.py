"""A correct ``net_rsm`` that prints 1 MB at every call: the given ``train`` calls it every epoch.

The demo cells that train print tens of megabytes; the grader keeps the first 8 MB of each and says
it cut the rest. Full marks, and the kernel lives on.
"""

from _misbehave import replaced

EXERCISE = "net_rsm"
EXPECTED = {"status": "scored", "lost": "none", "note": "the rest of its output was dropped"}

CODE = '''
def net_rsm(h):
    print("rsm of", tuple(h.shape), "x" * 1_000_000)
    return h @ h.T
'''


def submission(correct, notebook):
    return replaced(correct, notebook, EXERCISE, CODE)
