"""A correct notebook whose first grade cell of the exercise the student deleted.

nbgrader cannot run a test that is gone: that cell scores zero and is flagged
for manual grading; every other cell keeps its score.
"""

import nbformat

EXPECTED = {"status": "scored", "lost": "first-test", "note": "missing from the submission"}


def submission(correct, notebook, exercise):
    first = next(i for i, cell in enumerate(correct.cells)
                 if cell.metadata.get("nbgrader", {}).get("grade_id", "").startswith(f"test_{exercise}"))
    del correct.cells[first]
    return {notebook: nbformat.writes(correct).encode()}
