"""Fixture submissions written as small Python files, turned into notebooks.

A scenario file ``tests/submissions/<assignment>/<scenario>.py`` holds what a
student wrote: the graded functions it changes, a module docstring saying
what the student did, and ``EXPECTED``, the score of every grade cell that
does not get full marks. Functions it does not define are taken from the
reference (``START = "reference"``, the default) or left as the release's
stubs (``START = "release"``). ``build`` writes ``<scenario>.ipynb`` beside it
from the release notebook, so fixtures follow the notebook as it changes.
"""

import ast
import importlib
import inspect
import textwrap
from pathlib import Path

import nbformat

from coursekit.build import release_path


class Scenario:
    """One scenario file: its functions, where it starts from and its expected scores."""

    def __init__(self, path):
        self.path = Path(path)
        self.name = self.path.stem
        self.assignment = self.path.parent.name
        text = self.path.read_text()
        tree = ast.parse(text)
        self.description = ast.get_docstring(tree) or ""
        self.functions = {}
        constants = {}
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                self.functions[node.name] = ast.get_source_segment(text, node, padded=False)
                if node.decorator_list:
                    start = node.decorator_list[0].lineno - 1
                    self.functions[node.name] = "\n".join(text.split("\n")[start:node.end_lineno])
            elif isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
                constants[node.targets[0].id] = ast.literal_eval(node.value)
        self.expected_losses = constants.get("EXPECTED", {})
        self.start = constants.get("START", "reference")

    def expected(self, max_scores):
        """Expected score of every grade cell, given each cell's maximum."""
        unknown = set(self.expected_losses) - set(max_scores)
        if unknown:
            raise ValueError(f"{self.path}: EXPECTED names unknown grade cells {sorted(unknown)}")
        return {cell: self.expected_losses.get(cell, top) for cell, top in max_scores.items()}

    def notebook(self, root=".", release=None):
        """The submission: the release notebook with this scenario's solutions filled in.

        ``release`` names another release of the same exercises to start from (a translated
        edition, such as ``deep_linear_networks_ja``); by default the assignment's own.
        """
        notebook = nbformat.read(release_path(release or self.assignment, root), as_version=4)
        return self.fill(notebook, release_exercise)

    def fill(self, nb, exercise_of):
        """Write this scenario's solutions into the exercise cells of a student notebook ``nb``.

        ``exercise_of(cell)`` names the function an exercise cell holds (None for other
        cells), so that the same scenario fills an nbgrader release or an Otter notebook.
        """
        module = importlib.import_module(f"reference.{self.assignment}")
        for cell in nb.cells:
            name = exercise_of(cell)
            if name is None:
                continue
            if name in self.functions:
                cell.source = self.functions[name]
            elif self.start == "reference":
                cell.source = textwrap.dedent(inspect.getsource(getattr(module, name))).rstrip("\n")
        return nb


def release_exercise(cell):
    """The function an nbgrader release's exercise cell holds (its ``grade_id``), else None."""
    meta = cell.metadata.get("nbgrader", {})
    return meta["grade_id"] if meta.get("solution") and cell.cell_type == "code" else None


def scenarios(assignment, root="."):
    """All scenarios of an assignment, by name."""
    folder = Path(root) / "tests" / "submissions" / assignment
    return {s.name: s for s in map(Scenario, sorted(folder.glob("*.py")))}


def build(assignment, root=".", check=False):
    """Write (or, with ``check``, compare) every scenario's notebook; return the stale ones."""
    stale = []
    for scenario in scenarios(assignment, root).values():
        target = scenario.path.with_suffix(".ipynb")
        text = nbformat.writes(scenario.notebook(root)) + "\n"
        if not target.exists() or target.read_text() != text:
            stale.append(scenario.name)
            if not check:
                target.write_text(text)
    return stale
