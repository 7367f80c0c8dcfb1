"""``net_rsm`` never returns (``while True: pass``), and seven cells call it.

Each of them is interrupted at its calibrated limit (seconds, not the course's 300 s):
``test_net_rsm`` scores zero with a note naming the limit, every other exercise keeps its marks.
"""

from _misbehave import replaced

EXERCISE = "net_rsm"
EXPECTED = {"status": "scored", "lost": "exercise", "note": "cell 'test_net_rsm' ran longer than the"}

CODE = '''
def net_rsm(h):
    while True:
        pass
'''


def submission(correct, notebook):
    return replaced(correct, notebook, EXERCISE, CODE)
