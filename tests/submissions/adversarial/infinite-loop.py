"""The function loops for ever and swallows the interrupt that a cell timeout sends.

The kernel stops answering: the grade cell scores zero (and any grade cell after it).
"""

from _attack import submission as attack

EXPECTED = {"status": "scored", "lost": "from-exercise"}

ATTACK = '''
def {exercise}(*args, **kwargs):
    while True:
        try:
            while True:
                pass
        except KeyboardInterrupt:
            pass
'''


def submission(correct, notebook, exercise):
    return attack(correct, notebook, exercise, ATTACK, cheat=False)
