"""``net_rsm`` kills its parent process (SIGKILL), as a student cleaning up "stray" processes might.

In the sandbox its parent is the process that holds the job: the kernel dies with it,
``test_net_rsm`` scores zero, every other exercise keeps its marks. Secure mode only: in-kernel, as
under stock nbgrader, the kernel's parent is part of the grader (the kernel template, whose loss
takes the worker pool with it), which only the sandbox protects.
"""

from _misbehave import replaced

EXERCISE = "net_rsm"
MODES = ("secure",)
EXPECTED = {"status": "scored", "lost": "exercise", "note": "a fresh kernel"}

CODE = '''
def net_rsm(h):
    import os
    import signal

    os.kill(os.getppid(), signal.SIGKILL)
    return h @ h.T
'''


def submission(correct, notebook):
    return replaced(correct, notebook, EXERCISE, CODE)
