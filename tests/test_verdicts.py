"""The trusted side's reading of exports, and nbgrader's metadata check made cheaper."""

import base64
import copy

import jsonschema
import numpy as np
import pytest
from nbgrader.nbgraderformat.v3 import MetadataValidatorV3

from coursekit.check import encode
from coursekit.grading.sanitize import check_schemas_once
from coursekit.grading.verdicts import MalformedExportError, _array


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
