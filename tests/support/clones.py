"""A copy of the course whose own ``coursekit`` and ``reference`` are imported, as in a clone."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

from support.course import ROOT

COURSEKIT = str(Path(sys.executable).with_name("coursekit"))
FILLED = ROOT / "tests" / "authoring"


def copy_course(root):
    """A copy of the course with no assignment, whose own packages are the ones imported."""
    root.mkdir()
    shutil.copy(ROOT / "nbgrader_config.py", root)
    shutil.copytree(ROOT / "coursekit", root / "coursekit", ignore=shutil.ignore_patterns("__pycache__"))
    (root / "reference").mkdir()
    shutil.copy(ROOT / "reference" / "__init__.py", root / "reference")
    return root


def coursekit(root, *args, expect=0, own_packages=True):
    """Run ``coursekit ARGS`` in the course ``root``; return its output.

    With ``own_packages`` the course's ``coursekit`` and ``reference`` are imported (as in a
    clone installed into its environment); without, the installed ones of this repository.
    """
    env = {**os.environ, "PYTHONPATH": str(root) if own_packages else ""}
    done = subprocess.run([COURSEKIT, *args], cwd=root, env=env, capture_output=True, text=True, timeout=600)
    output = done.stdout + done.stderr
    assert done.returncode == expect, f"coursekit {' '.join(args)} exited {done.returncode}:\n{output}"
    return output
