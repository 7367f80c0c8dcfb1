"""A correct solution that displays 200 MB of HTML the first time it is called (not printed text).

Full marks; the grader keeps the first megabytes of the cell's displayed output and says it cut the
rest, so neither the worker nor the autograded notebook holds the flood.
"""

from _attack import submission as attack

EXPECTED = {"status": "scored", "lost": "none", "note": "the rest of its output was dropped"}

ATTACK = '''
_{exercise}_quiet = {exercise}
_flooded = []


def {exercise}(*args, **kwargs):
    if not _flooded:
        from IPython.display import HTML, display

        _flooded.append(True)
        for step in range(2000):
            display(HTML(f"<pre>{step}</pre>" + "x" * 100_000))
    return _{exercise}_quiet(*args, **kwargs)
'''


def submission(correct, notebook, exercise):
    return attack(correct, notebook, exercise, ATTACK, cheat=False)
