"""Translated editions of an assignment, from the English source and a gettext catalog.

``catalog`` keeps ``source/<assignment>/locale/<language>.po`` in step with the English
source notebook (one entry per markdown cell, visible-test message and feedback message,
keyed by the cell's id and holding the English text it translates); ``edition`` builds the
edition's source notebook from both; ``feedback`` translates the messages a student reads
when a hidden check fails. Only ``feedback`` is imported by the checks and the trusted judge.
"""
