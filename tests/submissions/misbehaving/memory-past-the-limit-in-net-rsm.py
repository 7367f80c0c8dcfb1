"""``net_rsm`` holds 4 GB (a 32768 x 32768 float32 matrix, one typo away in this course) before answering.

The sandbox's 3 GB memory limit stops the kernel in every cell that calls it (it is killed, or it
stalls at the limit until it is interrupted and given up): ``test_net_rsm`` scores zero, every
other exercise keeps its marks. Secure mode only: the in-kernel mode has no
memory limit to go past (the allocation is bounded, never a bomb, so no probe is needed).
"""

from _misbehave import replaced

EXERCISE = "net_rsm"
MODES = ("secure",)
EXPECTED = {"status": "scored", "lost": "exercise", "note": "a fresh kernel"}

CODE = '''
def net_rsm(h):
    import torch

    held = [torch.ones(2**26) for _ in range(16)]  # 16 x 256 MB, each written
    del held
    return h @ h.T
'''


def submission(correct, notebook):
    return replaced(correct, notebook, EXERCISE, CODE)
