"""The worker's side: read, sanitize and execute one submission; never writes the gradebook.

``worker`` is the task a local pool process or a Dask worker runs, ``execute`` nbgrader's
``Execute`` on a warm kernel made robust to dying kernels and output floods, ``sanitize``
nbgrader's sanitizing stage and what its warnings mean for a submission.
"""
