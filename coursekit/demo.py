"""The demo: release every assignment, grade a class of example submissions, report.

The class is made of the fixture submissions under ``tests/submissions``: each
scenario is a student named after it, so the score table shows at a glance
that correct alternatives get full marks and each mistake loses the points of
its own exercise.
"""

from pathlib import Path

from rich.console import Console
from rich.table import Table

from coursekit import build, course, scenarios


def enroll(root, assignment):
    """Copy every fixture of ``assignment`` into ``submitted/`` under the scenario's name."""
    found = scenarios.scenarios(assignment, root)
    for name, scenario in found.items():
        course.submit(root, name, assignment, scenario.path.with_suffix(".ipynb"))
    return found


def score_table(assignment, found, got, max_scores):
    """A rich table of every student's score per grade cell, against the expected score."""
    table = Table(title=f"{assignment}: scores per grade cell (expected in brackets where it differs)")
    table.add_column("student")
    for cell in max_scores:
        table.add_column(cell.removeprefix("test_"), justify="right")
    table.add_column("total", justify="right")
    table.add_column("as expected")
    mismatches = 0
    for name, scenario in found.items():
        expected = scenario.expected(max_scores)
        scores = got.get(name, {})
        row = [f"{scores.get(c, 0):g}" + ("" if scores.get(c) == expected[c] else f" [{expected[c]:g}]")
               for c in max_scores]
        ok = scores == expected
        mismatches += not ok
        total = f"{sum(scores.values()):g} / {sum(max_scores.values()):g}"
        table.add_row(name, *row, total, "yes" if ok else "[bold red]NO[/]")
    return table, mismatches


def run(root=".", console=None):
    """Run the whole demo in the course directory ``root``; return the number of surprises."""
    console = console or Console()
    root = Path(root)
    surprises = 0
    for assignment in build.assignments(root):
        console.rule(assignment)
        console.print(f"releasing {build.release(assignment, root)}")
        found = enroll(root, assignment)
        console.print(f"grading {len(found)} submissions with nbgrader autograde ...")
        course.autograde(root, assignment)
        max_scores = course.max_scores(root, assignment)
        table, mismatches = score_table(assignment, found, course.scores(root, assignment), max_scores)
        console.print(table)
        surprises += mismatches
        course.generate_feedback(root, assignment)
        console.print(f"feedback: {root / 'feedback'}/<student>/{assignment}/{assignment}.html")
    return surprises
