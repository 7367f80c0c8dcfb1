"""Tooling of the course kit: checks, notebook sync and release, grading."""

import importlib
import importlib.util
import sys
import types


def _defer_iri_grammar():
    """Build jsonschema's IRI grammar when an ``iri`` format is first checked, not at import.

    jsonschema imports ``rfc3987_syntax`` with its format checkers, and that module compiles
    some 35 Earley parsers when imported: about 3 s of CPU in every process that imports
    nbformat (python-jsonschema/jsonschema#1428), although no notebook or nbgrader schema has
    an ``iri`` format. A stand-in module takes its place until the checker is first called,
    which then imports the real one.
    """
    name = "rfc3987_syntax"
    if name in sys.modules or "jsonschema" in sys.modules or importlib.util.find_spec(name) is None:
        return
    stand_in = types.ModuleType(name, "Stand-in for rfc3987_syntax until it is first used.")

    def is_valid_syntax(*args, **kwargs):
        if sys.modules.get(name) is stand_in:
            del sys.modules[name]
        real = importlib.import_module(name)
        stand_in.is_valid_syntax = real.is_valid_syntax
        return real.is_valid_syntax(*args, **kwargs)

    stand_in.is_valid_syntax = is_valid_syntax
    sys.modules[name] = stand_in


_defer_iri_grammar()

from coursekit.check import check  # noqa: E402 -- the deferral comes first, before any jsonschema

__all__ = ["check"]
