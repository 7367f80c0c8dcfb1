"""Tooling of the course kit: checks, notebook sync and release, grading."""

from coursekit.check import check

__all__ = ["check"]
