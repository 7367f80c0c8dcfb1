"""Cell metadata a student edited: put back from a real gradebook (the snapshot's copy), and noted."""

import logging

import nbformat
import pytest
from nbgrader.api import MissingEntry
from nbgrader.converters import Autograde
from support.course import ASSIGNMENTS, ROOT, add_assignment

from coursekit import course
from coursekit.grading.coordinator import snapshot
from coursekit.grading.notebooks import grade_id_of
from coursekit.grading.worker.restore import RestoreCellMetadata
from coursekit.grading.worker.sanitize import NoteTaker, stages

ASSIGNMENT = ASSIGNMENTS[0]
CORRECT = ROOT / "tests" / "submissions" / ASSIGNMENT / "all-correct.ipynb"


@pytest.fixture(scope="module")
def gradebook(tmp_path_factory):
    """The course's configuration and the read-only gradebook copy a worker gets."""
    folder = tmp_path_factory.mktemp("restore")
    add_assignment(folder / "course", ASSIGNMENT)
    config = course.config(folder / "course")
    snap = snapshot.take(course.course_directory(folder / "course", config), ASSIGNMENT, config)
    return config, snap.gradebook_url(folder)


def sanitized(gradebook, edit, restore=True, notebook=None):
    """The correct fixture (or ``notebook``) edited by ``edit``, through nbgrader's sanitizing; notes."""
    config, url = gradebook
    nb = notebook if notebook is not None else nbformat.read(CORRECT, as_version=4)
    edit({grade_id_of(cell): cell for cell in nb.cells})
    log = logging.getLogger(f"test-restore-{id(nb)}")
    notes = NoteTaker()
    log.addHandler(notes)
    resources = {"nbgrader": {"notebook": ASSIGNMENT, "assignment": ASSIGNMENT, "student": "s",
                              "db_url": url}}
    for preprocessor in stages(Autograde(config=config))[0]:
        if restore or preprocessor is not RestoreCellMetadata:
            nb, resources = preprocessor(config=config, log=log)(nb, resources)
    return {grade_id_of(cell): cell for cell in nb.cells}, notes.take()


def solution_made_a_grade_cell(cells):
    cells["net_rsm"].metadata.nbgrader.update(grade=True, points=50)


def test_stock_nbgrader_fails_on_a_solution_cell_made_a_grade_cell(gradebook):
    with pytest.raises(MissingEntry):
        sanitized(gradebook, solution_made_a_grade_cell, restore=False)


def test_a_solution_cell_made_a_grade_cell_is_put_back_and_noted(gradebook):
    cells, notes = sanitized(gradebook, solution_made_a_grade_cell)
    metadata = cells["net_rsm"].metadata.nbgrader
    assert metadata["solution"] and not metadata["grade"] and "points" not in metadata
    assert any("'net_rsm' had its nbgrader metadata changed (grade True instead of False, points 50" in note
               for note in notes), notes


def test_changed_points_and_grade_id_are_put_back(gradebook):
    def edit(cells):
        cells["test_net_svd"].metadata.nbgrader["points"] = 20
        cells["test_linear_regression"].metadata.nbgrader["grade_id"] = "test_my_regression"

    cells, notes = sanitized(gradebook, edit)
    assert cells["test_net_svd"].metadata.nbgrader["points"] == 2
    assert "test_linear_regression" in cells and "test_my_regression" not in cells
    renamed = "'test_linear_regression' had its grade id changed to 'test_my_regression'"
    assert any(renamed in note for note in notes), notes


def test_untouched_metadata_is_left_alone(gradebook):
    cells, notes = sanitized(gradebook, lambda cells: None)
    assert not [note for note in notes if "put back" in note], notes
    assert cells["net_rsm"].metadata.nbgrader["solution"] and not cells["net_rsm"].metadata.nbgrader["grade"]


def test_a_cell_of_the_students_own_made_a_grade_cell_runs_as_an_ordinary_cell(gradebook):
    nb = nbformat.read(CORRECT, as_version=4)
    extra = nbformat.v4.new_code_cell("print('my own test')")
    extra.metadata.nbgrader = {"grade": True, "solution": False, "locked": False, "points": 50,
                               "grade_id": "my_own_test", "schema_version": 3}
    nb.cells.insert(5, extra)
    cells, notes = sanitized(gradebook, lambda cells: None, notebook=nb)
    assert "my_own_test" not in cells
    assert "nbgrader" not in extra.metadata  # the cell itself, now an ordinary one
    assert any("'my_own_test' is not in the gradebook" in note for note in notes), notes
