"""``coursekit new``: scaffold a working assignment with one example exercise.

It writes the four parts of an assignment (see ``docs/authoring.md``):
``reference/<assignment>.py``, ``coursekit/specs/<assignment>.py``, the source
notebook ``source/<assignment>/<assignment>.ipynb`` (import cell with
``GRADING``, figure settings, the exercise's solution cell and its grade cell)
and fixture scenarios under ``tests/submissions/<assignment>/``. The example
exercise is a mean squared error in numpy; the instructor renames it and makes
it their own. Nothing needs registering: the assignment is found from ``source/``
and its spec from ``coursekit/specs/``.
"""

import importlib
from pathlib import Path

import nbformat

from coursekit import build

REFERENCE = '''"""Reference solutions of ``__ASSIGNMENT__``: its graded functions and the code students get.

``coursekit sync`` copies these functions into the source notebook's cells that name them
(cell metadata ``coursekit.reference``), so they use only names the notebook's import cell defines.
"""

import numpy as np


def __EXERCISE__(prediction, target):
    """Mean squared error between a prediction and its target.

    Parameters
    ----------
    prediction : numpy.ndarray
        Predicted values, any shape.
    target : numpy.ndarray
        Target values, of the same shape as ``prediction``.

    Returns
    -------
    float
        The mean over every entry of ``(prediction - target) ** 2``.
    """
    return float(np.mean((prediction - target) ** 2))
'''

SPEC = '''"""Specs of the graded functions of ``__ASSIGNMENT__``."""

import numpy as np

from coursekit.spec import ExerciseSpec, as_array, call, compare


class __CLASS__(ExerciseSpec):
    """``__EXERCISE__(prediction, target)``: compared with the mean of the squared differences."""

    name = "__EXERCISE__"
    assignment = "__ASSIGNMENT__"
    summary = "The mean over every entry of (prediction - target) ** 2, as one number."

    def cases(self):
        return [{"seed": 1, "shape": [5]}, {"seed": 2, "shape": [4, 3]}]

    def describe(self, case):
        return f"__EXERCISE__(prediction, target of shape {tuple(case['shape'])})"

    def observe(self, fn, case):
        rng = np.random.default_rng(case["seed"])
        prediction, target = rng.normal(size=case["shape"]), rng.normal(size=case["shape"])
        return {"error": as_array(call(fn, prediction, target), "__EXERCISE__'s result")}

    def judge(self, observed, expected, case):
        if observed["error"].shape != ():
            return [f"the result has shape {observed['error'].shape}: it should be one number, "
                    "the mean over every entry."]
        problem = compare("the error", observed["error"], expected["error"], rtol=1e-9, atol=1e-12)
        return [problem] if problem else []


SPECS = [__CLASS__()]
'''

IMPORTS = '''# Imports
import os

import matplotlib.pyplot as plt
import numpy as np

# True while the notebook is being graded: long demos then use a smaller budget.
GRADING = "NBGRADER_EXECUTION" in os.environ'''

FIGURES = '''# @title Figure settings
%matplotlib inline
plt.rcParams.update({"figure.dpi": 80, "axes.spines.top": False, "axes.spines.right": False})

if GRADING:
    # Nobody looks at the figures of a grading run, and drawing them took most of its time.
    def close_figures(*args, **kwargs):
        """Stand-in for plt.show while grading: discard the figures instead of drawing them."""
        plt.close("all")

    plt.show = close_figures

    def skip_layout(*args, **kwargs):
        """Stand-in for Figure.tight_layout while grading: it measures text by drawing it."""

    plt.Figure.tight_layout = skip_layout'''

TEST = '''prediction = np.array([1.0, 2.0, 3.0])
target = np.array([1.0, 0.0, 5.0])
error = __EXERCISE__(prediction, target)
assert np.shape(error) == (), f"the error should be one number, not an array of shape {np.shape(error)}"
assert np.isclose(error, 8 / 3), f"__EXERCISE__ gave {error}, expected (0 + 4 + 4) / 3 = 2.667"
### BEGIN HIDDEN TESTS
from coursekit import check
check("__EXERCISE__", __EXERCISE__)
### END HIDDEN TESTS'''

SCENARIOS = {
    "all-correct.py": '''"""Every exercise written as the reference does."""

EXPECTED = {}
''',
    "blank.py": '''"""Submitted without writing anything: every exercise still raises NotImplementedError."""

START = "release"
EXPECTED = {"test___EXERCISE__": 0}
''',
    "wrong-summed.py": '''"""__EXERCISE__ sums the squared differences instead of averaging them."""

import numpy as np

EXPECTED = {"test___EXERCISE__": 0}


def __EXERCISE__(prediction, target):
    return float(np.sum((prediction - target) ** 2))
''',
}


