"""nbgrader's Create Assignment toolbar in JupyterLab, then ``coursekit lint``: what is still missing.

An instructor adds a plain code cell of visible asserts to the notebook that
``coursekit new toy`` made, opens the Create Assignment panel (JupyterLab's
right sidebar, nbgrader's labextension), makes the cell "Autograded tests" with
an ID and points, and saves. ``coursekit lint`` then names exactly what the cell
still lacks: the hidden ``check`` without which secure grading scores it zero.
"""

import nbformat
import pytest
from support.clones import copy_course, coursekit

from browser.labpage import NotebookPage
from coursekit.build import source_path

pytestmark = [pytest.mark.browser, pytest.mark.slow]

VISIBLE = ("assert mean_squared_error(np.zeros(3), np.zeros(3)) == 0, "
           '"the error of a perfect prediction is 0"')
PANEL_TAB = '.lm-TabBar-tab[data-id="nbgrader-create_assignemnt"]'
ACTIVE_CELL_WIDGET = ".nbgrader-CreateAssignmentWidget .nbgrader-CellWidget.nbgrader-mod-active"


def test_create_assignment_toolbar_then_lint(lab_server, page, tmp_path):
    root = copy_course(tmp_path / "course")
    coursekit(root, "new", "toy")
    path = source_path("toy", root)
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(VISIBLE))  # a plain cell, as "Insert Cell Below" makes
    nbformat.write(nb, path)
    index = len(nb.cells) - 1
    coursekit(root, "lint", "toy")  # an ungraded cell breaks no rule

    server = lab_server(root)
    notebook = NotebookPage(page, server, source_path("toy").as_posix()).open()
    page.locator(PANEL_TAB).click()
    notebook.select(index)
    widget = page.locator(ACTIVE_CELL_WIDGET)
    widget.locator(".nbgrader-CellType select").select_option(label="Autograded tests")
    widget.locator(".nbgrader-CellId input").fill("test_mean_squared_error_zero")
    widget.locator(".nbgrader-CellId input").press("Enter")
    widget.locator(".nbgrader-CellPoints input").fill("1")
    widget.locator(".nbgrader-CellPoints input").press("Enter")
    saved = notebook.save()

    meta = saved.cells[index].metadata["nbgrader"]
    assert meta["grade"] and meta["locked"] and not meta["solution"], meta
    assert (meta["grade_id"], meta["points"]) == ("test_mean_squared_error_zero", 1), meta
    problems = [line for line in coursekit(root, "lint", "toy", expect=1).splitlines() if "Fix:" in line]
    assert len(problems) == 1, problems
    assert f"cell {index} (test_mean_squared_error_zero): grade cell calls no `check`" in problems[0]
    assert "kernel-reported" in problems[0]
