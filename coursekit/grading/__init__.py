"""``coursekit grade``: a parallel, resumable grading engine built on nbgrader's preprocessors.

One stage per module:

- ``submissions``: find the submissions and fingerprint them;
- ``snapshot``: a read-only copy of the assignment for the workers;
- ``kernels``: prewarmed kernels, one fresh kernel per submission, forked from a ``templates``
  process by ``zygote``
  (in-kernel mode) or each in a bubblewrap sandbox of its own (``sandbox``, started by
  ``sandbox_launch``, checked by ``sandbox_probe``; secure mode, the default);
- ``execute``: nbgrader's ``Execute``, robust to dying kernels and output floods;
- ``worker``: read, sanitize and execute one submission (no gradebook writes);
- ``verdicts``: in secure mode, grade cells decided outside the sandbox from what ``check`` exported,
  by a trusted ``judge`` (a child of the kernel template in local runs);
- ``executors``: a local process pool or a Dask cluster;
- ``record``: the coordinator, the gradebook's only writer;
- ``ledger``: ``autograded/<assignment>/grading-report.json``, for resuming;
- ``engine``: a whole run; ``console``: progress and tables; ``report``: HTML and CSV.
"""

__all__ = ["FAILED", "SCORED", "GradingRun", "Outcome", "Progress", "grade", "load_report"]

_HOMES = {"GradingRun": "engine", "Progress": "engine", "grade": "engine", "load_report": "ledger",
          "FAILED": "outcome", "SCORED": "outcome", "Outcome": "outcome"}


def __getattr__(name):
    """Import the engine on first use: ``coursekit grade`` starts its kernel template before that."""
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f"{__name__}.{_HOMES[name]}"), name)
    globals()[name] = value
    return value
