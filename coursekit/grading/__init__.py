"""``coursekit grade``: a parallel, resumable grading engine built on nbgrader's preprocessors.

One stage per module:

- ``submissions``: find the submissions and fingerprint them;
- ``snapshot``: a read-only copy of the assignment for the workers;
- ``kernels``: prewarmed kernels, one fresh kernel per submission, forked by ``zygote``;
- ``execute``: nbgrader's ``Execute``, robust to dying kernels and output floods;
- ``worker``: read, sanitize and execute one submission (no gradebook writes);
- ``executors``: a local process pool or a Dask cluster;
- ``record``: the coordinator, the gradebook's only writer;
- ``ledger``: ``autograded/<assignment>/grading-report.json``, for resuming;
- ``engine``: a whole run; ``console``: progress and tables; ``report``: HTML and CSV.
"""

from coursekit.grading.engine import GradingRun, Progress, grade
from coursekit.grading.ledger import load_report
from coursekit.grading.outcome import FAILED, SCORED, Outcome

__all__ = ["FAILED", "SCORED", "GradingRun", "Outcome", "Progress", "grade", "load_report"]
