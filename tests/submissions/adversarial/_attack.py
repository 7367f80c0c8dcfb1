"""What the adversarial builders share: a wrong solution that passes the visible test, and the edit.

Every scenario attacks the first assignment's last exercise, ``linear_regression``: its function is
replaced by one that returns the visible test's literal answer (``[[2, 3]]``), which passes the
visible asserts and nothing else, plus the attack, which tries to turn that into points or to do
harm. An honest grader gives the exercise zero and every other exercise its points.
"""

import nbformat

VISIBLE_ANSWER = '''


def {exercise}(*args, **kwargs):
    import numpy

    return numpy.array([[2.0, 3.0]])  # the visible test's answer, right for nothing else
'''


def submission(correct, notebook, exercise, attack, cheat=True):
    """The correct fixture with ``exercise`` replaced by the cheat and ``attack`` appended."""
    cell = next(cell for cell in correct.cells
                if cell.metadata.get("nbgrader", {}).get("grade_id") == exercise)
    if cheat:
        cell.source += VISIBLE_ANSWER.format(exercise=exercise)
    cell.source += "\n\n" + attack.replace("{exercise}", exercise)
    return {notebook: nbformat.writes(correct).encode()}
