"""A small ordinary nbgrader course, for grading it three ways and comparing cell by cell.

Nothing in it knows coursekit: plain ``assert`` grade cells, a grade cell whose numeric
result is partial credit, hidden tests, a locked cell, a manually graded answer, two notebooks
in one assignment (``ps1``: ``problem1`` and ``problem2``) and a locked cell that writes a
file (``side-effect.txt``), as in nbgrader's own test fixtures. Its students are scenarios,
each the released notebooks with a named change (``partial-credit``, ``locked-cell-changed``,
``late``...).
"""

import shutil
from pathlib import Path

import nbformat
from nbformat import v4
from nbgrader.api import Gradebook
from nbgrader.utils import parse_utc

from coursekit import course

ASSIGNMENT = "ps1"
NOTEBOOKS = ("problem1", "problem2")
DUE = "2026-06-01 12:00:00 UTC"
ON_TIME = "2026-06-01 11:00:00.000000 UTC"
LATE = "2026-06-02 12:00:00.000000 UTC"  # a day late
#: Seconds a cell may run: the ``timeout`` student's loop is cut after this.
TIMEOUT = 5
SIDE_EFFECT = "side-effect.txt"

CONFIG = f"""c = get_config()  # noqa: F821
c.CourseDirectory.course_id = "plain"
c.ClearSolutions.code_stub = {{"python": "raise NotImplementedError()"}}
c.ExecutePreprocessor.timeout = {TIMEOUT}
c.LateSubmissionPlugin.penalty_method = "zero"
"""

SQUARES = '''def squares(n):
    """The squares of the numbers from 1 to n."""
    ### BEGIN SOLUTION
    if n < 1:
        raise ValueError("n must be at least 1")
    return [i ** 2 for i in range(1, n + 1)]
    ### END SOLUTION'''

MEAN = '''def mean(values):
    """The arithmetic mean of a list of numbers."""
    ### BEGIN SOLUTION
    return sum(values) / len(values)
    ### END SOLUTION'''


def cell(kind, source, grade_id=None, points=0, grade=False, solution=False, locked=False):
    """A notebook cell with nbgrader's metadata (none for ``grade_id`` None)."""
    made = v4.new_code_cell(source) if kind == "code" else v4.new_markdown_cell(source)
    if grade_id:
        made.metadata["nbgrader"] = {"grade": grade, "solution": solution, "locked": locked, "task": False,
                                     "grade_id": grade_id, "schema_version": 3,
                                     **({"points": points} if grade else {})}
    return made


def notebooks():
    """The instructor's notebooks of ``ps1``, by id."""
    problem1 = [
        cell("markdown", "# Squares\nWrite `squares(n)`."),
        cell("code", "GIVEN = [1, 4, 9]", "given", locked=True),
        cell("code", SQUARES, "squares", solution=True),
        cell("code", "assert squares(1) == [1]\nassert squares(3) == GIVEN", "correct_squares", 1,
             grade=True),
        cell("code", "try:\n    squares(0)\nexcept ValueError:\n    pass\nelse:\n"
                     "    raise AssertionError('squares(0) did not raise ValueError')\n"
                     "### BEGIN HIDDEN TESTS\nassert squares(10)[-1] == 100\n### END HIDDEN TESTS",
             "squares_invalid_input", 1, grade=True),
        cell("code", "# partial credit: the share of the first five squares that are right, of 2 points\n"
                     "right = sum(a == b for a, b in zip(squares(5), [1, 4, 9, 16, 25]))\n2 * right / 5",
             "partial_squares", 2, grade=True),
    ]
    problem2 = [
        cell("markdown", "# Means\nWrite `mean(values)`, then explain it."),
        cell("code", MEAN, "mean", solution=True),
        cell("code", "assert mean([1, 2, 3]) == 2\nassert mean([5]) == 5", "correct_mean", 2, grade=True),
        cell("markdown", "YOUR ANSWER HERE\n### BEGIN SOLUTION\nThe sum over the count.\n### END SOLUTION",
             "explain_mean", 1, grade=True, solution=True),
        cell("code", f"with open({SIDE_EFFECT!r}, 'w') as stream:\n    stream.write('written by problem2')",
             "write_file", locked=True),
    ]
    made = {}
    for name, cells in (("problem1", problem1), ("problem2", problem2)):
        nb = v4.new_notebook(cells=cells)
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        made[name] = nb
    return made


