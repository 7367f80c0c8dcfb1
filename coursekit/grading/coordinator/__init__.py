"""The coordinator: a whole run, and the only writer of the gradebook and the grading ledger.

``engine`` runs the stages, ``snapshot`` and ``submissions`` say what to grade, ``executors``
hand jobs to a local pool or a Dask cluster, ``recorder`` writes what comes back into the
gradebook and ``autograded/`` (with the trusted verdicts of ``verdicts`` in secure mode) and
``ledger`` into ``grading-report.json``.
"""
