"""Trusted verdicts written into an executed notebook, before nbgrader reads its scores.

In secure mode the kernel's own outcome of a grade cell is never taken on its word. After
a notebook ran, ``apply_verdicts`` has the run's trusted judge (``trusted.client``) decide
every grade cell; it gets its points only if

- the instructor's source of the cell calls ``check`` for some exercises
  (a grade cell without ``check`` cannot be trusted and scores zero),
- each of those exercises has an export made while the cell ran, and every
  export of it passes: the trusted side rebuilds the inputs from the same
  seeds, runs ``reference`` and judges with the exercise's spec,
- and the kernel's own run of the cell showed no error (a failing visible
  test still fails: the kernel can only lower its own score).

It then rewrites the cell's outputs before nbgrader's ``SaveAutoGrades``
reads them: the kernel's outputs without any ``execute_result`` (so no
partial credit can be claimed), plus, on a trusted failure, an error output
with the trusted message. A missing or malformed export is a zero with its
reason.
"""

from nbgrader.utils import is_grade

from coursekit.grading.notebooks import error_output, kernel_failed


def apply_verdicts(judge, nb, exports):
    """Decide every grade cell of ``nb`` with ``judge`` and rewrite its outputs.

    Parameters
    ----------
    judge : TrustedJudge or TemplateJudge
        The run's trusted judge.
    nb : NotebookNode
        The executed notebook (grade cells hold the instructor's source).
    exports : dict of int to list
        The exports ``sandbox.exports.collect`` took after each cell, by cell index.
    """
    judged = [index for index, cell in enumerate(nb.cells)
              if cell.cell_type == "code" and is_grade(cell) and not kernel_failed(cell)]
    messages = dict(zip(judged, judge.decide([(nb.cells[i].source, exports.get(i, [])) for i in judged])))
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or not is_grade(cell):
            continue
        cell.outputs = [output for output in cell.get("outputs", [])
                        if output.output_type != "execute_result"]
        if messages.get(index) is not None:
            cell.outputs.append(error_output("AssertionError", messages[index]))
