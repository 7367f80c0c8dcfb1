"""The course on Gradescope: each assignment exported as an Otter-Grader autograder.

``master`` turns an nbgrader source notebook into an Otter master notebook,
``export`` builds the grading wheel and runs ``otter assign`` on it, ``scores``
grades fixture submissions with ``otter run``, and ``plugin`` is the Otter
plugin that the autograder runs on Gradescope. This module imports nothing, so
that the grading wheel can ship the plugin without the exporter's dependencies.
"""
