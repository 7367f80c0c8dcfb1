"""The environment of the commands and kernels the kit starts (nbgrader, grading kernels)."""

import os
import sys
from pathlib import Path


def environment():
    """The environment for nbgrader commands and the kernels they start.

    nbgrader runs ``alembic`` and Jupyter kernels by name, so the virtual
    environment's ``bin`` comes first on PATH even when it is not activated.
    Each kernel computes on one thread: grading runs kernels side by side, and
    torch's threads fighting over the cores made a notebook ten times slower.
    nbgrader's own SQLAlchemy warnings about its session (``SAWarning`` from
    ``nbgrader.api``) are silenced: they are about nbgrader's internals, not
    the course.
    """
    scripts = str(Path(sys.executable).parent)
    return {**os.environ, "PATH": scripts + os.pathsep + os.environ.get("PATH", ""),
            "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS", "1"),
            "PYTHONWARNINGS": "ignore:::nbgrader.api"}
