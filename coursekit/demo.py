"""The demo: release every assignment, grade a class with ``coursekit grade``, report.

The class is synthetic: ``CLASS_SIZE`` students, each submitting every
assignment as one of its fixture submissions under ``tests/submissions``
(student ``i`` takes the ``i``-th scenario, round and round), so the score
table shows at a glance that correct alternatives get full marks and each
mistake loses the points of its own exercise. A translated edition
(``deep_linear_networks_ja``) is graded as a class of its own, whose students hand in
the same scenarios of its English assignment, made from the edition's release: the
same scores, with feedback in the edition's language. Grading is resumable: a demo
run again grades only what changed.
"""

from pathlib import Path

import nbformat
from rich.table import Table

from coursekit import build, course, grading, scenarios

CLASS_SIZE = 40


def students(size=CLASS_SIZE):
    """The synthetic class's student ids."""
    return [f"student-{number:02d}" for number in range(1, size + 1)]


def handouts(root, assignment, size=CLASS_SIZE):
    """Which fixture of ``assignment`` (of its English assignment, for an edition) each student hands in."""
    found = scenarios.scenarios(build.editions(root).get(assignment, (assignment,))[0], root)
    names = sorted(found)
    return {student: found[names[index % len(names)]] for index, student in enumerate(students(size))}


def enroll(root, assignment, size=CLASS_SIZE):
    """Submit a fixture of ``assignment`` for every student; return student -> scenario."""
    enrolled = handouts(root, assignment, size)
    for student, scenario in enrolled.items():
        if scenario.assignment == assignment:
            course.submit(root, student, assignment, scenario.path.with_suffix(".ipynb"))
        else:  # an edition: the scenario made from the edition's release
            path = Path(root) / "submitted" / student / assignment / f"{assignment}.ipynb"
            text = nbformat.writes(scenario.notebook(root, release=assignment))
            if not path.exists() or path.read_text(encoding="utf-8") != text:  # unchanged: not graded again
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")
    return enrolled


def score_table(assignment, enrolled, got, max_scores):
    """A rich table of every student's score per grade cell, against the expected score."""
    table = Table(title=f"{assignment}: scores per grade cell (expected in brackets where it differs)")
    table.add_column("student")
    table.add_column("submitted")
    for cell in max_scores:
        table.add_column(cell.removeprefix("test_"), justify="right")
    table.add_column("total", justify="right")
    table.add_column("as expected")
    mismatches = 0
    for student, scenario in enrolled.items():
        expected = scenario.expected(max_scores)
        scores = got.get(student, {})
        row = [f"{scores.get(c) or 0:g}" + ("" if scores.get(c) == expected[c] else f" [{expected[c]:g}]")
               for c in max_scores]
        ok = scores == expected
        mismatches += not ok
        total = f"{sum(s or 0 for s in scores.values()):g} / {sum(max_scores.values()):g}"
        table.add_row(student, scenario.name, *row, total, "yes" if ok else "[bold red]NO[/]")
    return table, mismatches


def run(root=".", console=None, size=CLASS_SIZE, names=None):
    """Run the demo in the course directory ``root``; return the number of surprises.

    ``names`` limits it to those assignments and editions (default: all, editions last).
    """
    console = console or grading.console_for_tables()
    root = Path(root)
    surprises = 0
    from coursekit.i18n import edition

    editions = build.editions(root)
    for assignment in names or [*build.assignments(root), *editions]:
        console.rule(assignment)
        if assignment in editions:
            edition.build_edition(*editions[assignment], root)
        console.print(f"releasing {build.release(assignment, root)}")
        enrolled = enroll(root, assignment, size)
        console.print(f"grading {len(enrolled)} submissions with coursekit grade ...")
        graded = grading.grade(root, assignment, list(enrolled), progress=grading.LiveProgress(console))
        max_scores = course.max_scores(root, assignment)
        table, mismatches = score_table(assignment, enrolled, course.scores(root, assignment), max_scores)
        console.print(table)
        surprises += mismatches
        course.generate_feedback(root, assignment)
        written = grading.write_report(root, assignment)
        console.print(f"grading report: {graded.report}")
        console.print(f"feedback: {root / 'feedback'}/<student>/{assignment}/{assignment}.html")
        console.print(f"report: {written['html']}\ngrades: {written['csv']}")
    return surprises
