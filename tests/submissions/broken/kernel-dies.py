"""The exercise's solution calls os._exit(3): the kernel dies in the exercise's first test cell.

The cells that ran keep their scores; the cell where the kernel died scores zero, with the exit
code in the note; a fresh kernel grades the cells after it (none of them a grade cell here: the
exercise is the last; ``tests/submissions/misbehaving/exit-in-net-rsm.py`` has grade cells after).
"""

import nbformat

EXPECTED = {"status": "scored", "lost": "from-exercise", "note": "the kernel died (exit code 3)"}


def submission(correct, notebook, exercise):
    cell = next(cell for cell in correct.cells
                if cell.metadata.get("nbgrader", {}).get("grade_id") == exercise)
    cell.source += f"\n\n\ndef {exercise}(*args, **kwargs):\n    import os\n\n    os._exit(3)\n"
    return {notebook: nbformat.writes(correct).encode()}
