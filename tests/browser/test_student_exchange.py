"""A student's assignment, end to end through nbgrader's exchange, in JupyterLab's Assignments tab.

The instructor's course (a temporary copy, its exchange root a temporary folder
named by ``COURSEKIT_EXCHANGE``) runs one JupyterLab server, whose formgrader must
offer Release and Collect without the missing-exchange warning (its Release button releases
the assignment). The student runs
another, in their own home folder (their ``HOME`` too, which holds nbgrader's cache
of their submissions) with the ``nbgrader_config.py`` that ``coursekit exchange
setup`` gives students. The student's id is their Unix user name, as on a real
machine. In the student's page: Nbgrader > Assignment List, **Fetch**; the notebook
opened, one exercise written into its solution cell, saved; **Validate** (the
visible tests: the exercise written passes, the others fail with
``NotImplementedError``; no hidden test is run); **Submit**. The instructor
collects, grades with ``coursekit grade`` (secure mode) and releases feedback; the
student clicks **Fetch Feedback**, then "(view feedback)", and opens the page in
JupyterLab: its score is the gradebook's.
Screenshots of every step go to ``test-artifacts/<test>/``.
"""

import re

import nbformat
import pytest
from nbgrader.utils import get_username
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from support.course import add_assignment

from browser.labpage import ATTEMPT_WAIT_MS, ATTEMPTS, CELL, NotebookPage
from coursekit import build, course, exchange

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ASSIGNMENT = "deep_linear_networks"
NOTEBOOK = f"{ASSIGNMENT}/{ASSIGNMENT}.ipynb"
EXERCISE = "net_rsm"  # the exercise the student writes, and its body
SOLUTION = "return h @ h.T"
LIST = "#nbgrader-assignment-list"
MATHJAX = re.compile(r"^https://cdnjs\.cloudflare\.com/ajax/libs/mathjax/")


def open_assignment_list(page, server):
    """Nbgrader > Assignment List in a fresh workspace; wait until its lists are loaded."""
    page.goto(server.url("lab/workspaces/assignments", reset=""))
    # JupyterLab restores its layout (a Launcher, after a reset) before a panel opened from a menu
    # stays open: a panel opened earlier is closed by the restore.
    page.locator(".jp-Launcher").first.wait_for()
    page.locator("#jp-MainMenu .lm-MenuBar-itemLabel").filter(has_text=re.compile("^Nbgrader$")).click()
    page.locator(".lm-Menu-itemLabel").filter(has_text=re.compile("^Assignment List$")).click()
    page.wait_for_function(f"""() => {{
        const list = document.querySelector('{LIST}');
        return list && [...list.querySelectorAll('.list_loading')].every(e => e.offsetParent === null)
            && !list.querySelector('#course_list_default').textContent.includes('Loading');
    }}""")
    return page.locator(LIST)


def row(panel, kind):
    """The assignment's row in the list ``kind`` (released, fetched or submitted), once it is there."""
    found = panel.locator(f"#{kind}_assignments_list > .list_item").filter(has_text=ASSIGNMENT)
    found.first.wait_for()
    return found.first


def show_notebooks(page, panel, artifacts):
    """Unfold the downloaded assignment's notebooks (a click on its name); return its Validate button.

    The list is drawn again, folded, when it reloads: a click that it swallowed is made again.
    """
    for attempt in range(ATTEMPTS):
        fetched = row(panel, "fetched")
        validate = fetched.locator("button", has_text="Validate")
        try:
            if not validate.is_visible():
                fetched.locator(".assignment-notebooks-link").click(timeout=ATTEMPT_WAIT_MS)
            validate.wait_for(state="visible", timeout=ATTEMPT_WAIT_MS)
            return validate
        except PlaywrightTimeout:
            page.screenshot(path=artifacts / f"unfold-attempt-{attempt + 1}.png")
    raise AssertionError(f"the notebooks of {ASSIGNMENT} never showed: {panel.inner_text()}")


def solution_cell(path):
    """The index of ``EXERCISE``'s solution cell in the notebook ``path``."""
    cells = nbformat.read(path, as_version=4).cells
    ids = [cell.metadata.get("nbgrader", {}).get("grade_id") for cell in cells]
    return ids.index(EXERCISE)


