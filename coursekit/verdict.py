"""The judging core: one verdict of a student's observations, in the kernel and in the trusted judge.

``coursekit.check`` calls it in-kernel (stock nbgrader, ``validate``, ``coursekit grade
--insecure``) with what it observed of the student's function; the trusted judge
(``coursekit.grading.trusted.judge``) calls it in secure mode with what ``check`` exported
from the sandbox. Both pass the same observations through the same steps (the reference's
observation made the same way, exceptions turned into the same messages, the same report), so
the two modes cannot score a submission differently.
"""

import importlib
import warnings

from coursekit.i18n import feedback
from coursekit.spec import StudentError


def reference_function(spec):
    """Return the reference implementation of ``spec``'s function."""
    module = importlib.import_module(f"reference.{spec.assignment}")
    return getattr(module, spec.name)


def expected_observation(spec, case):
    """Observe the reference function on ``case``, on one torch thread as the kernels compute."""
    import torch  # the specs observe with torch: it is in memory wherever this runs

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return spec.observe(reference_function(spec), case)
    finally:
        torch.set_num_threads(threads)


def observe_student(spec, fn, case):
    """Observe the student's ``fn`` on ``case``; an error becomes its message."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return spec.observe(fn, case)
        except StudentError as error:
            return str(error)


def observe_all(spec, fn):
    """The student's observation of every case of ``spec`` (or, per case, the message of its error)."""
    if not callable(fn):
        message = f"{spec.name} should be a function, not {type(fn).__name__}."
        return [message for _ in spec.cases()]
    return [observe_student(spec, fn, case) for case in spec.cases()]


def judge_cases(spec, observed, expected=None):
    """Judge the student's observation of every case of ``spec``.

    Parameters
    ----------
    spec : ExerciseSpec
        The exercise.
    observed : list of (dict or str)
        Per case of ``spec.cases()``, the student's observation, or the message of the
        ``StudentError`` the call ended in.
    expected : callable, optional
        ``expected(index, case)``, the reference's observation of case number ``index`` (the
        trusted judge keeps them); by default the reference is observed afresh.

    Returns
    -------
    list of str
        Messages, each prefixed with the call it concerns; empty when every case is right.
    """
    found = []
    for index, (case, got) in enumerate(zip(spec.cases(), observed)):
        prefix = spec.describe(case)
        if isinstance(got, str):
            found.append(f"{prefix}: {got}")
            continue
        try:
            want = expected(index, case) if expected is not None else expected_observation(spec, case)
            found += [f"{prefix}: {problem}" for problem in spec.judge(got, want, case)]
        except Exception as error:  # an observation that cannot be judged is never a pass
            found.append(f"{prefix}: the observation cannot be judged ({type(error).__name__}: {error})")
    return found


def student_message(spec, found, language=None):
    """Turn the problems of every case into one message for the student, in ``language`` if given.

    The message is made in English and then looked up in the assignment's catalog for
    ``language`` (``coursekit.i18n.feedback``), line by line.
    """
    lines = [f"{spec.name} is not right yet.", *(f"- {problem}" for problem in found)]
    if spec.summary:
        lines.append(f"Hint: {spec.summary}")
    return feedback.translate("\n".join(lines), spec.assignment, language)
