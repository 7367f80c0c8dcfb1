"""A correct notebook saved by an old Jupyter, in nbformat 3: nbformat converts it, it gets full marks."""

import nbformat

EXPECTED = {"status": "scored", "lost": "none", "note": "nbformat 3"}


def submission(correct, notebook, exercise):
    return {notebook: nbformat.writes(nbformat.convert(correct, 3), version=3).encode()}
