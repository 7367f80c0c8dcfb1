"""Otter's scores against ``coursekit grade``'s, fixture by fixture (``make otter-check``).

Each fixture scenario under ``tests/submissions/<assignment>/`` is written into
the Otter student notebook, graded by ``otter run`` with the exported
autograder (the kit taken from the grading wheel alone), and graded by
``coursekit grade`` as an nbgrader submission in a scratch course. The table
shows both scores of every question and whether they agree.
"""

import json
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import typer
from rich.console import Console
from rich.table import Table

from coursekit import build, course, scenarios
from coursekit.gradescope import export

#: ``otter run`` processes side by side.
PARALLEL = 2


def otter_exercise(cell):
    """The function an Otter student notebook's exercise cell holds, else None."""
    names = cell.metadata.get("coursekit", {}).get("reference", [])
    answer = "otter_answer_cell" in cell.metadata.get("tags", [])
    return names[0] if answer and cell.cell_type == "code" and len(names) == 1 else None


def otter_submission(scenario, folder, target):
    """Write ``scenario`` into the Otter student notebook of the export ``folder``, at ``target``."""
    nb = nbformat.read(export.student_notebook(folder, scenario.assignment), as_version=4)
    nbformat.write(scenario.fill(nb, otter_exercise), target)
    return target


def otter_run(folder, submission, niceness=0):
    """Grade ``submission`` with ``otter run`` and the export's autograder; return question -> score.

    Otter needs the submission to be the only notebook of its folder, and writes
    ``results.json`` (Gradescope's format) there.
    """
    submission = Path(submission)
    out = submission.parent / "otter-results"
    out.mkdir(exist_ok=True)
    command = [sys.executable, "-m", "otter", "run", "--no-logo", "-a", str(export.autograder_zip(folder)),
               "-o", str(out), str(submission)]
    if niceness:
        command = ["nice", "-n", str(niceness), *command]
    done = subprocess.run(command, cwd=submission.parent, capture_output=True, text=True,
                          env=export.kit_environment(Path(folder) / "kit"))
    results = out / "results.json"
    if done.returncode or not results.exists():
        raise RuntimeError(f"otter run {submission} failed:\n{done.stdout}{done.stderr}")
    tests = json.loads(results.read_text())["tests"]
    return {t["name"]: t["score"] for t in tests if t.get("max_score") is not None}


def otter_grade(folder, scenario, scratch, niceness=0):
    """``otter run``'s scores of one scenario, written into ``scratch/<assignment>/<scenario>/``."""
    target = Path(scratch) / scenario.assignment / scenario.name / f"{scenario.assignment}.ipynb"
    target.parent.mkdir(parents=True, exist_ok=True)
    return otter_run(folder, otter_submission(scenario, folder, target), niceness)


def otter_scores(folder, assignment, names, scratch, niceness=0):
    """``otter run``'s scores of the named scenarios: scenario -> question -> score."""
    found = scenarios.scenarios(assignment)
    with ThreadPoolExecutor(PARALLEL) as pool:
        return dict(zip(names, pool.map(lambda name: otter_grade(folder, found[name], scratch, niceness),
                                        names)))


def engine_scores(assignment, names, scratch):
    """``coursekit grade``'s scores of the named scenarios, in a scratch course."""
    from coursekit import grading

    root = Path(scratch) / f"course-{assignment}"
    shutil.copytree(build.source_path(assignment).parent, root / "source" / assignment)
    shutil.copy("nbgrader_config.py", root)
    build.release(assignment, root)
    found = scenarios.scenarios(assignment)
    for name in names:
        course.submit(root, name, assignment, found[name].path.with_suffix(".ipynb"))
    grading.grade(root, assignment, list(names))
    return course.scores(root, assignment), course.max_scores(root, assignment)


def table(assignment, otter, engine, max_scores):
    """A rich table of both graders' scores per question; and how many scenarios differ."""
    result = Table(title=f"{assignment}: otter run / coursekit grade, per question")
    result.add_column("fixture")
    for cell in max_scores:
        result.add_column(cell.removeprefix("test_"), justify="right")
    result.add_column("equal")
    differ = 0
    for name in sorted(otter):
        pairs = [(otter[name].get(c), engine.get(name, {}).get(c)) for c in max_scores]
        same = all(a is not None and a == b for a, b in pairs)
        differ += not same
        result.add_row(name, *(f"{a:g} / {b:g}" if None not in (a, b) else f"{a} / {b}" for a, b in pairs),
                       "yes" if same else "[bold red]NO[/]")
    return result, differ


def main(assignments: list[str] = typer.Argument(None, help="Assignments (default: all).")):
    """Export, then grade every fixture with ``otter run`` and ``coursekit grade``; print the tables."""
    console = Console(width=200)
    differ = 0
    with tempfile.TemporaryDirectory(prefix="otter-check-") as scratch:
        for assignment in assignments or build.assignments():
            folder = export.export(assignment)
            names = sorted(scenarios.scenarios(assignment))
            engine, max_scores = engine_scores(assignment, names, scratch)
            otter = otter_scores(folder, assignment, names, scratch)
            shown, count = table(assignment, otter, engine, max_scores)
            console.print(shown)
            differ += count
    console.print(f"{differ} fixtures scored differently" if differ else "every fixture scored the same")
    raise typer.Exit(1 if differ else 0)


if __name__ == "__main__":
    typer.run(main)
