"""The function kills its parent process, its process group and the process named by ``JPY_PARENT_PID``
(under stock nbgrader, that is ``nbgrader autograde`` itself; never run this one there).

In the sandbox its parent is a shell inside the job's pid namespace: the kernel dies, the exercise
scores zero, and the grader goes on.
"""

from _attack import submission as attack

EXPECTED = {"status": "scored", "lost": "from-exercise"}

ATTACK = '''
def {exercise}(*args, **kwargs):
    import os
    import signal

    for pid in {int(os.environ.get("JPY_PARENT_PID", "0") or 0), os.getppid()} - {0}:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    try:
        os.killpg(os.getpgid(0), signal.SIGKILL)
    except OSError:
        pass
    import numpy

    return numpy.array([[2.0, 3.0]])
'''


def submission(correct, notebook, exercise):
    return attack(correct, notebook, exercise, ATTACK, cheat=False)
