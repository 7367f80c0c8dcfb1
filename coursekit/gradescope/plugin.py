"""The Otter plugin of the course's autograders: grade with the notebooks' grading budget.

The course's notebooks shrink their long demos when ``GRADING`` is true, which
they read from ``NBGRADER_EXECUTION`` (nbgrader sets it, and so does
``coursekit grade``). Otter sets nothing of the kind, so the plugin does:
before Otter executes a submission, a first cell sets it in the kernel.
"""

import nbformat
from otter.plugins import AbstractOtterPlugin

#: What nbgrader sets while it autogrades, and the notebooks read.
GRADING_SWITCH = 'import os\nos.environ["NBGRADER_EXECUTION"] = "autograde"'


class GradingBudget(AbstractOtterPlugin):
    """Run a submission as nbgrader would grade it: ``NBGRADER_EXECUTION`` set."""

    def before_execution(self, submission):
        """Put the grading switch first in the notebook (a script is left as it is)."""
        if isinstance(submission, nbformat.NotebookNode):
            submission.cells.insert(0, nbformat.v4.new_code_cell(GRADING_SWITCH))
        return submission
