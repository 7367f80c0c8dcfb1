"""What the misbehaving builders share: the correct fixture with one exercise's function replaced.

Each scenario is an honest mistake in one exercise of the first assignment (``net_rsm``, which
seven cells call, directly or through the given ``train``; or ``linear_regression``); every other
exercise is correct and must keep its marks.
"""

import nbformat


def replaced(correct, notebook, exercise, code):
    """The correct fixture with ``code`` (defining ``exercise`` again) appended to its solution cell."""
    cell = next(cell for cell in correct.cells
                if cell.metadata.get("nbgrader", {}).get("grade_id") == exercise)
    cell.source += "\n\n\n" + code.strip() + "\n"
    return {notebook: nbformat.writes(correct).encode()}
