"""What ``coursekit.check`` exports in a sandbox, made here as the worker hands it on."""

import json

import nbformat

from coursekit.check import FORMAT, observations
from coursekit.specs import spec_for


def export_of(name, fn):
    """What ``check(name, fn)`` exports in a sandbox, as the worker hands it on (file name, bytes)."""
    spec = spec_for(name)
    text = json.dumps({"format": FORMAT, "name": name, "cases": observations(spec, fn)})
    return (f"1-{name}.json", text.encode())


def graded_notebook(names):
    """A notebook of one grade cell per exercise of ``names``, each calling ``check``."""
    cells = []
    for name in names:
        cell = nbformat.v4.new_code_cell(f"check({name!r}, {name})")
        cell.metadata.nbgrader = {"grade": True, "solution": False, "locked": True, "points": 1,
                                  "grade_id": f"test_{name}", "schema_version": 3}
        cell.outputs = [nbformat.v4.new_output("execute_result", {"text/plain": "True"}, execution_count=1)]
        cells.append(cell)
    return nbformat.v4.new_notebook(cells=cells)
