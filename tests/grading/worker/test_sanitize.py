"""Reading a submitted notebook, and what nbgrader's warnings mean for a submission."""

import json
import logging

import nbformat
import pytest

from coursekit.grading.worker.sanitize import NoteTaker, UngradableSubmissionError, read_notebook, restate

GRADE_IDS = {"test_net_svd"}


@pytest.mark.parametrize(("message", "said"), [
    ("Attribute 'checksum' for cell test_net_svd has changed! (should be: abc, got: def)", None),
    ("Attribute 'checksum' for cell given_imports has changed! (should be: abc, got: def)",
     "locked cell 'given_imports' was edited; nbgrader put the instructor's version back"),
    ("Attribute 'points' for cell test_net_svd has changed! (should be: 2, got: 20)",
     "cell 'test_net_svd' had its points changed from 2 to 20; nbgrader set it back"),
    ("Cell with id 'net_svd' exists multiple times!",
     "cell 'net_svd' appears more than once; only its last copy is graded"),
    ("Something else entirely", "nbgrader: Something else entirely"),
])
def test_nbgraders_warnings_are_restated_for_people(message, said):
    assert restate(message, GRADE_IDS) == said


@pytest.mark.parametrize(("data", "reason"), [
    (b"", r"is empty \(0 bytes\)"),
    (b"\xff\xfe", "is not UTF-8 text"),
    (b"{not json", "is not valid JSON"),
    (b'{"cells": []}', "is JSON but not a notebook"),
])
def test_an_unreadable_submission_says_why(data, reason):
    with pytest.raises(UngradableSubmissionError, match=reason):
        read_notebook(data, "a.ipynb")


def test_an_nbformat_3_notebook_is_converted_with_a_note():
    v3 = {"nbformat": 3, "nbformat_minor": 0, "metadata": {}, "worksheets": [{"cells": [
        {"cell_type": "code", "input": "1 + 1", "language": "python", "outputs": [], "metadata": {}}]}]}
    nb, notes = read_notebook(json.dumps(v3).encode(), "a.ipynb")
    assert nb.nbformat == 4 and nb.cells[0].source == "1 + 1"
    assert "a.ipynb was written in nbformat 3 and converted to nbformat 4" in notes


def test_a_good_notebook_reads_without_notes():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")])
    read, notes = read_notebook(nbformat.writes(nb).encode(), "a.ipynb")
    assert read.cells[0].source == "x = 1" and notes == []


def test_the_note_taker_hands_each_warning_over_once():
    log = logging.getLogger("coursekit.tests.notes")
    log.propagate = False
    taker = NoteTaker()
    log.addHandler(taker)
    try:
        log.info("not a warning")
        log.warning("Cell with id 'net_svd' exists multiple times!")
        assert taker.take() == ["Cell with id 'net_svd' exists multiple times!"]
        assert taker.take() == []
    finally:
        log.removeHandler(taker)