def nbgrader_metadata(grade_id, grade=False, solution=False, points=None):
    """The nbgrader cell metadata (schema 3) as its Create Assignment toolbar writes it."""
    meta = {"grade": grade, "grade_id": grade_id, "locked": not solution, "schema_version": 3,
            "solution": solution, "task": False}
    if points is not None:
        meta["points"] = points
    return {"nbgrader": meta}


def notebook(assignment, exercise):
    """The source notebook of a new assignment; the solution cell is left for ``coursekit sync``."""
    title = assignment.replace("_", " ").capitalize()
    v4 = nbformat.v4
    cells = [
        v4.new_markdown_cell(f"# {title}\n\nWhat students learn in this assignment, and what they build."),
        v4.new_markdown_cell("## Setup"),
        v4.new_code_cell(IMPORTS, metadata=nbgrader_metadata("setup_imports")),
        v4.new_code_cell(FIGURES, metadata=nbgrader_metadata("setup_figures")),
        v4.new_markdown_cell(f"## Exercise 1: mean squared error\n\nComplete `{exercise}`: the mean over "
                             "every entry of the squared difference between a prediction and its target."),
        v4.new_code_cell("", metadata={"coursekit": {"reference": [exercise]},
                                       **nbgrader_metadata(exercise, solution=True)}),
        v4.new_code_cell(fill(TEST, assignment, exercise),
                         metadata=nbgrader_metadata(f"test_{exercise}", grade=True, points=1)),
    ]
    nb = v4.new_notebook(cells=cells)
    nb.metadata = {"kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python",
                                  "name": "python3"}, "language_info": {"name": "python"}}
    return nb


def fill(template, assignment, exercise):
    """``template`` with the assignment's and the exercise's names put in."""
    words = exercise.split("_")
    return (template.replace("__ASSIGNMENT__", assignment).replace("__EXERCISE__", exercise)
            .replace("__CLASS__", "".join(word.capitalize() for word in words if word) or "Exercise"))


def paths(assignment, root="."):
    """Every file ``new`` writes for ``assignment``, by role."""
    root = Path(root)
    scenarios = root / "tests" / "submissions" / assignment
    return {"reference": root / "reference" / f"{assignment}.py",
            "spec": root / "coursekit" / "specs" / f"{assignment}.py",
            "notebook": build.source_path(assignment, root),
            **{f"scenario {name}": scenarios / name for name in SCENARIOS}}


def refusal(assignment, exercise, root="."):
    """Why ``new`` cannot scaffold ``assignment`` here, or None."""
    for kind, name in (("assignment", assignment), ("exercise", exercise)):
        if not name.isidentifier() or name != name.lower() or name.startswith("_"):
            return f"the {kind} name {name!r} must be a lowercase Python identifier not starting with _"
    taken = [str(path) for path in paths(assignment, root).values() if path.exists()]
    taken += [str(path) for path in [Path(root) / "reference" / assignment] if path.exists()]
    if taken:
        return f"{assignment} exists already: {', '.join(taken)}"
    foreign = build.foreign_packages(root)
    if foreign:
        return "; ".join(foreign)
    from coursekit.specs import all_specs

    if exercise in all_specs():
        return (f"an exercise called {exercise!r} exists already ({all_specs()[exercise].assignment}); "
                "exercise names are unique in a course: pass --exercise NAME")
    return None


def new(assignment, root=".", exercise="mean_squared_error"):
    """Scaffold ``assignment`` in the course ``root`` with one example exercise.

    Parameters
    ----------
    assignment : str
        The new assignment's name (folder, notebook and module name).
    root : str or Path
        The course directory.
    exercise : str
        The example exercise's function name, unique in the course.

    Returns
    -------
    list of Path
        The files written.

    Raises
    ------
    ValueError
        When a name is unusable, a file exists already, or this course's packages are not the
        ones Python imports.
    """
    problem = refusal(assignment, exercise, root)
    if problem:
        raise ValueError(problem)
    written = paths(assignment, root)
    texts = {"reference": REFERENCE, "spec": SPEC, **SCENARIOS_BY_ROLE}
    for role, path in written.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        if role == "notebook":
            nbformat.write(notebook(assignment, exercise), path)
        else:
            path.write_text(fill(texts[role], assignment, exercise))
    importlib.invalidate_caches()
    build.sync(assignment, root)
    return list(written.values())


SCENARIOS_BY_ROLE = {f"scenario {name}": text for name, text in SCENARIOS.items()}
