"""The warm-kernel supply: kernels forked from a template that imported the heavy modules once.

``templates`` starts and attaches to the template process (``bootstrap/zygote.py``), ``warm``
keeps one fresh kernel ahead of need for each worker (in a sandbox of its own in secure mode),
``modules`` says what they import before a submission's first cell. Runs in the coordinator
(the template it starts) and in the workers (the kernels they take).
"""
