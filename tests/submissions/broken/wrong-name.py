"""A correct notebook submitted under another name: nothing to grade, and the reason says how to fix it."""

import nbformat

EXPECTED = {"status": "failed", "reason": "rename the student's notebook", "lost": "all"}


def submission(correct, notebook, exercise):
    return {"my-solution.ipynb": nbformat.writes(correct).encode()}
