"""formgrader as the instructor meets it after grading: the class, its scores, the gradebook's.

The first assignment's class graded by ``coursekit grade`` for the engine tests, as the
demo grades (the source notebook, the release and every fixture submission), is
copied into a temporary course. JupyterLab runs there with nbgrader's
extensions; the test opens formgrader from JupyterLab's Nbgrader menu (the
labextension) and formgrader's own pages (the server extension), and compares
every table with the gradebook. For every assignment, a release whose written answers
are filled in, graded by stock nbgrader, needs manual grading and shows, on formgrader's
grading page, a score box for every written question of the source notebook.
"""

import re
import shutil

import nbformat
import pytest
from nbgrader.api import Gradebook
from support.course import ASSIGNMENTS, ROOT, add_assignment

from coursekit import build, course

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# The rows of formgrader's table (#main-table), by column heading, once its JavaScript has filled it.
READ_TABLE = """() => {
  const table = document.querySelector('#main-table').closest('table');
  const heads = [...table.querySelectorAll('thead th')].map(th => th.textContent.trim());
  return [...table.querySelectorAll('#main-table tr')].map(tr => Object.fromEntries(
      [...tr.querySelectorAll('td')].map((td, i) => [heads[i], td.textContent.trim()])));
}"""
MATHJAX_CDN = "https://cdnjs.cloudflare.com/ajax/libs/mathjax/"  # nbconvert's default in nbgrader's template
LOADED = """() => {
  const body = document.querySelector('#main-table');
  return body && !body.textContent.includes('Loading, please wait');
}"""


def read_table(page, server, path, artifacts, stem):
    """Open a formgrader page, wait for its table, save a screenshot; return the table's rows."""
    page.goto(server.url(path))
    page.wait_for_function(LOADED)
    page.screenshot(path=artifacts / f"{stem}.png", full_page=True)
    return page.evaluate(READ_TABLE)


def score(text):
    """``"6 / 8"`` as ``(6.0, 8.0)``."""
    found = re.fullmatch(r"([\d.]+) / ([\d.]+)", text)
    assert found, f"not a score: {text!r}"
    return float(found.group(1)), float(found.group(2))


def gradebook_view(root, assignment):
    """What formgrader should show, from the gradebook: student -> (status, score, max score)."""
    autograded = course.scores(root, assignment)
    with Gradebook(course.db_url(root)) as gb:
        max_score = gb.find_assignment(assignment).max_score
        manual = {s.student.id: s.needs_manual_grade for s in gb.find_assignment(assignment).submissions}
    return {student: ("needs manual grading" if manual[student] else "graded",
                      round(sum(scores.values()), 2), round(max_score, 2))
            for student, scores in autograded.items()}


def test_formgrader_lists_the_graded_class_with_the_gradebooks_scores(
        engine_grader, lab_server, page, artifacts, tmp_path):
    assignment = ASSIGNMENTS[0]  # what formgrader shows does not depend on the assignment: one class
    graded, _ = engine_grader(assignment)
    root = shutil.copytree(graded, tmp_path / "course")
    expected = gradebook_view(root, assignment)
    assert len({total for _, total, _ in expected.values()}) > 1, f"scores too alike to compare: {expected}"
    server = lab_server(root)

    # JupyterLab's Nbgrader menu opens formgrader in a panel: both extensions are active.
    page.goto(server.url("lab/workspaces/formgrader", reset=""))
    page.locator("#jp-MainMenu .lm-MenuBar-itemLabel").filter(has_text=re.compile("^Nbgrader$")).click()
    page.locator(".lm-Menu-itemLabel").filter(has_text=re.compile("^Formgrader$")).click()
    panel = page.frame_locator(".jp-IFrame iframe").first
    panel.locator("#main-table").filter(has_text=assignment).wait_for()
    page.screenshot(path=artifacts / "jupyterlab-formgrader.png")

    problems = []
    assignments = {row["Name"]: row for row in read_table(page, server, "formgrader", artifacts,
                                                          "manage-assignments")}
    if assignment not in assignments:
        problems.append(f"Manage Assignments does not list {assignment}: {sorted(assignments)}")
    elif assignments[assignment]["# Submissions"] != str(len(expected)):
        problems.append(f"Manage Assignments: {assignments[assignment]['# Submissions']} submissions "
                        f"of {assignment}, the gradebook has {len(expected)}")

    rows = read_table(page, server, f"formgrader/manage_submissions/{assignment}", artifacts,
                      "manage-submissions")
    shown = {row["Student ID"]: (row["Status"], *score(row["Score"])) for row in rows}
    problems += [f"Manage Submissions, {student}: shows {shown.get(student)}, the gradebook has {want}"
                 for student, want in expected.items() if shown.get(student) != want]
    problems += [f"Manage Submissions lists {student}, who is not in the gradebook"
                 for student in shown.keys() - expected.keys()]

    rows = read_table(page, server, "formgrader/manage_students", artifacts, "manage-students")
    overall = {row["Student ID"]: score(row["Overall Score"]) for row in rows}
    problems += [f"Manage Students, {student}: overall {overall.get(student)}, the gradebook has {want[1:]}"
                 for student, want in expected.items() if overall.get(student) != want[1:]]
    assert not problems, "\n".join(problems)


