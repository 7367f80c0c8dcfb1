"""The exercise's solution loops forever: every cell calling it runs out of time and is interrupted.

Its grade cells score zero with a note on the timeout; the other exercises keep their marks.
"""

import nbformat

EXPECTED = {"status": "scored", "lost": "exercise", "note": "ran longer than the"}


def submission(correct, notebook, exercise):
    cell = next(cell for cell in correct.cells
                if cell.metadata.get("nbgrader", {}).get("grade_id") == exercise)
    cell.source += f"\n\n\ndef {exercise}(*args, **kwargs):\n    while True:\n        pass\n"
    return {notebook: nbformat.writes(correct).encode()}
