"""``coursekit export otter``: the Otter autograders give ``coursekit grade``'s scores and leak nothing.

Each assignment is exported once per session (the real ``otter assign``); its
CI fixtures are written into the Otter student notebook and graded by the real
``otter run``, with the kit taken from the grading wheel alone, in the session's
background threads (``exported`` in ``conftest.py``). The engine's
scores come from the secure run that ``test_grade.py`` shares (``engine_grader``).
"""

import ast
import json
import re
import textwrap
import zipfile

import nbformat
import pytest
import yaml
from nbclient import NotebookClient
from support.course import ROOT

from coursekit import build, course, scenarios
from coursekit.gradescope import export, master, scores

pytestmark = pytest.mark.slow  # exports and runs Otter autograders


@pytest.mark.sandbox
def test_otter_scores_equal_coursekit_grade(exported, engine_grader, assignment):
    folder, otter = exported(assignment)
    root, run = engine_grader(assignment, "secure")
    engine = {o.student: o.grades for o in run.outcomes}
    found = scenarios.scenarios(assignment, ROOT)
    for name, got in otter.items():
        expected = found[name].expected(course.max_scores(root, assignment))
        assert got == engine[name] == expected, name


def test_autograder_zip_is_self_contained(exported, assignment):
    """The zip ships the grading wheel, installs it with torch's CPU build, and runs the course's plugin."""
    folder, _ = exported(assignment)

    with zipfile.ZipFile(export.autograder_zip(folder)) as archive:
        names = archive.namelist()
        environment = archive.read("environment.yml").decode()
        config = json.loads(archive.read("otter_config.json"))
        tests = {n for n in names if n.startswith("tests/")}
    wheels = [n for n in names if n.startswith("files/coursekit_grading-") and n.endswith(".whl")]
    assert len(wheels) == 1
    assert f"/autograder/source/{wheels[0]}" in environment
    assert "torch==2.13.0+cpu" in environment and "whl/cpu" in environment
    assert config["plugins"] == [master.PLUGIN]
    grade_cells = [c.metadata["nbgrader"]["grade_id"] for c in source_cells(assignment)
                   if master.is_autograded_test(c)]
    assert tests == {f"tests/{name}.py" for name in grade_cells}
    kit = folder / "kit"
    assert (kit / "reference").is_dir() and (kit / "coursekit" / "check.py").exists()
    assert not (kit / "coursekit" / "grading").exists(), "the grading engine has no place in the wheel"


def source_cells(assignment):
    return nbformat.read(build.source_path(assignment, ROOT), as_version=4).cells


def test_master_notebook_has_one_question_per_grade_cell(assignment):
    nb = master.master_notebook(nbformat.read(build.source_path(assignment, ROOT), as_version=4),
                                assignment, "raise NotImplementedError()", "kit.whl")
    questions = {}
    for cell in nb.cells:
        if cell.cell_type == "raw" and cell.source.startswith("# BEGIN QUESTION"):
            config = yaml.safe_load(cell.source.split("\n", 1)[1])
            questions[config.pop("name")] = config
    graded = {c.metadata["nbgrader"]["grade_id"]: c.metadata["nbgrader"] for c in source_cells(assignment)
              if c.metadata.get("nbgrader", {}).get("grade")}
    assert set(questions) == set(graded)
    for name, config in questions.items():
        assert config["points"] == graded[name]["points"], name
        if graded[name].get("solution"):
            assert config["manual"] is True, name
        else:
            assert config["all_or_nothing"] is True, name


