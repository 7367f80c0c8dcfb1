"""``net_rsm`` kills its parent process (SIGKILL), as a student cleaning up "stray" processes might.

The kernel dies with it (in the sandbox its parent holds the job; in-kernel, the kernel exits when
its parent is gone): ``test_net_rsm`` scores zero, every other exercise keeps its marks.
"""

from _misbehave import replaced

EXERCISE = "net_rsm"
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
