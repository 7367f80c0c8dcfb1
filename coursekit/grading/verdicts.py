"""Trusted verdicts: grade cells judged outside the sandbox, from exported observations only.

In secure mode ``coursekit.check`` only exports what the student's function
did on each case (``check.export``). After every cell, the worker moves the
exports the cell wrote out of the sandbox (``collect``: regular files only,
no links followed, sizes checked before reading, JSON whose arrays are float64
values in strict base64 of exactly the size their shape says, never
unpickled). After the notebook, ``TrustedJudge.apply`` decides
every grade cell: it gets its points only if

- the instructor's source of the cell calls ``check`` for some exercises
  (a grade cell without ``check`` cannot be trusted and scores zero),
- each of those exercises has an export made while the cell ran, and every
  export of it passes: the trusted side rebuilds the inputs from the same
  seeds, runs ``reference`` and judges with the exercise's spec,
- and the kernel's own run of the cell showed no error (a failing visible
  test still fails: the kernel can only lower its own score).

It then rewrites the cell's outputs before nbgrader's ``SaveAutoGrades``
reads them: the kernel's outputs without any ``execute_result`` (so no
partial credit can be claimed), plus, on a trusted failure, an error output
with the trusted message. A missing or malformed export is a zero with its
reason.
"""

import ast
import base64
import binascii
import json
import math
import os
import stat
import threading

import numpy as np
from nbgrader.utils import is_grade

from coursekit import verdict
from coursekit.check import FORMAT
from coursekit.grading.execute import error_output
from coursekit.specs import all_specs

#: Largest export read (bytes); larger ones are rejected unread.
MAX_EXPORT_BYTES = 64 * 2**20
#: Most dimensions of an observed array (numpy's own limit is 64).
MAX_DIMENSIONS = 32
#: Most exports taken from one cell; the rest are deleted unread.
MAX_EXPORTS_PER_CELL = 32


class MalformedExportError(ValueError):
    """An export that is not what ``coursekit.check`` writes."""


def safe_read(folder, name, max_bytes):
    """Read the regular file ``name`` in ``folder`` without following links; None if it is not one.

    Raises
    ------
    ValueError
        When the file is larger than ``max_bytes``.
    """
    directory = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    try:
        fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK, dir_fd=directory)
    except OSError:
        return None
    finally:
        os.close(directory)
    with os.fdopen(fd, "rb") as stream:
        info = os.fstat(stream.fileno())
        if not stat.S_ISREG(info.st_mode):
            return None
        if info.st_size > max_bytes:
            raise ValueError(f"{info.st_size} bytes, more than the {max_bytes} allowed")
        data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ValueError(f"more than the {max_bytes} bytes allowed")
    return data


def collect(folder):
    """Take the exports out of ``folder``: a list of (file name, bytes or the reason it is unusable).

    Every entry is removed, read or not, so the next cell starts empty.
    """
    taken = []
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return taken
    for name in names:
        if name.startswith("."):
            pass
        elif len(taken) >= MAX_EXPORTS_PER_CELL:
            taken.append((name, "too many exports in one cell"))
        else:
            try:
                data = safe_read(folder, name, MAX_EXPORT_BYTES)
                taken.append((name, data if data is not None else "not a regular file"))
            except ValueError as error:
                taken.append((name, f"too large: {error}"))
        _remove(folder, name)
    return taken


def _remove(folder, name):
    try:
        os.unlink(os.path.join(folder, name))
    except IsADirectoryError:
        import shutil

        shutil.rmtree(os.path.join(folder, name), ignore_errors=True)
    except OSError:
        pass


def checked_exercises(source):
    """The exercise names a grade cell's source passes to ``check("name", ...)``, in order."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    names = []
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
                and (isinstance(node.func, ast.Name) and node.func.id == "check"
                     or isinstance(node.func, ast.Attribute) and node.func.attr == "check")):
            names.append(node.args[0].value)
    return list(dict.fromkeys(names))


def decode(data, spec):
    """Parse one export of ``spec``'s exercise: a list with, per case, an observation or a message.

    Raises
    ------
    MalformedExportError
        When it is not JSON of the expected shape.
    """
    try:
        content = json.loads(data)
    except (ValueError, RecursionError) as error:
        raise MalformedExportError(f"not JSON ({type(error).__name__})") from None
    if not isinstance(content, dict) or content.get("format") != FORMAT or content.get("name") != spec.name:
        raise MalformedExportError("not an export of this exercise")
    cases = content.get("cases")
    if not isinstance(cases, list) or len(cases) != len(spec.cases()):
        raise MalformedExportError("wrong number of cases")
    return [_case(case) for case in cases]


def _case(case):
    if not isinstance(case, dict) or len(case) != 1:
        raise MalformedExportError("a case is not an observation or an error")
    if isinstance(case.get("error"), str):
        return case["error"][:2000]
    observed = case.get("observation")
    if not isinstance(observed, dict):
        raise MalformedExportError("a case is not an observation or an error")
    return {str(key): _array(value) for key, value in observed.items()}


def _array(value):
    if not isinstance(value, dict) or set(value) != {"shape", "data"}:
        raise MalformedExportError("an observed value is not {shape, data}")
    shape, data = value["shape"], value["data"]
    if (not isinstance(shape, list) or len(shape) > MAX_DIMENSIONS
            or not all(type(n) is int and n >= 0 for n in shape) or not isinstance(data, str)):
        raise MalformedExportError("an observed value is not an array of numbers")
    try:
        raw = base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        raise MalformedExportError("an observed value is not base64") from None
    if len(raw) != 8 * math.prod(shape):  # Python integers: no shape can overflow into a match
        raise MalformedExportError("an observed value's size does not match its shape")
    return np.frombuffer(raw, dtype="<f8").astype(np.float64).reshape(shape)


def kernel_failed(cell):
    """Whether the kernel's own run of a cell showed an error (or wrote to standard error)."""
    return any(output.output_type == "error"
               or output.output_type == "stream" and output.get("name") == "stderr"
               for output in cell.get("outputs", []))


