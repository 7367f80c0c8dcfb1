"""The trusted side's reading of exports, and nbgrader's metadata check made cheaper."""

import base64
import copy
import os
import time

import jsonschema
import numpy as np
import pytest
from nbgrader.nbgraderformat.v3 import MetadataValidatorV3
from support.exports import export_of, graded_notebook

from coursekit import verdict
from coursekit.check import encode
from coursekit.grading.coordinator.verdicts import apply_verdicts
from coursekit.grading.kernels.templates import KernelTemplate, template_environment
from coursekit.grading.kernels.warm import kernel_environment
from coursekit.grading.trusted.client import TemplateJudge, judge_for
from coursekit.grading.trusted.judge import MalformedExportError, _array
from coursekit.grading.worker.sanitize import check_schemas_once
from coursekit.specs import spec_for


def test_an_encoded_array_reads_back_exactly():
    values = np.random.default_rng(0).normal(size=(3, 4, 5))
    values[0, 0, 0], values[0, 0, 1] = np.nan, -np.inf
    read = _array(encode(values))
    assert read.shape == (3, 4, 5) and read.dtype == np.float64
    np.testing.assert_array_equal(read, values)
    assert _array(encode(7)).shape == () and _array(encode(7)) == 7.0  # a scalar stays one number
    transposed = np.arange(6.0).reshape(2, 3).T  # not C-contiguous
    np.testing.assert_array_equal(_array(encode(transposed)), transposed)
    assert _array(encode(np.zeros((0, 3)))).shape == (0, 3)


def eight(n):
    return base64.b64encode(bytes(8 * n)).decode()


@pytest.mark.parametrize("value", [
    {"shape": [2], "data": [1.0, 2.0]},  # numbers as a JSON list (the old format)
    {"shape": [2], "data": "not base64!"},
    {"shape": [2], "data": eight(3)},  # more values than the shape holds
    {"shape": [2 ** 62, 2 ** 62, 4], "data": ""},  # a shape whose int64 product overflows to 0
    {"shape": [1] * 40, "data": eight(1)},  # more dimensions than numpy takes
    {"shape": [2.0], "data": eight(2)},
    {"shape": [True, 2], "data": eight(2)},
    {"shape": [-2], "data": eight(2)},
    {"shape": [2], "data": eight(2), "dtype": "object"},
])
def test_a_malformed_array_is_rejected(value):
    with pytest.raises(MalformedExportError):
        _array(value)


def test_schemas_are_checked_once_with_the_same_verdicts():
    check_schemas_once()
    schema = MetadataValidatorV3().schema
    good = {"grade": True, "grade_id": "test_x", "locked": False, "points": 2, "schema_version": 3,
            "solution": False, "task": False}
    jsonschema.validate(good, schema)
    for bad, message in ((dict(good, points="two"), "'two' is not of type 'number'"),
                         (dict(good, grade_id=5), "5 is not of type 'string'")):
        with pytest.raises(jsonschema.ValidationError, match=message):
            jsonschema.validate(bad, schema)
        with pytest.raises(jsonschema.ValidationError, match=message):
            jsonschema.validate(bad, copy.deepcopy(schema))  # an equal copy, as each nbgrader validator loads
    with pytest.raises(jsonschema.SchemaError):
        jsonschema.validate({}, {"type": 12})

    checks = []

    Counting = jsonschema.validators.extend(jsonschema.Draft4Validator)
    real_check = Counting.check_schema

    def counted_check(schema, **kwargs):
        checks.append(schema)
        return real_check(schema, **kwargs)

    Counting.check_schema = staticmethod(counted_check)
    for _ in range(3):
        jsonschema.validate(good, copy.deepcopy(schema), cls=Counting)
    assert len(checks) == 1
    changed = dict(copy.deepcopy(schema), required=["grade_id", "points", "weight"])
    with pytest.raises(jsonschema.ValidationError, match="'weight' is a required property"):
        jsonschema.validate(good, changed, cls=Counting)
    assert len(checks) == 2


def children_of(pid):
    """The live (not zombie) child processes of ``pid``."""
    found = []
    for entry in os.listdir("/proc"):
        try:
            with open(f"/proc/{entry}/stat") as stream:
                fields = stream.read().rpartition(")")[2].split()
        except OSError:
            continue
        if fields[1] == str(pid) and fields[0] != "Z":
            found.append(int(entry))
    return found


@pytest.mark.slow
def test_the_judge_forked_from_the_template_decides_as_the_judge_in_process(tmp_path):
    reference = verdict.reference_function(spec_for("net_svd"))
    wrong_order = lambda *args: reference(*args)[::-1]  # noqa: E731 -- the singular values reversed
    names = ["net_svd", "net_svd", "linear_regression", "net_rsm"]
    exports = {0: [export_of("net_svd", reference)], 1: [export_of("net_svd", wrong_order)],
               2: [export_of("linear_regression", verdict.reference_function(spec_for("linear_regression")))]}
    # net_rsm exported nothing: no evidence, no points
    template = KernelTemplate.start(None, template_environment(kernel_environment(), secure=True),
                                    ("numpy", "torch"))
    forked = judge_for("deep_linear_networks", template)
    try:
        assert isinstance(forked, TemplateJudge)
        decided = graded_notebook(names)
        apply_verdicts(forked, decided, exports)
        judges = children_of(template.pid)
        assert len(judges) == 1  # the judge: no kernel was asked for
    finally:
        forked.close()
        deadline = time.monotonic() + 10
        while children_of(template.pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not children_of(template.pid)  # the judge ends with its connection
        template.close()
    in_process = judge_for("deep_linear_networks")
    expected = graded_notebook(names)
    apply_verdicts(in_process, expected, exports)
    in_process.close()
    assert [cell.outputs for cell in decided.cells] == [cell.outputs for cell in expected.cells]
    failures = [[output.get("evalue", "") for output in cell.outputs if output.output_type == "error"]
                for cell in decided.cells]
    assert failures[0] == [] and failures[2] == []  # right work passes, and loses its execute_result
    assert all(not cell.outputs for cell in (decided.cells[0], decided.cells[2]))
    assert "net_svd is not right yet" in failures[1][0]
    assert "exported nothing" in failures[3][0]


@pytest.mark.slow
def test_a_judge_whose_template_died_fails_the_recording_it_is_asked_for():
    template = KernelTemplate.start(None, template_environment(kernel_environment(), secure=True),
                                    ("numpy",))
    template.process.kill()
    template.process.wait()
    judge = judge_for("deep_linear_networks", template)
    try:
        with pytest.raises(RuntimeError, match="template"):
            apply_verdicts(judge, graded_notebook(["net_svd"]), {})
    finally:
        judge.close()
        template.close()
