"""What the prewarmed kernels import: what the assignment's notebooks import, nothing fixed."""

import nbformat
from nbformat import v4

from coursekit.grading.kernels.modules import notebook_modules


def notebook(path, *sources):
    """Write a notebook of code cells ``sources`` at ``path``; return the path."""
    nbformat.write(v4.new_notebook(cells=[v4.new_code_cell(source) for source in sources]), path)
    return path


def test_a_plain_course_prewarms_only_what_its_notebooks_import(tmp_path):
    first = notebook(tmp_path / "problem1.ipynb", "import math\nassert math.sqrt(4) == 2")
    second = notebook(tmp_path / "problem2.ipynb", "from json import dumps", "%matplotlib inline")
    assert notebook_modules([first, second]) == ("math", "json")  # neither torch nor matplotlib
    assert notebook_modules([notebook(tmp_path / "blank.ipynb", "x = 1")]) == ()


def test_a_notebook_that_checks_with_coursekit_prewarms_what_check_needs(tmp_path):
    checked = notebook(tmp_path / "course.ipynb", "import torch", "from coursekit import check")
    found = notebook_modules(checked)
    assert {"torch", "numpy", "coursekit.check", "torch._dynamo"} <= set(found)
    assert "matplotlib.pyplot" not in found
