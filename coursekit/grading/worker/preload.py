"""The entry point of the local workers' fork server, which imports it once for all of them.

It applies the process-wide speed-ups (``coursekit.speedups.apply``) before anything imports
jsonschema, then imports the worker, so that every worker forked from the server starts with
both.
"""

from coursekit import speedups

speedups.apply()

from coursekit.grading.worker import worker  # noqa: E402,F401 -- after the speed-ups, as documented
