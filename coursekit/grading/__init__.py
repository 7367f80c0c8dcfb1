"""``coursekit grade``: a parallel, resumable grading engine built on nbgrader's preprocessors.

One stage per module:

- ``submissions``: find the submissions and fingerprint them;
- ``snapshot``: a read-only copy of the assignment for the workers;
- ``kernels``: prewarmed kernels, one fresh kernel per submission, forked by ``zygote``
  (in-kernel mode) or each in a bubblewrap sandbox of its own (``sandbox``, started by
  ``sandbox_launch``, checked by ``sandbox_probe``; secure mode, the default);
- ``execute``: nbgrader's ``Execute``, robust to dying kernels and output floods;
- ``worker``: read, sanitize and execute one submission (no gradebook writes);
- ``verdicts``: in secure mode, grade cells decided outside the sandbox from what ``check`` exported;
- ``executors``: a local process pool or a Dask cluster;
- ``record``: the coordinator, the gradebook's only writer;
- ``ledger``: ``autograded/<assignment>/grading-report.json``, for resuming;
- ``engine``: a whole run; ``console``: progress and tables; ``report``: HTML and CSV.
"""

from coursekit.grading.engine import GradingRun, Progress, grade
from coursekit.grading.ledger import load_report
from coursekit.grading.outcome import FAILED, SCORED, Outcome

__all__ = ["FAILED", "SCORED", "GradingRun", "Outcome", "Progress", "grade", "load_report"]
