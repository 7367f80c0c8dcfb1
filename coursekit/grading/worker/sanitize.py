"""Reading a submitted notebook and nbgrader's sanitizing stage, with what it says restated.

``read_notebook`` turns the submitted bytes into an nbformat 4 notebook or a
reason a person can act on (an empty file, broken JSON, not a notebook).
``stages`` lists nbgrader's own preprocessors as its ``Autograde`` converter
configures them, with one repair: nbgrader's ``DeduplicateIds`` leaves an
empty ``nbgrader`` metadata dict on the copies of a duplicated cell, which
nbgrader's own ``CheckCellMetadata`` then rejects as "schema version 0", so
stock ``nbgrader autograde`` fails every notebook in which a student copied a
cell (nbgrader issue #1083, open since 2019). ``ForgetDuplicates`` removes
that empty dict, and the copy is graded as the ordinary cell DeduplicateIds
meant it to be.

``check_schemas_once``, called by the worker and the coordinator before they run
nbgrader's preprocessors (never on import), makes ``jsonschema.validate`` check each schema
against its meta-schema once per process rather than on every call.
"""

import copy
import json
import logging
import re
import warnings

import jsonschema
import nbformat
from nbgrader.nbgraderformat import SchemaTooNewError, SchemaTooOldError
from nbgrader.nbgraderformat import ValidationError as MetadataError
from nbgrader.preprocessors import DeduplicateIds, NbGraderPreprocessor, OverwriteCells, SaveAutoGrades

from coursekit.grading.worker.restore import RestoreCellMetadata

#: Exceptions of nbformat and nbgrader that mean the submitted file is broken, not the grader.
SUBMISSION_ERRORS = (MetadataError, SchemaTooOldError, SchemaTooNewError, nbformat.ValidationError)


def check_schemas_once():
    """Make ``jsonschema.validate`` check a schema against its meta-schema once, not at every call.

    nbgrader's ``CheckCellMetadata`` validates each cell's metadata with
    ``jsonschema.validate``, which first checks nbgrader's schema itself: nine tenths of the
    time that preprocessor takes, twice per notebook (once in a worker, once when the
    coordinator records it). The replacement checks a schema the first time it sees a schema
    equal to it, then validates the instance exactly as ``jsonschema.validate`` does, with
    the same errors.
    """
    if getattr(jsonschema.validate, "checks_schemas_once", False):
        return
    checked: list[tuple[type, dict]] = []  # (validator class, a copy of a schema that passed its check)

    def validate(instance, schema, cls=None, *args, **kwargs):
        if cls is None:
            cls = jsonschema.validators.validator_for(schema)
        if not any(known is cls and seen == schema for known, seen in checked):
            cls.check_schema(schema)
            if len(checked) < 32:
                checked.append((cls, copy.deepcopy(schema)))
        error = jsonschema.exceptions.best_match(cls(schema, *args, **kwargs).iter_errors(instance))
        if error is not None:
            raise error

    validate.__doc__ = jsonschema.validate.__doc__
    validate.checks_schemas_once = True  # type: ignore[attr-defined]
    jsonschema.validate = validate


class UngradableSubmissionError(Exception):
    """The submission cannot be graded, for a reason a person can act on."""


class ForgetDuplicates(NbGraderPreprocessor):
    """Drop the empty ``nbgrader`` metadata that ``DeduplicateIds`` leaves on a duplicated cell."""

    def preprocess_cell(self, cell, resources, index):
        if "nbgrader" in cell.metadata and not cell.metadata.nbgrader:
            del cell.metadata["nbgrader"]
        return cell, resources


def stages(converter):
    """Nbgrader's preprocessors, split into what a worker runs and what the coordinator runs.

    Parameters
    ----------
    converter : nbgrader.converters.Autograde
        The configured converter whose preprocessor lists are used.

    Returns
    -------
    (list, list, list)
        The sanitizing stage, the execution stage (up to ``SaveAutoGrades``),
        and the grade-saving stage (``SaveAutoGrades`` and after).
    """
    sanitize = []
    for preprocessor in converter.sanitize_preprocessors:
        if isinstance(preprocessor, type) and issubclass(preprocessor, OverwriteCells):
            sanitize.append(RestoreCellMetadata)  # metadata a student changed: the gradebook's, noted
        sanitize.append(preprocessor)
        if isinstance(preprocessor, type) and issubclass(preprocessor, DeduplicateIds):
            sanitize.append(ForgetDuplicates)
    autograde = list(converter.autograde_preprocessors)
    split = next((index for index, preprocessor in enumerate(autograde)
                  if isinstance(preprocessor, type) and issubclass(preprocessor, SaveAutoGrades)),
                 len(autograde))
    return sanitize, autograde[:split], autograde[split:]


def read_notebook(data, filename):
    """Parse a submitted notebook's bytes as nbformat 4, converting older formats.

    Returns
    -------
    (NotebookNode, list of str)
        The notebook and notes on what was done to read it.

    Raises
    ------
    UngradableSubmissionError
        When the bytes are not a notebook, saying why.
    """
    if not data.strip():
        raise UngradableSubmissionError(
            f"{filename} is empty ({len(data)} bytes): the student submitted a blank file")
    try:
        text = data.decode("utf-8")
        content = json.loads(text)
    except UnicodeDecodeError as error:
        raise UngradableSubmissionError(
            f"{filename} is not UTF-8 text ({error.reason} at byte {error.start})") from None
    except json.JSONDecodeError as error:
        raise UngradableSubmissionError(
            f"{filename} is not valid JSON ({error.msg} at line {error.lineno}, column {error.colno}): "
            "the file is damaged or was not saved by Jupyter") from None
    if not isinstance(content, dict) or not isinstance(content.get("nbformat"), int):
        raise UngradableSubmissionError(f"{filename} is JSON but not a notebook (it has no nbformat version)")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            nb = nbformat.reads(text, as_version=4)
        except Exception as error:  # nbformat raises many kinds for many kinds of damage
            raise UngradableSubmissionError(f"{filename} cannot be read as a notebook: {error}") from None
    notes = [f"reading {filename}: {warning.message}" for warning in caught]
    if content["nbformat"] != 4:
        notes.append(f"{filename} was written in nbformat {content['nbformat']} and converted to nbformat 4")
    return nb, notes


class NoteTaker(logging.Handler):
    """Keeps the warnings nbgrader's preprocessors log (a restored cell, a duplicated id)."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.notes = []

    def emit(self, record):
        self.notes.append(record.getMessage())

    def take(self):
        """The notes kept since the last call, forgetting them."""
        notes, self.notes = self.notes, []
        return notes


def restate(message, grade_ids):
    """Say what an nbgrader warning means for a submission; None when it says nothing new.

    Every grade cell with hidden tests differs from its released version, so
    a changed checksum is news only for the other locked cells.
    """
    found = re.match(r"Attribute '(\w+)' for cell (.+) has changed! \(should be: (.*), got: (.*)\)$", message)
    if found:
        attribute, cell, wanted, got = found.groups()
        if attribute == "checksum":
            if cell in grade_ids:
                return None
            return f"locked cell '{cell}' was edited; nbgrader put the instructor's version back"
        return f"cell '{cell}' had its {attribute} changed from {wanted} to {got}; nbgrader set it back"
    if message.startswith("Cell '") and "gradebook" in message:
        return "c" + message[1:]  # RestoreCellMetadata's own words
    found = re.match(r"Cell with id '(.+)' exists multiple times!$", message)
    if found:
        return f"cell '{found[1]}' appears more than once; only its last copy is graded"
    return f"nbgrader: {message}"
