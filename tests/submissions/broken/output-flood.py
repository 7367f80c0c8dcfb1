"""A correct solution left a debugging loop in: its first call prints 200 MB.

Full marks; the grader keeps the first megabytes of the cell's output and
says it cut the rest, so the autograded notebook stays small.
"""

import nbformat

EXPECTED = {"status": "scored", "lost": "none", "note": "the rest of its output was dropped"}

FLOOD = '''


_{exercise}_quiet = {exercise}
_flooded = []


def {exercise}(*args, **kwargs):
    if not _flooded:
        _flooded.append(True)
        for step in range(2000):
            print(f"step {{step:5d}}", "x" * 99_988)  # 100 kB a line, 200 MB in all
    return _{exercise}_quiet(*args, **kwargs)
'''


def submission(correct, notebook, exercise):
    cell = next(cell for cell in correct.cells
                if cell.metadata.get("nbgrader", {}).get("grade_id") == exercise)
    cell.source += FLOOD.format(exercise=exercise)
    return {notebook: nbformat.writes(correct).encode()}
