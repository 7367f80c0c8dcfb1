"""Source and release notebooks: in sync with reference, fresh, leak-free, graded right."""

import ast
import importlib
import json

import nbformat
from support.course import ROOT

from coursekit import build
from coursekit.specs import all_specs


def cells_by_grade_id(path):
    nb = nbformat.read(path, as_version=4)
    return {c.metadata["nbgrader"]["grade_id"]: c for c in nb.cells if "nbgrader" in c.metadata}


def graded_functions(assignment):
    return [name for name, spec in all_specs().items() if spec.assignment == assignment]


def test_sync_is_clean(assignment):
    assert build.sync(assignment, ROOT, check=True) == [], "run `make sync`"


def test_every_exercise_has_solution_spec_and_test(assignment):
    cells = cells_by_grade_id(build.source_path(assignment, ROOT))
    names = graded_functions(assignment)
    assert names, f"no spec for {assignment}"
    for name in names:
        assert cells[name].metadata["nbgrader"]["solution"], name
        tests = [c for gid, c in cells.items() if gid.startswith(f"test_{name}")]
        assert tests and all(c.metadata["nbgrader"]["grade"] for c in tests), name
        assert any(f'check("{name}", {name})' in c.source for c in tests), f"no hidden check of {name}"


def test_source_outputs_are_cleared(assignment):
    nb = nbformat.read(build.source_path(assignment, ROOT), as_version=4)
    assert all(not c.get("outputs") and c.get("execution_count") is None
               for c in nb.cells if c.cell_type == "code")


def test_release_is_fresh(graded_course, assignment):
    """Regenerating the release from the source changes nothing."""
    fresh = json.loads(graded_course.release.read_text())
    committed = json.loads(build.release_path(assignment, ROOT).read_text())
    assert fresh == committed, "release/ is stale: run `make release`"


def test_release_leaks_nothing(assignment):
    text = build.release_path(assignment, ROOT).read_text()
    for marker in ("BEGIN SOLUTION", "END SOLUTION", "HIDDEN TESTS", "coursekit import", "check("):
        assert marker not in text, marker
    nb = nbformat.read(build.release_path(assignment, ROOT), as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            for node in ast.walk(ast.parse(_python_only(cell.source))):
                if isinstance(node, (ast.Import, ast.ImportFrom)):
                    modules = [a.name for a in node.names] + [getattr(node, "module", None) or ""]
                    assert not any(m.split(".")[0] in ("reference", "coursekit") for m in modules)
    module = importlib.import_module(f"reference.{assignment}")
    source = nbformat.read(build.source_path(assignment, ROOT), as_version=4)
    elsewhere = "\n".join(c.source for c in source.cells
                          if not c.metadata.get("nbgrader", {}).get("solution"))
    for name in graded_functions(assignment):
        body = build.render_solution(getattr(module, name)).split("### BEGIN SOLUTION")[1]
        solution_lines = {line.strip() for line in body.split("\n")[1:-1] if len(line.strip()) > 12}
        leaked = [line for line in solution_lines if line in text and line not in elsewhere]
        assert not leaked, f"{name}: {leaked}"


def _python_only(source):
    """Drop IPython magics so that the cell parses as Python."""
    return "\n".join(line for line in source.split("\n") if not line.lstrip().startswith(("%", "!")))


def test_source_gets_full_marks(graded_course, assignment):
    assert graded_course.scores()["source-notebook"] == graded_course.max_scores()


def test_release_gets_zero(graded_course, assignment):
    got = graded_course.scores()["release-notebook"]
    assert got and set(got.values()) == {0}


def test_release_runs_and_fails_only_at_the_stubs(graded_course, assignment):
    """Executed as handed out, the release's only errors come from the unwritten exercises."""
    nb = nbformat.read(graded_course.autograded("release-notebook"), as_version=4)
    errors = [(c.metadata.get("nbgrader", {}).get("grade_id"), o.ename)
              for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert errors, "the visible tests should fail on the stubs"
    assert {ename for _, ename in errors} == {"NotImplementedError"}, errors
