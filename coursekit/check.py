"""``coursekit.check``: what a hidden test cell calls.

In-kernel mode (stock ``nbgrader autograde``, ``validate`` and the
instructor's own runs) runs the reference in the same kernel and raises
``AssertionError`` with a message a student can act on.
"""

from coursekit import verdict
from coursekit.specs import spec_for


def check(name, fn):
    """Check the student's implementation of the graded function ``name``.

    Parameters
    ----------
    name : str
        The function's name (its solution cell's ``grade_id``).
    fn : callable
        The student's function.

    Raises
    ------
    AssertionError
        When the function is wrong on any case, listing what went wrong.
    """
    spec = spec_for(name)
    if not callable(fn):
        raise AssertionError(f"{name} should be a function, not {type(fn).__name__}.")
    found = []
    for case in spec.cases():
        found += verdict.problems(spec, case, verdict.observe_student(spec, fn, case))
    if found:
        raise AssertionError(verdict.report(spec, found))
