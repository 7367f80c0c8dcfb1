"""Trust per grade cell in secure mode: verified cells go to the trusted judge, others keep nbgrader's rule.

An instructor who adds a plain-assert grade cell to this course gets it graded (kernel-reported),
not a silent zero; the cells that call ``check`` are still decided by the judge alone.
"""

from nbformat import v4
from nbgrader.utils import determine_grade

from coursekit.grading.coordinator.verdicts import TRUST_NOTE, apply_verdicts, mark_trust
from coursekit.grading.notebooks import error_output
from coursekit.grading.trusted.client import TrustedJudge
from coursekit.grading.trusted.trust import KERNEL_REPORTED, VERIFIED, trust_of


def grade_cell(grade_id, source, outputs=(), points=2):
    cell = v4.new_code_cell(source)
    cell.metadata["nbgrader"] = {"grade": True, "solution": False, "locked": True, "grade_id": grade_id,
                                 "points": points, "schema_version": 3}
    cell.outputs = list(outputs)
    return cell


def test_a_course_with_a_plain_assert_cell_gets_it_graded_by_nbgraders_rule():
    checked = "assert net_rsm is not None\nfrom coursekit import check\ncheck('net_rsm', net_rsm)"
    nb = v4.new_notebook(cells=[
        grade_cell("test_net_rsm", checked, [v4.new_output("execute_result", data={"text/plain": "2"})]),
        grade_cell("plain_passes", "assert 1 + 1 == 2"),
        grade_cell("plain_fails", "assert 1 + 1 == 3", [error_output("AssertionError", "")]),
        grade_cell("plain_partial", "0.5", [v4.new_output("execute_result", data={"text/plain": "0.5"})]),
    ])
    trust = {cell.metadata.nbgrader["grade_id"]: trust_of(cell.source) for cell in nb.cells}
    assert trust == {"test_net_rsm": VERIFIED, "plain_passes": KERNEL_REPORTED,
                     "plain_fails": KERNEL_REPORTED, "plain_partial": KERNEL_REPORTED}
    judge = TrustedJudge()
    apply_verdicts(judge, nb, {}, {name for name, level in trust.items() if level == KERNEL_REPORTED})
    judge.close()
    mark_trust(nb, trust)
    scores = {cell.metadata.nbgrader["grade_id"]: determine_grade(cell)[0] for cell in nb.cells}
    # no export, no points, whatever the kernel showed; the plain cells as stock nbgrader scores them
    assert scores == {"test_net_rsm": 0, "plain_passes": 2, "plain_fails": 0, "plain_partial": 0.5}
    assert "exported nothing" in nb.cells[0].outputs[-2].evalue
    assert all(cell.outputs[-1].text.startswith(TRUST_NOTE) for cell in nb.cells)  # what feedback shows
    assert [cell.outputs[-1].text.removeprefix(TRUST_NOTE).split(":")[0].strip() for cell in nb.cells] == [
        "verified", "kernel-reported", "kernel-reported", "kernel-reported"]