def build(root):
    """Make ``root`` the course with ``ps1`` released (by nbgrader) and due at ``DUE``."""
    root = Path(root)
    (root / "source" / ASSIGNMENT).mkdir(parents=True)
    (root / "nbgrader_config.py").write_text(CONFIG)
    for name, nb in notebooks().items():
        nbformat.write(nb, root / "source" / ASSIGNMENT / f"{name}.ipynb")
    course.nbgrader(root, "generate_assignment", ASSIGNMENT, "--force")
    with Gradebook(course.db_url(root)) as gb:  # `nbgrader db assignment add --duedate`, in this process
        gb.update_or_create_assignment(ASSIGNMENT, duedate=parse_utc(DUE))


def _set(nb, grade_id, source):
    """Replace the source of the cell ``grade_id`` of ``nb``."""
    for each in nb.cells:
        if each.metadata.get("nbgrader", {}).get("grade_id") == grade_id:
            each.source = source
    return nb


def _squares(body):
    """A student's ``squares`` with ``body`` after its check of ``n``."""
    return f"def squares(n):\n    if n < 1:\n        raise ValueError()\n{body}"


#: Every student: the ``problem1`` solution (None: the release's stub), the cells changed besides
#: (grade id to source), and whether the submission is late.
SCENARIOS = {
    "unchanged": (None, {}, False),
    "correct": (SQUARES, {}, False),
    # right for the visible tests, wrong for the hidden one and for the partial credit's last two squares
    "partial-credit": (_squares("    return [i * i if i < 4 else i for i in range(1, n + 1)]"), {}, False),
    "locked-cell-changed": (SQUARES, {"given": "GIVEN = [0]"}, False),
    "grade-cell-changed": (None, {"correct_squares": "pass"}, False),
    "late": (SQUARES, {}, True),
    "timeout": (_squares("    while n == 10:\n        pass\n    return [i ** 2 for i in range(1, n + 1)]"),
                {}, False),
    "missing-notebook": (SQUARES, {}, False),
}
#: Notebooks some students did not submit: ``missing-notebook`` lacks one of two, ``empty-folder``
#: submitted an empty folder (nbgrader skips it: no student).
LEFT_OUT = {"missing-notebook": ("problem2",), "empty-folder": NOTEBOOKS}


def submit(root, student, scenario):
    """Submit ``scenario``'s notebooks (and its ``timestamp.txt``) as ``student``."""
    root = Path(root)
    squares, changed, late = SCENARIOS.get(scenario, (None, {}, None))
    released = {name: nbformat.read(root / "release" / ASSIGNMENT / f"{name}.ipynb", as_version=4)
                for name in NOTEBOOKS}
    if squares is not None:
        _set(released["problem1"], "squares", squares)
        _set(released["problem2"], "mean", MEAN)
        _set(released["problem2"], "explain_mean", "The sum over the count.")
    for grade_id, source in changed.items():
        _set(released["problem1"], grade_id, source)
    folder = root / "submitted" / student / ASSIGNMENT
    folder.mkdir(parents=True)
    for name, nb in released.items():
        if name not in LEFT_OUT.get(scenario, ()):
            nbformat.write(nb, folder / f"{name}.ipynb")
    if late is not None:
        (folder / "timestamp.txt").write_text(LATE if late else ON_TIME)


def submit_class(root):
    """Submit every scenario as a student of its name, and the ``empty-folder`` student."""
    for student in [*SCENARIOS, "empty-folder"]:
        submit(root, student, student)


def copy(built, root):
    """A copy of the course ``built`` at ``root``, with its class submitted."""
    shutil.copytree(built, root)
    submit_class(root)
    return Path(root)
