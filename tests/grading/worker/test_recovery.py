"""``RecoveringExecute`` on real kernels: a fresh kernel after each death, the earlier cells run again.

A four-cell notebook: a cell that defines ``x``, a grade cell whose code kills the kernel, a grade
cell that needs ``x``, and another killer. The killed cells score zero; the one in between is
graded on a fresh kernel that ran the first cell again. With no fresh kernel left, the old rule.
"""

import nbformat
import pytest
from jupyter_client.manager import AsyncKernelManager
from jupyter_client.utils import run_sync

from coursekit.grading.worker.recovery import RecoveringExecute

pytestmark = pytest.mark.slow


def grade_cell(grade_id, source):
    cell = nbformat.v4.new_code_cell(source)
    cell.metadata.nbgrader = {"grade": True, "solution": False, "locked": True, "points": 1,
                              "grade_id": grade_id, "schema_version": 3}
    return cell


def notebook():
    return nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("x = 41"),
        grade_cell("test_dies", "import os\nos._exit(3)"),
        grade_cell("test_needs_x", "assert x == 41\nx += 1"),
        grade_cell("test_dies_again", "import os\nos._exit(4)"),
        grade_cell("test_last", "assert x == 42"),
    ])


@pytest.fixture
def kernels():
    """Start real kernels on demand; every one is shut down afterwards."""
    started = []

    def start():
        manager = AsyncKernelManager(kernel_name="python3")
        run_sync(manager.start_kernel)()
        started.append(manager)
        return manager

    yield start
    for manager in started:
        if run_sync(manager.is_alive)():
            run_sync(manager.shutdown_kernel)(now=True)
        else:
            run_sync(manager.cleanup_resources)()
        manager.context.destroy(linger=0)


def errors(cell):
    return [output.ename for output in cell.outputs if output.output_type == "error"]


def test_each_death_costs_only_its_cell(kernels):
    execute = RecoveringExecute(kernel=kernels(), replace_kernel=lambda: (kernels(), None), timeout=60)
    nb, _ = execute.preprocess(notebook(), {})
    assert [errors(cell) for cell in nb.cells[1:]] == [["KernelStopped"], [], ["KernelStopped"], []]
    assert execute.restarts == 2
    assert len([note for note in execute.notes if "a fresh kernel" in note]) == 2


def test_with_no_fresh_kernel_left_the_grade_cells_after_are_not_run(kernels):
    execute = RecoveringExecute(kernel=kernels(), replace_kernel=lambda: (kernels(), None), timeout=60,
                                max_restarts=1)
    nb, _ = execute.preprocess(notebook(), {})
    assert [errors(cell) for cell in nb.cells[1:]] == [["KernelStopped"], [], ["KernelStopped"], ["NotRun"]]
    assert "after 1 fresh kernels, the most a notebook gets" in execute.notes[-1]