def written_questions(notebook):
    """The grade ids of the manually graded written answers (markdown grade cells) of a notebook."""
    nb = nbformat.read(notebook, as_version=4)
    return {cell.metadata["nbgrader"]["grade_id"] for cell in nb.cells
            if cell.cell_type == "markdown" and cell.metadata.get("nbgrader", {}).get("grade")}


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_formgrader_offers_every_written_question_for_manual_grading(
        lab_server, chromium, artifacts, tmp_path, assignment):
    questions = written_questions(build.source_path(assignment, ROOT))
    assert questions, f"{assignment} has no written question"
    # The release with a sentence in every written answer (nbgrader scores unchanged answers 0 itself).
    answered = nbformat.read(build.release_path(assignment, ROOT), as_version=4)
    for cell in answered.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") in questions:
            cell.source = "An answer written by the student."
    nbformat.write(answered, tmp_path / f"{assignment}.ipynb")
    root = tmp_path / "course"
    add_assignment(root, assignment)
    course.submit(root, "writer", assignment, tmp_path / f"{assignment}.ipynb")
    course.autograde(root, assignment)
    with Gradebook(course.db_url(root)) as gb:
        cells = gb.find_notebook(assignment, assignment).grade_cells
        in_gradebook = {cell.name for cell in cells if cell.cell_type == "markdown"}
        submission = gb.find_submission_notebook(assignment, assignment, "writer")
        submission_id, needs_manual = submission.id, submission.needs_manual_grade
    assert in_gradebook == questions, (f"the gradebook's written questions {sorted(in_gradebook)} are not "
                                       f"the source's {sorted(questions)}")
    assert needs_manual, "a submission with written answers should need manual grading"

    server = lab_server(root)
    # nbgrader's grading page (its formgrade template) always asks cdnjs for MathJax: refused
    # like every request beyond loopback, but allowed to be tried (formulas then stay in TeX).
    context = chromium.new_context(viewport={"width": 1400, "height": 1800})
    refused = []
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(server.base)
                  else (refused.append(route.request.url), route.abort()))
    try:
        page = context.new_page()
        page.goto(server.url(f"formgrader/submissions/{submission_id}/"))
        page.wait_for_selector("input.score")
        page.screenshot(path=artifacts / "formgrade.png", full_page=True)
        boxes = set(page.evaluate("() => [...document.querySelectorAll('input.score')].map(box => box.id)"))
    finally:
        context.close()
    beyond = [url for url in refused if not url.startswith(MATHJAX_CDN)]
    assert not beyond, f"the grading page tried to reach beyond loopback: {beyond}"
    missing = sorted(questions - boxes)
    assert not missing, f"formgrader's grading page of {assignment} has no score box for {missing}"
