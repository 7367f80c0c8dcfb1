"""The student turned the exercise's (correct) solution cell into a markdown cell by mistake.

nbgrader's OverwriteCells turns it back into code; it runs and gets full marks.
"""

import nbformat

EXPECTED = {"status": "scored", "lost": "none", "note": "cell_type changed from code to markdown"}


def submission(correct, notebook, exercise):
    cell = next(cell for cell in correct.cells
                if cell.metadata.get("nbgrader", {}).get("grade_id") == exercise)
    cell.cell_type = "markdown"
    del cell["outputs"], cell["execution_count"]
    return {notebook: nbformat.writes(correct).encode()}
