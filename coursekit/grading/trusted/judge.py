"""The trusted judge's own work: read an export, observe the reference, judge the student.

Kept apart from the worker's side (``sandbox.exports``) and free of nbgrader and
Jupyter, so that it loads in a moment into a process that already holds torch:
in a local secure run the judge is a child of the kernel template, forked
before any kernel ran (``zygote``), which serves the coordinator over a
connection only the coordinator holds (``serve``). Dask runs, and local runs
without a template, judge in the coordinator (``client.TrustedJudge``).
"""

import ast
import base64
import binascii
import json
import math
import pickle

import numpy as np

from coursekit import verdict
from coursekit.check import FORMAT
from coursekit.grading.trusted.trust import checked_exercises
from coursekit.i18n import feedback
from coursekit.specs import all_specs

#: Most dimensions of an observed array (numpy's own limit is 64).
MAX_DIMENSIONS = 32


class MalformedExportError(ValueError):
    """An export that is not what ``coursekit.check`` writes."""


def checked_language(source):
    """The ``language="..."`` a grade cell's source passes to ``check`` (a translated edition's), or None."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    for node in ast.walk(tree):
        name = getattr(node, "func", None)
        if isinstance(node, ast.Call) and getattr(name, "id", getattr(name, "attr", None)) == "check":
            for keyword in node.keywords:
                if keyword.arg == "language" and isinstance(keyword.value, ast.Constant):
                    return str(keyword.value.value)
    return None


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


class Judge:
    """Judges exported observations against the reference, caching the reference's observations."""

    def __init__(self):
        self.specs, self.expected = {}, {}

    def prepare(self, assignment=None):
        """Load every spec and observe the reference on every case of ``assignment``'s exercises.

        An observation that fails is skipped here: the verdict that needs it tries again and
        reports it. Raises what stops the specs from loading.
        """
        self.specs = all_specs()
        for spec in self.specs.values():
            if spec.assignment == assignment:
                for index, case in enumerate(spec.cases()):
                    try:
                        self.expected_observation(spec, index, case)
                    except Exception:  # noqa: S112 -- tried again, and reported, by the verdict that needs it
                        continue

    def expected_observation(self, spec, index, case):
        """The reference's observation of ``case`` (computed once per process)."""
        key = (spec.name, index)
        if key not in self.expected:
            self.expected[key] = verdict.expected_observation(spec, case)
        return self.expected[key]

    def problems(self, name, data):
        """The problems of one export of exercise ``name`` (empty when it passes)."""
        spec = self.specs[name]
        try:
            observed = decode(data, spec)
        except MalformedExportError as error:
            return [f"the grader could not read what check exported ({error}); nothing was graded"]
        return verdict.judge_cases(spec, observed,
                                   lambda index, case: self.expected_observation(spec, index, case))

    def verdict(self, source, exports):
        """Judge one grade cell (the instructor's ``source``) from the exports made while it ran.

        Returns the message of its failure, None if it passes. The message is in the language
        the cell's ``check`` asks for, as far as the assignment's catalog translates it.
        """
        message = self.english_verdict(source, exports)
        names = [name for name in checked_exercises(source) if name in self.specs]
        if message is None or not names:
            return message
        return feedback.translate(message, self.specs[names[0]].assignment, checked_language(source))

    def english_verdict(self, source, exports):
        """``verdict``'s message in English."""
        names = checked_exercises(source)
        if not names:
            return "this grade cell has no coursekit.check: secure grading cannot trust it"
        unknown = [name for name in names if name not in self.specs]
        if unknown:
            return f"no exercise is called {', '.join(unknown)}"
        by_name: dict[str, list[bytes | str]] = {}
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
                    return verdict.student_message(self.specs[name], found)
        return None


def serve(connection, assignment):
    """Judge for the grading coordinator at the other end of ``connection`` until it closes.

    Runs in a child of the kernel template (``zygote``). Replies, as JSON, first
    ``{"ready": true}`` (or ``{"error": ...}``), then to each request, a pickled list of
    (grade cell source, exports) made by the coordinator, ``{"verdicts": [message or None, ...]}``.
    """
    judge = Judge()
    try:
        judge.prepare(assignment)
    except Exception as error:
        connection.send_bytes(json.dumps({"error": f"{type(error).__name__}: {error}"}).encode())
        return
    connection.send_bytes(b'{"ready": true}')
    while True:
        try:
            cells = pickle.loads(connection.recv_bytes())  # noqa: S301 -- made by the coordinator
        except EOFError:
            return
        try:
            verdicts = [judge.verdict(source, exports) for source, exports in cells]
            reply: dict[str, object] = {"verdicts": verdicts}
        except Exception as error:  # the coordinator's recording fails, and the next run retries
            reply = {"error": f"{type(error).__name__}: {error}"}
        connection.send_bytes(json.dumps(reply).encode())
