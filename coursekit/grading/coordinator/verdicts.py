"""Trusted verdicts written into an executed notebook, before nbgrader reads its scores.

In secure mode every notebook ran sandboxed, and each grade cell is decided by how far it can
be trusted (``trusted.trust``):

- a *verified* cell (the instructor's source calls ``check`` for some exercises) gets its
  points only if each of those exercises has an export made while the cell ran, every export
  of it passes the trusted judge (which rebuilds the inputs from the same seeds, runs
  ``reference`` and judges with the exercise's spec), and the kernel's own run of the cell
  showed no error (a failing visible test still fails: the kernel can only lower its own
  score). Its outputs lose any ``execute_result`` (no partial credit can be claimed) and, on
  a trusted failure, gain an error output with the trusted message; a missing or malformed
  export is a zero with its reason;
- a *kernel-reported* cell (no ``check``: plain asserts, a numeric result) keeps what its
  sandboxed kernel showed, and nbgrader's ``SaveAutoGrades`` scores it by nbgrader's own rule.

Either way the cell gets a last line of standard output saying which it was, which nbgrader's
feedback shows the student (it changes no score: nbgrader reads errors, standard error and
``execute_result`` only).
"""

import nbformat
from nbgrader.utils import is_grade

from coursekit.grading.notebooks import error_output, kernel_failed
from coursekit.grading.trusted.trust import describe

#: The first words of the line that says how a grade cell was decided.
TRUST_NOTE = "[coursekit] trust:"


def grade_cells(nb):
    """The indices of ``nb``'s autograded (code) grade cells."""
    return [index for index, cell in enumerate(nb.cells) if cell.cell_type == "code" and is_grade(cell)]


def apply_verdicts(judge, nb, exports, kernel_reported=frozenset()):
    """Decide every verified grade cell of ``nb`` with ``judge`` and rewrite its outputs.

    Only the cells the gradebook knows as kernel-reported (``kernel_reported``, grade ids whose
    instructor's source calls no ``check``) are left to nbgrader's rule; any other grade cell
    goes to the judge, which gives nothing to a cell without ``check``.

    Parameters
    ----------
    judge : TrustedJudge or TemplateJudge or None
        The run's trusted judge (None in a run whose grade cells are all kernel-reported).
    nb : NotebookNode
        The executed notebook (grade cells hold the instructor's source).
    exports : dict of int to list
        The exports ``sandbox.exports.collect`` took after each cell, by cell index.
    kernel_reported : set of str
        The grade ids of the notebook's kernel-reported cells, from the gradebook.
    """
    verified = [index for index in grade_cells(nb)
                if nb.cells[index].metadata.nbgrader.get("grade_id") not in kernel_reported]
    judged = [index for index in verified if not kernel_failed(nb.cells[index])]
    if judge is None:  # a run without verified cells has no judge: nothing else earns points
        verdicts = ["not a grade cell of the gradebook: no points"] * len(judged)
    else:
        verdicts = judge.decide([(nb.cells[i].source, exports.get(i, [])) for i in judged]) if judged else []
    messages = dict(zip(judged, verdicts))
    for index in verified:
        cell = nb.cells[index]
        cell.outputs = [output for output in cell.get("outputs", [])
                        if output.output_type != "execute_result"]
        if messages.get(index) is not None:
            cell.outputs.append(error_output("AssertionError", messages[index]))


def mark_trust(nb, trust):
    """To every grade cell of ``nb`` that ``trust`` names (by grade id), add the line saying its trust."""
    for index in grade_cells(nb):
        cell = nb.cells[index]
        level = trust.get(cell.metadata.nbgrader.get("grade_id"))
        if level is not None:
            cell.setdefault("outputs", []).append(
                nbformat.v4.new_output("stream", name="stdout", text=f"{TRUST_NOTE} {describe(level)}\n"))
