"""Source notebooks as the instructor meets them: run in JupyterLab, outside grading.

Every cell runs with no red output (no error, no warning), every figure the
kernel draws is shown, and every widget is rendered, sliders included. How many
figures and widgets to expect comes from the notebook as JupyterLab saves it
after the run: the outputs the kernel sent and the state of its widgets (what
Output widgets captured included), all of which the page must show.

A source notebook run outside grading trains for its full budget (about a
minute each). Every assignment runs by default; ``COURSEKIT_BROWSER_SOURCES``
set to a comma-separated list of assignments checks only those (the others are
skipped, saying so).
"""

import os

import pytest

from browser.labpage import NotebookPage, error_summary, shown
from coursekit.build import source_path

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SELECTION = "COURSEKIT_BROWSER_SOURCES"
DEFAULT = "all"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"


def selected(assignment):
    """Whether this run checks ``assignment``'s source notebook in the browser."""
    wanted = os.environ.get(SELECTION, DEFAULT).replace(" ", "")
    return wanted == "all" or assignment in wanted.split(",")


def displayed(nb):
    """Count what a notebook that ran displayed, from its outputs and its saved widget state.

    Returns
    -------
    dict
        ``figures``: PNG images in the cells' outputs and inside Output widgets;
        ``widgets``: widget views displayed in the cells' outputs and inside Output widgets;
        ``sliders``: slider widgets among the notebook's widgets.
    """
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    state = nb.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    models = list(state.values())
    captured = [m["state"].get("outputs", []) for m in models if m["model_name"] == "OutputModel"]
    in_widgets = [o for outputs_of_widget in captured for o in outputs_of_widget]
    return {
        "figures": sum("image/png" in o.get("data", {}) for o in outputs + in_widgets),
        "widgets": sum(WIDGET_VIEW in o.get("data", {}) for o in outputs + in_widgets),
        "sliders": sum(m["model_name"].endswith("SliderModel") for m in models),
    }


def instructor_view_problems(cells, expected):
    """What is wrong with a source notebook run in JupyterLab, against what it displayed."""
    problems = []
    for cell in cells:
        if cell.runnable and not cell.executed:
            problems.append(f"{cell.name} did not run (prompt {cell.prompt!r})")
        for text in cell.stderr:
            ename, message, function = error_summary(text)
            where = f" in {function}" if function else " at the cell's top level"
            what = f"{ename}{where}" if ename else "stderr output"
            problems.append(f"{cell.name}: {what}: {message[:300]!r}")
        problems += [f"{cell.name}: widget not rendered: {text[:200]}" for text in cell.unrendered]
    counts = shown(cells)
    problems += [f"{what}: the kernel displayed {expected[what]}, the page shows {counts[what]}"
                 for what in expected if counts[what] != expected[what]]
    return problems


def test_source_runs_with_every_figure_and_widget_shown(course_server, page, artifacts, assignment):
    if not selected(assignment):
        pytest.skip(f"{SELECTION} does not select {assignment}")
    path = source_path(assignment).as_posix()
    notebook = NotebookPage(page, course_server, path).open()
    try:
        with notebook.screenshots_kept(artifacts, assignment):
            stops = notebook.run_every_cell()
            expected = displayed(notebook.save())
            problems = instructor_view_problems(notebook.wait_for_outputs(expected), expected)
            assert not problems, f"{path} in JupyterLab ({stops} stops of Run All):\n" + "\n".join(problems)
    finally:
        course_server.shut_down_kernels()
