"""The student copied the exercise's solution cell (same cell id, same grade id) to try a wrong idea first.

nbformat repairs the duplicated cell id, nbgrader's DeduplicateIds keeps the
grade id on the last copy only, and both copies run in order: the correct last
definition is the one graded, so full marks.
"""

import copy
import json

EXPECTED = {"status": "scored", "lost": "none", "note": "appears more than once"}


def submission(correct, notebook, exercise):
    index = next(i for i, cell in enumerate(correct.cells)
                 if cell.metadata.get("nbgrader", {}).get("grade_id") == exercise)
    attempt = copy.deepcopy(correct.cells[index])
    attempt.source = f"def {exercise}(*args, **kwargs):\n    return None  # first idea, replaced below\n"
    correct.cells.insert(index, attempt)
    return {notebook: json.dumps(correct, indent=1).encode()}  # nbformat.writes would repair the id
