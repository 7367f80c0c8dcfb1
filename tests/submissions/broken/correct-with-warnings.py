"""A correct solution that emits a UserWarning each time it is called.

nbgrader scores a grade cell zero when it writes to standard error, and
Python prints a warning once per place in the code: the first test cell that
calls the function loses its points, with the warning as the reason, exactly
as under stock ``nbgrader autograde``. The other cells keep theirs.
"""

import nbformat

EXPECTED = {"status": "scored", "lost": "first-test", "message": "UserWarning"}

WARNS = '''


_{exercise}_silent = {exercise}


def {exercise}(*args, **kwargs):
    import warnings

    warnings.warn("this solution converts to float64 and back", UserWarning)
    return _{exercise}_silent(*args, **kwargs)
'''


def submission(correct, notebook, exercise):
    cell = next(cell for cell in correct.cells
                if cell.metadata.get("nbgrader", {}).get("grade_id") == exercise)
    cell.source += WARNS.format(exercise=exercise)
    return {notebook: nbformat.writes(correct).encode()}
