"""The trusted side of a check: run the reference and judge an observation."""

import importlib
import warnings

from coursekit.spec import StudentError


def reference_function(spec):
    """Return the reference implementation of ``spec``'s function."""
    module = importlib.import_module(f"reference.{spec.assignment}")
    return getattr(module, spec.name)


def expected_observation(spec, case):
    """Observe the reference function on ``case``."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return spec.observe(reference_function(spec), case)


def problems(spec, case, observed):
    """Judge one observation, or the error the student's call ended in.

    Parameters
    ----------
    spec : ExerciseSpec
        The exercise.
    case : dict
        The case that was observed.
    observed : dict or str
        The student's observation, or the message of the ``StudentError`` it raised.

    Returns
    -------
    list of str
        Messages, each prefixed with the call it concerns; empty when right.
    """
    prefix = spec.describe(case)
    if isinstance(observed, str):
        return [f"{prefix}: {observed}"]
    expected = expected_observation(spec, case)
    return [f"{prefix}: {problem}" for problem in spec.judge(observed, expected, case)]


def observe_student(spec, fn, case):
    """Observe the student's ``fn`` on ``case``; an error becomes its message."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return spec.observe(fn, case)
        except StudentError as error:
            return str(error)


def report(spec, found):
    """Turn the problems of every case into one message for the student."""
    lines = [f"{spec.name} is not right yet.", *(f"- {problem}" for problem in found)]
    if spec.summary:
        lines.append(f"Hint: {spec.summary}")
    return "\n".join(lines)