def test_student_fetches_validates_submits_and_reads_their_feedback(
        lab_server, page, artifacts, tmp_path, monkeypatch):
    root = tmp_path / "course"
    add_assignment(root, ASSIGNMENT)
    monkeypatch.setenv(exchange.ROOT_VARIABLE, str(tmp_path / "exchange"))
    exchange.setup(root)
    home = tmp_path / "student"
    home.mkdir()
    (home / "nbgrader_config.py").write_text(exchange.student_config(root))

    # The instructor: formgrader works with the exchange, then the assignment is released.
    instructor = lab_server(root)
    page.goto(instructor.url("formgrader"))
    page.locator("#main-table").filter(has_text=ASSIGNMENT).wait_for()
    page.screenshot(path=artifacts / "01-formgrader-exchange-ready.png", full_page=True)
    assert page.locator("#warning-exchange").count() == 0, "formgrader says the exchange is missing"
    page.locator("#main-table tr").filter(has_text=ASSIGNMENT).locator(".release a").click()  # Release
    page.locator("#success-modal").filter(has_text=f"Successfully released '{ASSIGNMENT}'").wait_for()
    page.screenshot(path=artifacts / "02-formgrader-released.png")
    assert (tmp_path / "exchange" / "learning-dynamics" / "outbound" / NOTEBOOK).exists()

    student = lab_server(home, env={"HOME": str(home)})
    panel = open_assignment_list(page, student)
    fetch = row(panel, "released").locator("button", has_text="Fetch")
    page.screenshot(path=artifacts / "03-assignments-released.png")
    fetch.click()
    row(panel, "fetched")
    assert (home / NOTEBOOK).exists()
    page.screenshot(path=artifacts / "04-assignments-fetched.png")

    # The student writes one exercise into its solution cell and saves the notebook.
    notebook = NotebookPage(page, student, NOTEBOOK).open()
    index = solution_cell(home / NOTEBOOK)
    editor = page.locator(f"{CELL.format(index=index)} .cm-content")
    editor.click()
    page.keyboard.press("Control+End")
    page.keyboard.press("Shift+Home")  # the last line, `raise NotImplementedError()`, after its indent
    page.keyboard.type(SOLUTION)
    saved = notebook.save()
    assert saved.cells[index].source.endswith(f"\n    {SOLUTION}"), saved.cells[index].source
    page.locator(CELL.format(index=index)).screenshot(path=artifacts / "05-exercise-written.png")

    # Validate: the visible tests of the three exercises not written fail, the written one passes.
    panel = open_assignment_list(page, student)
    show_notebooks(page, panel, artifacts).click()
    dialog = page.locator(".jp-Dialog").filter(has_text="The following cell failed")
    dialog.wait_for()
    page.screenshot(path=artifacts / "06-validate.png")
    report = dialog.inner_text()
    failed = report.count("The following cell failed:")
    unanswered = report.count("You did not provide a response.")
    released = nbformat.read(build.release_path(ASSIGNMENT, root), as_version=4)
    written = [c for c in released.cells if c.cell_type == "markdown"
               and c.metadata.get("nbgrader", {}).get("solution") and c.metadata["nbgrader"].get("grade")]
    assert unanswered == len(written), report  # the written answers not given yet
    assert failed - unanswered == 3, report
    assert report.count("NotImplementedError") >= 3, report
    assert "net_rsm(h)" not in report, f"the correct {EXERCISE} failed validation:\n{report}"
    assert "coursekit" not in report and "check(" not in report, report
    dialog.locator("button", has_text="Ok").click()

    row(panel, "fetched").locator("button", has_text="Submit").click()
    submitted = row(panel, "submitted")
    page.screenshot(path=artifacts / "07-submitted.png")

    # The instructor collects, grades (secure mode) and releases the feedback.
    run = exchange.collect(root, ASSIGNMENT, workers=2)
    sid = get_username()  # the student's id: their Unix user name
    assert [o.student for o in run.outcomes] == [sid], run.outcomes
    total = sum(course.scores(root, ASSIGNMENT)[sid].values())
    assert total == course.max_scores(root, ASSIGNMENT)[f"test_{EXERCISE}"]
    page.goto(instructor.url(f"formgrader/manage_submissions/{ASSIGNMENT}"))
    page.locator("#main-table").filter(has_text=sid).wait_for()
    page.screenshot(path=artifacts / "08-formgrader-graded.png", full_page=True)

    panel = open_assignment_list(page, student)
    submitted = row(panel, "submitted")
    submitted.locator(".nested_list_item").filter(has_text="feedback available to fetch").wait_for()
    submitted.locator("button", has_text="Fetch Feedback").click()
    submitted.locator("a", has_text="view feedback").wait_for()
    page.screenshot(path=artifacts / "09-feedback-fetched.png")

    pages = sorted((home / ASSIGNMENT / "feedback").glob(f"*/{ASSIGNMENT}.html"))
    assert len(pages) == 1, pages
    # "(view feedback)" shows its folder in the file browser; the page opens in JupyterLab's HTML
    # viewer (untrusted: its scripts, MathJax from a CDN among them, do not run).
    # nbgrader's feedback template loads MathJax from cdnjs (nothing configures it away): that one
    # request is refused here without failing the test; the score is text, shown without it.
    page.route(MATHJAX, lambda route: route.abort())
    submitted.locator("a", has_text="view feedback").click()
    page.locator(".jp-DirListing-item").filter(has_text=pages[0].name).dblclick()
    body = page.frame_locator(".jp-HTMLViewer iframe").locator("body")
    body.filter(has_text="Score:").first.wait_for()
    shown = re.search(r"Score:\s*([\d.]+)\s*/\s*([\d.]+)", body.inner_text())
    page.screenshot(path=artifacts / "10-feedback.png")
    assert shown, "the feedback page shows no score"
    max_total = course.full_marks(root, ASSIGNMENT)  # the feedback page counts the written answers too
    assert (float(shown.group(1)), float(shown.group(2))) == (total, max_total)
