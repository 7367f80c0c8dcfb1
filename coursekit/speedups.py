"""Process-wide speed-ups, applied by an explicit call from each process's entry point.

``coursekit.cli.main``, the grading workers' entry point (``grading.worker.preload``) and the
test session call ``apply()`` before anything imports nbformat or jsonschema; importing
coursekit changes nothing by itself. ``grading.worker.sanitize.check_schemas_once``, the other
process-wide change, is called by the worker and the recorder before they run nbgrader's
preprocessors.
"""

import importlib
import importlib.util
import sys
import types


def defer_iri_grammar():
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


def apply():
    """Apply every speed-up of this module to this process (safe to call again)."""
    defer_iri_grammar()