class TrustedJudge:
    """Judges exported observations against the reference, caching the reference's observations.

    The grading coordinator holds the one judge of a run, and makes it ready in a thread of
    its own while the kernels warm up: importing torch, the specs and the assignment's
    reference, and observing the reference on every case of the assignment's exercises,
    takes seconds (twice that when each worker judged, at its first verdict).

    Parameters
    ----------
    assignment : str, optional
        The assignment whose reference observations are made ahead; the others' are made
        when first needed.
    """

    def __init__(self, assignment=None):
        self.specs, self.expected, self._failure = {}, {}, None
        self._ready = threading.Thread(target=self._prepare, args=(assignment,), name="trusted judge",
                                       daemon=True)
        self._ready.start()

    def _prepare(self, assignment):
        try:
            self.specs = all_specs()
        except Exception as error:  # said by every apply: each submission's recording fails and is retried
            self._failure = error
            return
        for spec in self.specs.values():
            if spec.assignment == assignment:
                for index, case in enumerate(spec.cases()):
                    try:
                        self.expected_observation(spec, index, case)
                    except Exception:  # noqa: S112 -- tried again, and reported, by the verdict that needs it
                        continue

    def settle(self):
        """Wait until the judge's thread is done, ready or not."""
        self._ready.join()

    def wait(self):
        """Wait until the judge is ready; raise what stopped it from getting ready."""
        self.settle()
        if self._failure is not None:
            raise RuntimeError(f"the trusted judge could not be prepared: {self._failure}")

    def expected_observation(self, spec, index, case):
        """The reference's observation of ``case`` (computed once per process)."""
        key = (spec.name, index)
        if key not in self.expected:
            import torch

            threads = torch.get_num_threads()
            torch.set_num_threads(1)  # as the kernels compute
            try:
                self.expected[key] = verdict.expected_observation(spec, case)
            finally:
                torch.set_num_threads(threads)
        return self.expected[key]

    def problems(self, name, data):
        """The problems of one export of exercise ``name`` (empty when it passes)."""
        spec = self.specs[name]
        try:
            observed = decode(data, spec)
        except MalformedExportError as error:
            return [f"the grader could not read what check exported ({error}); nothing was graded"]
        found = []
        for index, (case, got) in enumerate(zip(spec.cases(), observed)):
            prefix = spec.describe(case)
            if isinstance(got, str):
                found.append(f"{prefix}: {got}")
                continue
            try:
                expected = self.expected_observation(spec, index, case)
                found += [f"{prefix}: {problem}" for problem in spec.judge(got, expected, case)]
            except Exception as error:  # an observation judge cannot read is malformed, never a pass
                found.append(f"{prefix}: the exported observation is malformed "
                             f"({type(error).__name__}: {error})")
        return found

    def verdict(self, cell, exports):
        """Judge one grade cell from the exports made while it ran; return the message, None if it passes."""
        names = checked_exercises(cell.source)
        if not names:
            return "this grade cell has no coursekit.check: secure grading cannot trust it"
        unknown = [name for name in names if name not in self.specs]
        if unknown:
            return f"no exercise is called {', '.join(unknown)}"
        by_name = {}
        for file_name, data in exports:
            stem = file_name.removesuffix(".json")
            name = stem.split("-", 1)[1] if "-" in stem else stem
            if name in names:
                by_name.setdefault(name, []).append(data)
        for name in names:
            if name not in by_name:
                return (f"check({name!r}, ...) exported nothing while this cell ran (it did not run, "
                        f"or something stopped it): no evidence, no points")
            for data in by_name[name]:
                if isinstance(data, str):
                    return f"check({name!r}, ...) left an unusable export ({data})"
                found = self.problems(name, data)
                if found:
                    return verdict.report(self.specs[name], found)
        return None

    def apply(self, nb, exports):
        """Decide every grade cell of ``nb`` and rewrite its outputs; return what failed, by grade id.

        Parameters
        ----------
        nb : NotebookNode
            The executed notebook (grade cells hold the instructor's source).
        exports : dict of int to list
            The exports ``collect`` took after each cell, by cell index.
        """
        self.wait()
        failed = {}
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code" or not is_grade(cell):
                continue
            outputs = [output for output in cell.get("outputs", []) if output.output_type != "execute_result"]
            if not kernel_failed(cell):
                message = self.verdict(cell, exports.get(index, []))
                if message is not None:
                    outputs.append(error_output("AssertionError", message))
                    failed[cell.metadata.nbgrader["grade_id"]] = message
            cell.outputs = outputs
        return failed
