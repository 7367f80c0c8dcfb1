"""Correct work whose cell metadata was edited: ``net_rsm``'s solution cell made a grade cell worth 50
points, ``test_net_svd`` made worth 20 points instead of 2, and ``test_linear_regression`` renamed.

The gradebook's metadata is put back and noted; full marks (the gradebook's), never a grader error.
"""

import nbformat

EXERCISE = "net_rsm"
EXPECTED = {"status": "scored", "lost": "none", "note": "had its nbgrader metadata changed"}


def submission(correct, notebook):
    for cell in correct.cells:
        metadata = cell.metadata.get("nbgrader", {})
        if metadata.get("grade_id") == "net_rsm":
            metadata.update(grade=True, points=50)
        elif metadata.get("grade_id") == "test_net_svd":
            metadata["points"] = 20
        elif metadata.get("grade_id") == "test_linear_regression":
            metadata["grade_id"] = "test_my_regression"
    return {notebook: nbformat.writes(correct).encode()}
