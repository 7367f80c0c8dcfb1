"""Release notebooks as a student meets them: opened in JupyterLab, run top to bottom.

Before writing any code, a student who runs every cell must see the given code
run, and every failure must come from an exercise not written yet: a
``NotImplementedError`` raised inside the exercise function (the traceback's
last frame names it), or, in a visible test, an ``AssertionError`` with a
message. A ``NameError`` left behind by an earlier failing cell, a warning, or a
traceback deep inside a library is what this test catches.
"""

import pytest
from support.course import EDITIONS

from browser.labpage import NotebookPage, error_summary
from coursekit import build

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def exercise_under_test(grade_id, exercises):
    """The exercise a grade cell ``test_<exercise>...`` tests (the longest matching name)."""
    names = [e for e in exercises if grade_id.startswith(f"test_{e}")]
    return max(names, key=len) if names else None


def student_view_problems(cells):
    """What is wrong with a release notebook run from top to bottom without any exercise written.

    Parameters
    ----------
    cells : list of browser.labpage.Cell
        The cells as the page shows them after every cell ran.

    Returns
    -------
    list of str
        One line per problem; empty when the notebook behaves.
    """
    exercises = {c.grade_id for c in cells if c.code and c.solution}
    problems = [] if exercises else ["no exercise (solution cell) in the notebook"]
    stopped_in = set()
    for cell in cells:
        if cell.runnable and not cell.executed:
            problems.append(f"{cell.name} did not run (prompt {cell.prompt!r})")
        problems += [f"{cell.name}: a figure did not load" for ok in cell.images if not ok]
        problems += [f"{cell.name}: widget not rendered: {text[:200]}" for text in cell.unrendered]
        tested = exercise_under_test(cell.grade_id, exercises) if cell.grade else None
        if cell.code and cell.grade and not cell.stderr:
            problems.append(f"{cell.name}: the visible tests pass on the stubs (the student sees no failure)")
        for text in cell.stderr:
            ename, message, function = error_summary(text)
            if ename == "NotImplementedError":
                stopped_in.add(function)
            if ename is None:
                problems.append(f"{cell.name} writes to stderr: {message[:300]!r}")
            elif cell.solution:
                problems.append(f"{cell.name}: defining the exercise fails with {ename}: {message[:200]}")
            elif ename == "NotImplementedError" and function in exercises:
                if cell.grade and tested is not None and function != tested:
                    problems.append(f"{cell.name}: the visible test of {tested} stops in another exercise, "
                                    f"{function} (grade cells must not depend on each other)")
            elif cell.grade and ename == "AssertionError" and message:
                pass  # a visible test that says what is wrong
            else:
                last = f" in {function}" if function else " at the cell's top level"
                problems.append(f"{cell.name} fails with {ename}{last}: {message[:300]!r} "
                                "(only an exercise not written yet may fail)")
    problems += [f"{e} never stopped with NotImplementedError" for e in sorted(exercises - stopped_in)]
    return problems


def test_release_runs_and_stops_only_at_the_exercises(course_server, page, artifacts, assignment):
    path = build.release_path(assignment).as_posix()
    notebook = NotebookPage(page, course_server, path).open()
    try:
        with notebook.screenshots_kept(artifacts, assignment):
            stops = notebook.run_every_cell()
            problems = student_view_problems(notebook.cells())
            assert not problems, f"{path} in JupyterLab ({stops} stops of Run All):\n" + "\n".join(problems)
    finally:
        course_server.shut_down_kernels()


# Two glyphs of the translation drawn in the rendered heading's font, and a code point no font has:
# with no font for the script, all three are the same empty box.
GLYPHS = """(heading) => {
  const font = getComputedStyle(document.querySelector(heading)).fontFamily;
  const draw = (text) => {
    const canvas = document.createElement('canvas');
    canvas.width = canvas.height = 64;
    const context = canvas.getContext('2d');
    context.font = `48px ${font}`;
    context.fillText(text, 4, 52);
    return Array.from(context.getImageData(0, 0, 64, 64).data).join(',');
  };
  return [draw('特'), draw('異'), draw(String.fromCodePoint(0x10FFFD))];
}"""
HEADING = ".jp-NotebookPanel .jp-RenderedMarkdown h1"


@pytest.mark.parametrize("assignment", list(EDITIONS))
def test_translated_release_runs_and_shows_its_language(course_server, page, artifacts, assignment):
    """A translated edition's release runs as the English one does, its text rendered in its script.

    The screenshot of its first screenful is always kept:
    ``test-artifacts/<this test>/<edition>-01.png``.
    """
    path = build.release_path(assignment).as_posix()
    notebook = NotebookPage(page, course_server, path).open()
    try:
        stops = notebook.run_every_cell()
        problems = student_view_problems(notebook.cells())
        assert not problems, f"{path} in JupyterLab ({stops} stops of Run All):\n" + "\n".join(problems)
        page.evaluate("document.querySelector('.jp-NotebookPanel .jp-WindowedPanel-outer').scrollTop = 0")
        page.screenshot(path=artifacts / f"{assignment}-01.png")
        title = next(c.source for c in notebook.notebook.cells if c.cell_type == "markdown").split("\n")[0]
        assert page.locator(HEADING).first.inner_text() == title.removeprefix("# ")
        first, second, missing = page.evaluate(GLYPHS, HEADING)
        assert first != missing and second != missing and first != second, "no font draws Japanese here"
    finally:
        course_server.shut_down_kernels()