def test_student_notebook_leaks_nothing(exported, assignment):
    folder, _ = exported(assignment)
    path = export.student_notebook(folder, assignment)
    text = path.read_text()
    for marker in ("BEGIN SOLUTION", "END SOLUTION", "HIDDEN", "coursekit import", "PROMPT"):
        assert marker not in text, marker
    assert not re.search(r"(?<!grader\.)check\(", text), "a hidden check() call"
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            code = "\n".join(line for line in cell.source.split("\n")
                             if not line.lstrip().startswith(("%", "!")))
            for node in ast.walk(ast.parse(code)):
                if isinstance(node, (ast.Import, ast.ImportFrom)):
                    modules = [a.name for a in node.names] + [getattr(node, "module", None) or ""]
                    assert not any(m.split(".")[0] in ("reference", "coursekit") for m in modules)
    solutions = [c.source for c in source_cells(assignment) if master.is_exercise(c)]
    for source in solutions:
        body = source.split("### BEGIN SOLUTION")[1].split("### END SOLUTION")[0]
        lines = {line.strip() for line in body.split("\n") if len(line.strip()) > 12}
        elsewhere = "\n".join(c.source for c in source_cells(assignment) if not master.is_exercise(c))
        assert not [line for line in lines if line in text and line not in elsewhere]
    public = nb.metadata["otter"]["tests"]
    assert all(not case["hidden"] for test in public.values() for case in test["suites"][0]["cases"])


KIT_BLOCKER = textwrap.dedent('''\
    """Stand in for a student's machine: neither coursekit nor reference can be imported."""
    import sys


    class NoKit:
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in ("coursekit", "reference"):
                raise ModuleNotFoundError(f"No module named {name!r}")


    sys.meta_path.insert(0, NoKit())
''')


def run_as_student(notebook, workdir):
    """Execute a student's Otter notebook top to bottom in a kernel that cannot import the kit."""
    blocker = workdir / "no-kit"
    blocker.mkdir(exist_ok=True)
    (blocker / "sitecustomize.py").write_text(KIT_BLOCKER)
    env = {**build.environment(), "PYTHONPATH": str(blocker), "NBGRADER_EXECUTION": "validate"}
    nb = nbformat.read(notebook, as_version=4)
    client = NotebookClient(nb, timeout=300, kernel_name="python3", allow_errors=True,
                            resources={"metadata": {"path": str(notebook.parent)}})
    client.execute(env=env)
    return nb


def check_outputs(nb):
    """``grader.check`` cell -> the text it displayed."""
    shown = {}
    for cell in nb.cells:
        if cell.cell_type == "code" and cell.source.startswith("grader.check("):
            shown[cell.source] = "\n".join(str(o.get("data", {}).get("text/plain", o.get("text", "")))
                                           for o in cell.outputs)
    return shown


def errors(nb):
    return [o.ename for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]


def test_student_notebook_runs_without_the_kit(exported, assignment, tmp_path):
    """As handed out, it runs top to bottom where neither coursekit nor reference can be imported.

    Its only errors are the stubs' ``NotImplementedError``; every ``grader.check`` runs the
    visible tests and says they failed. (That they pass for correct code is what the
    all-correct fixture's full marks from ``otter run`` show.)
    """
    folder, _ = exported(assignment)
    target = tmp_path / f"{assignment}.ipynb"
    scores.otter_submission(scenarios.scenarios(assignment, ROOT)["blank"], folder, target)
    nb = run_as_student(target, tmp_path)
    shown = check_outputs(nb)
    assert shown and "ModuleNotFoundError" not in json.dumps(nb)
    assert set(errors(nb)) == {"NotImplementedError"}
    assert all("failed" in text for text in shown.values()), shown


@pytest.mark.parametrize("assignment", ["deep_linear_networks"])
def test_visible_test_messages_are_the_releases(exported, graded_course, assignment, tmp_path):
    """A wrong answer gets from ``grader.check`` the visible test's message that nbgrader shows."""
    name, question = "wrong-svd-returns-vh", "test_net_svd"
    autograded = nbformat.read(graded_course.autograded(name), as_version=4)
    cell = next(c for c in autograded.cells if c.metadata.get("nbgrader", {}).get("grade_id") == question)
    message = next(o.evalue for o in cell.outputs if o.output_type == "error")
    assert message
    folder, _ = exported(assignment)
    target = tmp_path / f"{assignment}.ipynb"
    scores.otter_submission(scenarios.scenarios(assignment, ROOT)[name], folder, target)
    shown = check_outputs(run_as_student(target, tmp_path))
    assert message in shown[f'grader.check("{question}")']
