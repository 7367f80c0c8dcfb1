"""The exercise specs of every assignment, one module per assignment.

Each module ``coursekit.specs.<assignment>`` defines ``SPECS``, a list of
``ExerciseSpec`` instances, one per graded function. Modules whose names start
with an underscore hold what an assignment's specs share; they are not assignments.
"""

import importlib
import pkgutil


def all_specs():
    """Return every spec of every assignment, keyed by function name."""
    specs = {}
    for module in pkgutil.iter_modules(__path__):
        if module.name.startswith("_"):  # shared helpers, not an assignment
            continue
        for spec in importlib.import_module(f"{__name__}.{module.name}").SPECS:
            specs[spec.name] = spec
    return specs


def spec_for(name):
    """Return the spec of the graded function ``name``.

    Raises
    ------
    KeyError
        With the known names, when no assignment grades ``name``.
    """
    specs = all_specs()
    if name not in specs:
        raise KeyError(f"no exercise is called {name!r}; known: {', '.join(sorted(specs))}")
    return specs[name]
