"""Exercise specs: how one graded function is called and judged.

A spec holds no solution. It knows how to build an exercise's inputs from a
seed (``cases`` and ``observe``), what to observe of a call (return values as
plain float arrays, weights changed in place) and how to compare a student's
observation with the reference's (``judge``). The kernel only ever runs
``observe``; ``judge`` runs on the trusted side.
"""

import contextlib
import random
import sys

import numpy as np


class StudentError(Exception):
    """The student's function raised, or returned something unusable."""


class ExerciseSpec:
    """Base class of the specs; subclasses fill in the four methods.

    Attributes
    ----------
    name : str
        The function's name, which is also its solution cell's ``grade_id``.
    assignment : str
        The assignment (and reference module) the function belongs to.
    summary : str
        What the function must do, in one sentence a student can act on.
    """

    name = ""
    assignment = ""
    summary = ""

    def cases(self):
        """Return the cases: JSON-able dicts of parameters, each with a ``seed``."""
        raise NotImplementedError

    def describe(self, case):
        """Return the call of ``case`` in words, such as ``net_rsm(h of shape (8, 30))``."""
        raise NotImplementedError

    def observe(self, fn, case):
        """Build the inputs of ``case``, call ``fn`` and return what it did.

        Returns
        -------
        dict of str to numpy.ndarray
            Plain float64 arrays only, so that an observation can be exported.
        """
        raise NotImplementedError

    def judge(self, observed, expected, case):
        """Compare a student's observation with the reference's.

        Returns
        -------
        list of str
            The problems found, empty when the observation is right.
        """
        raise NotImplementedError


def call(fn, *args, **kwargs):
    """Call the student's ``fn`` and turn any exception into a ``StudentError``."""
    name = getattr(fn, "__name__", "the function")
    try:
        return fn(*args, **kwargs)
    except NotImplementedError:
        raise StudentError(f"{name} is not implemented yet: it still raises NotImplementedError.") from None
    except Exception as error:  # any failure of student code is reported, never raised
        raise StudentError(f"{name} raised {type(error).__name__}: {error}") from None


def as_array(value, what):
    """Convert a returned value to a plain float64 numpy array.

    Parameters
    ----------
    value : object
        A tensor, an array, a number or a nested list of numbers.
    what : str
        How to name the value in an error message.

    Raises
    ------
    StudentError
        When the value is not numeric.
    """
    torch = sys.modules.get("torch")  # a tensor exists only where torch is imported: never import it here
    if torch is not None and isinstance(value, torch.Tensor):
        value = value.detach().cpu().to(torch.float64).numpy()
    try:
        return np.array(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise StudentError(f"{what} should be an array or a tensor, not {type(value).__name__}.") from None


def unpack(value, names, what):
    """Split a returned tuple into named arrays, checking its length."""
    if not isinstance(value, (tuple, list)) or len(value) != len(names):
        shape = "(" + ", ".join(names) + ")"
        raise StudentError(f"{what} should return a tuple {shape}, not {type(value).__name__}.")
    return {name: as_array(item, f"{what}'s {name}") for name, item in zip(names, value)}


@contextlib.contextmanager
def seeded(seed):
    """Seed python, numpy and torch for one case and restore their state afterwards."""
    import torch  # here, not at the top: the grading coordinator imports this module without torch

    states = random.getstate(), np.random.get_state(), torch.random.get_rng_state()
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    try:
        yield
    finally:
        random.setstate(states[0])
        np.random.set_state(states[1])
        torch.random.set_rng_state(states[2])


@contextlib.contextmanager
def stand_ins(fn, replacements):
    """Replace other exercises by the spec's stand-ins while ``fn`` is observed, then restore them.

    The independence of grade cells: an exercise that calls other exercises (its
    helpers) is observed with the helpers replaced, in the namespace ``fn`` looks its
    globals up in (the notebook's), by stand-ins its spec defines. A stand-in keeps
    the helper's contract (shapes, in-place changes, which random stream it draws
    from) but is not its solution (it draws from another distribution or returns
    made-up numbers), and it records how it is called. The same stand-ins serve the
    student's function and the reference's, in the kernel and in the sandbox, so a
    wrong helper costs only the helper's own points and both modes see the same.

    Parameters
    ----------
    fn : callable
        The function observed (its ``__globals__`` is the notebook's namespace).
    replacements : dict of str to callable
        Stand-ins by the names of the exercises they replace.
    """
    namespace = getattr(fn, "__globals__", {})
    saved = {name: namespace[name] for name in replacements if name in namespace}
    namespace.update(replacements)
    try:
        yield
    finally:
        for name in replacements:
            namespace.pop(name, None)
        namespace.update(saved)


def compare(label, got, want, rtol=1e-5, atol=1e-8):
    """Compare two arrays and describe the first way they differ.

    Returns
    -------
    str or None
        A message a student can act on, or None when the arrays agree.
    """
    if got.shape != want.shape:
        return f"{label} has shape {got.shape}, expected {want.shape}."
    if not np.all(np.isfinite(got)):
        return f"{label} contains NaN or infinite values."
    diff = np.abs(got - want)
    bad = diff > atol + rtol * np.abs(want)
    if not bad.any():
        return None
    where = np.unravel_index(np.argmax(np.where(bad, diff, -1)), got.shape) if got.ndim else ()
    return (f"{label} differs from the expected values at {bad.sum()} of {bad.size} entries; "
            f"at index {tuple(int(i) for i in where)} it is {got[where]:.6g}, expected {want[where]:.6g}.")
