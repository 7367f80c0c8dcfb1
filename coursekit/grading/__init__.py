"""``coursekit grade``: a parallel, resumable grading engine built on nbgrader's preprocessors.

The engine is laid out by where its code runs and whom it trusts (``docs/architecture.md``):

- ``coordinator``: a whole run, the only writer of the gradebook and the grading ledger;
- ``worker``: read, sanitize and execute one submission, in a pool process or on Dask;
- ``kernels``: the warm-kernel supply, forked from a template process;
- ``sandbox``: the sandbox of secure mode and what crosses its wall (the exports);
- ``trusted``: the trusted judge, which decides grade cells outside any sandbox;
- ``bootstrap``: what runs by path (the template, the sandbox launcher), standard library only;
- ``ui``: the console's progress and tables, the HTML report and CSV.

This module is the public API: ``cli.py`` and ``demo.py`` use nothing else. Names are imported
on first use: ``coursekit grade`` starts its kernel template (``start_template``) before the
engine's imports.
"""

__all__ = ["FAILED", "SCORED", "GradebookBusyError", "GradingOptions", "GradingRun", "LiveProgress", "Limits",
           "Outcome", "Progress",
           "SandboxError", "console_for_tables", "default_workers", "grade", "load_report", "outcome_table",
           "start_template", "write_report"]

_HOMES = {"grade": "coordinator.engine", "GradingRun": "coordinator.engine", "Progress": "coordinator.engine",
          "GradebookBusyError": "coordinator.claims",
          "GradingOptions": "options", "Limits": "sandbox.limits", "SandboxError": "sandbox.box",
          "FAILED": "outcome", "SCORED": "outcome", "Outcome": "outcome",
          "load_report": "coordinator.ledger", "default_workers": "coordinator.executors",
          "start_template": "kernels.warm", "write_report": "ui.report",
          "LiveProgress": "ui.console", "console_for_tables": "ui.console", "outcome_table": "ui.console"}
_NAMED = {"start_template": "early_template"}


def __getattr__(name):
    """Import a public name's module on first use."""
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f"{__name__}.{_HOMES[name]}"), _NAMED.get(name, name))
    globals()[name] = value
    return value
