"""``coursekit.check``: what a hidden test cell calls.

In-kernel mode (stock ``nbgrader autograde``, ``validate`` and the
instructor's own runs) runs the reference in the same kernel and raises
``AssertionError`` with a message a student can act on.

Secure mode (``coursekit grade``, whose sandbox sets ``COURSEKIT_EXPORT``)
never imports ``reference`` and decides nothing: it observes the student's
function on every case and writes the observations into the export folder, as
JSON whose arrays are their shape and their float64 values in base64 (JSON lists
of numbers took half a second a notebook to write and to read for the largest
observations). The grader judges them outside the
sandbox (``coursekit.grading.trusted``).
"""

import base64
import json
import os
import time

import numpy as np

from coursekit import verdict
from coursekit.specs import spec_for

#: The environment variable naming the export folder in secure mode.
EXPORT = "COURSEKIT_EXPORT"
#: Version of the export format (2: arrays as base64 of little-endian float64 values).
FORMAT = 2


def check(name, fn, language=None):
    """Check the student's implementation of the graded function ``name``.

    Parameters
    ----------
    name : str
        The function's name (its solution cell's ``grade_id``).
    fn : callable
        The student's function.
    language : str, optional
        The language of the message (a translated edition's hidden tests give theirs), looked
        up in the assignment's catalog (``coursekit.i18n.feedback``); English by default.

    Raises
    ------
    AssertionError
        In-kernel mode, when the function is wrong on any case, listing what went wrong.
    """
    spec = spec_for(name)
    if os.environ.get(EXPORT):
        export(spec, fn, os.environ[EXPORT])
        return
    found = verdict.judge_cases(spec, verdict.observe_all(spec, fn))
    if found:
        raise AssertionError(verdict.student_message(spec, found, language))


def encode(value):
    """An observed array as JSON-able data: its shape, and its values flattened to float64 bytes in base64."""
    array = np.asarray(value, dtype="<f8")  # tobytes() is in C order, whatever the layout
    return {"shape": list(array.shape), "data": base64.b64encode(array.tobytes()).decode("ascii")}


def observations(spec, fn):
    """The student's observation of every case, as exported.

    Each case is ``{"error": message}`` or ``{"observation": {key: {"shape", "data"}}}``.
    """
    return [{"error": observed} if isinstance(observed, str)
            else {"observation": {key: encode(value) for key, value in observed.items()}}
            for observed in verdict.observe_all(spec, fn)]


def export(spec, fn, folder):
    """Write the observations of ``fn`` into ``folder`` (written whole, then renamed into place)."""
    text = json.dumps({"format": FORMAT, "name": spec.name, "cases": observations(spec, fn)})
    stem = f"{time.time_ns()}-{spec.name}"
    partial = os.path.join(folder, f".{stem}.partial")
    with open(partial, "w") as stream:
        stream.write(text)
    os.replace(partial, os.path.join(folder, f"{stem}.json"))
