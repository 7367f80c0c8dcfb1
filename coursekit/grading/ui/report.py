"""``coursekit report``: an HTML report and a CSV of grades for one assignment.

Scores come from the gradebook (what formgrader and ``nbgrader export`` see),
outcomes, reasons, messages and timings from the grading report. The HTML
page is self-contained (figures embedded as PNG) so that it can be mailed or
archived: the distribution of scores per exercise, the pass rate of every
grade cell and how far it was trusted (verified or kernel-reported), the most
common reasons for lost points and failed submissions,
and the grading time of every submission, split into time spent executing
cells and the grader's own overhead.
"""

import base64
import collections
import csv
import html
import io
import re
import textwrap
from pathlib import Path

from matplotlib import font_manager, rc_context
from matplotlib.figure import Figure

from coursekit import course
from coursekit.grading.coordinator.ledger import load_report, report_path
from coursekit.grading.outcome import FAILED
from coursekit.grading.trusted.trust import describe

#: A font with Japanese glyphs for a translated edition's messages (Debian's fonts-noto-cjk: `make install`).
CJK_FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")


def common_form(message):
    """A message with its numbers and quoted values blanked, so that alike failures count together."""
    message = re.sub(r"'[^']*'|\"[^\"]*\"", "'…'", message)
    return re.sub(r"-?\d+(\.\d+)?(e-?\d+)?", "#", message)


def failure_counts(outcomes, top=10):
    """The most common reasons for lost points or failed submissions, with their counts."""
    counts: collections.Counter[str] = collections.Counter()
    for outcome in outcomes.values():
        if outcome.status == FAILED and outcome.reason:
            counts[f"failed: {common_form(outcome.reason)}"] += 1
        for cell, message in outcome.messages.items():
            counts[f"{cell}: {common_form(message)}"] += 1
    return counts.most_common(top)


def png(figure):
    """The figure as PNG bytes."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=90, bbox_inches="tight")
    return buffer.getvalue()


def cjk_fallback():
    """Settings that make matplotlib fall back to ``CJK_FONT`` for glyphs DejaVu Sans lacks (if installed)."""
    if not CJK_FONT.exists():
        return {}
    if not any(font.fname == str(CJK_FONT) for font in font_manager.fontManager.ttflist):
        font_manager.fontManager.addfont(str(CJK_FONT))  # installed after matplotlib cached its font list
    return {"font.family": ["DejaVu Sans", font_manager.FontProperties(fname=str(CJK_FONT)).get_name()]}


def score_figure(max_scores, scores):
    """Histograms of the total and of every grade cell's scores."""
    panels = [("total", sum(max_scores.values()), [total(got, max_scores) for got in scores.values()])]
    panels += [(cell, top, [s.get(cell) or 0 for s in scores.values()]) for cell, top in max_scores.items()]
    columns = min(len(panels), 3)
    rows = -(-len(panels) // columns)
    figure = Figure(figsize=(4 * columns, 2.6 * rows))
    for index, (name, top, values) in enumerate(panels):
        axes = figure.add_subplot(rows, columns, index + 1)
        axes.hist(values, bins=[x - 0.5 for x in range(int(top) + 2)], color="tab:blue", rwidth=0.8)
        axes.set_title(name, fontsize=10)
        axes.set_xlabel("score")
        axes.set_ylabel("students")
    figure.suptitle("Score distribution per exercise")
    figure.tight_layout()
    return figure


def pass_rate_figure(max_scores, scores):
    """The share of students with full marks in every grade cell."""
    cells = list(max_scores)
    rates = [100 * sum((s.get(c) or 0) >= max_scores[c] for s in scores.values()) / max(len(scores), 1)
             for c in cells]
    figure = Figure(figsize=(7, 0.45 * len(cells) + 1.2))
    axes = figure.add_subplot()
    axes.barh(cells[::-1], rates[::-1], color="tab:green")
    axes.set_xlim(0, 100)
    axes.set_xlabel("students with full marks (%)")
    axes.set_title("Pass rate per grade cell")
    return figure


def failure_figure(counts):
    """Horizontal bars of the most common failure messages."""
    figure = Figure(figsize=(9, 0.6 * max(len(counts), 1) + 1.2))
    axes = figure.add_subplot()
    labels = ["\n".join(textwrap.wrap(text, 70)[:2]) for text, _ in counts][::-1]
    axes.barh(labels or ["(no failures)"], [n for _, n in counts][::-1] or [0], color="tab:red")
    axes.tick_params(axis="y", labelsize=7)
    axes.set_xlabel("submissions")
    axes.set_title("Most common failure messages")
    return figure


def time_figure(outcomes):
    """Grading time of every submission: cells executing, and the rest."""
    graded = sorted(outcomes.values(), key=lambda o: o.seconds)
    cells = [o.cell_seconds for o in graded]
    other = [max(o.seconds - o.cell_seconds, 0) for o in graded]
    figure = Figure(figsize=(9, 3.2))
    axes = figure.add_subplot()
    positions = range(len(graded))
    axes.bar(positions, cells, color="tab:blue", label="executing cells")
    axes.bar(positions, other, bottom=cells, color="tab:orange", label="grader overhead")
    axes.set_xlabel("submissions, fastest first")
    axes.set_ylabel("seconds")
    axes.set_title("Grading time per submission")
    axes.legend()
    return figure


def write_csv(path, max_scores, scores, outcomes, full_marks=None):
    """One row per student: outcome, total, every grade cell's score, grading time, reason.

    ``max_score`` is ``full_marks``, the assignment's maximum in the gradebook (manually graded
    cells included), when given; the autograded cells' otherwise.
    """
    with open(path, "w", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["student", "status", "score", "max_score", *max_scores, "seconds", "reason"])
        for student in sorted(set(scores) | set(outcomes)):
            got, outcome = scores.get(student, {}), outcomes.get(student)
            timing, reason = (f"{outcome.seconds:.2f}", outcome.reason or "") if outcome else ("", "")
            top = full_marks if full_marks is not None else sum(max_scores.values())
            writer.writerow([student, status(outcome), total(got, max_scores), top,
                             *[got.get(c) for c in max_scores], timing, reason])


def status(outcome):
    """A submission's status, for one graded by stock nbgrader too."""
    return outcome.status if outcome else "graded by nbgrader"


def total(got, max_scores):
    """The total of a student's autograded scores (ungraded cells count zero)."""
    return sum(got.get(cell) or 0 for cell in max_scores)


def table(header, rows):
    """An HTML table."""
    head = "".join(f"<th>{html.escape(str(h))}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in row) + "</tr>" for row in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def write_report(root: str | Path, assignment: str, folder: str | Path | None = None) -> dict[str, Path]:
    """Write ``report.html`` and ``grades.csv`` for ``assignment``; return their paths.

    Parameters
    ----------
    root : str or Path
        The course directory.
    assignment : str
        The assignment id.
    folder : Path, optional
        Where to write (default: beside the grading report, ``ledger.report_path``).
    """
    coursedir = course.course_directory(root)
    outcomes = load_report(coursedir, assignment)
    max_scores = course.max_scores(root, assignment)
    full_marks = course.full_marks(root, assignment)
    scores = course.scores(root, assignment)
    folder = Path(folder) if folder else report_path(coursedir, assignment).parent
    folder.mkdir(parents=True, exist_ok=True)
    write_csv(folder / "grades.csv", max_scores, scores, outcomes, full_marks)
    counts = failure_counts(outcomes)
    with rc_context(cjk_fallback()):  # failure messages of a translated edition
        figures = [score_figure(max_scores, scores), pass_rate_figure(max_scores, scores),
                   failure_figure(counts), time_figure(outcomes)]
        images = "".join(f'<img alt="figure" src="data:image/png;base64,{base64.b64encode(png(f)).decode()}">'
                         for f in figures)
    failed = [(student, outcome.reason) for student, outcome in outcomes.items() if outcome.status == FAILED]
    totals = [total(got, max_scores) for got in scores.values()]
    everyone = sorted(set(scores) | set(outcomes))
    summary = table(["submissions", "scored", "failed", "mean score", "grading time (s)"],
                    [[len(everyone), len(outcomes) - len(failed), len(failed),
                      f"{sum(totals) / max(len(totals), 1):.2f} / {full_marks:g}",
                      f"{sum(o.seconds for o in outcomes.values()):.0f}"]])
    rows = []
    for student in everyone:
        got, outcome = scores.get(student, {}), outcomes.get(student)
        rows.append([student, status(outcome), total(got, max_scores), *[got.get(c) for c in max_scores],
                     "; ".join([outcome.reason] if outcome and outcome.reason else []
                               + (outcome.notes if outcome else []))])
    students = table(["student", "status", "score", *max_scores, "reason and notes"], rows)
    trust = {}
    for outcome in outcomes.values():
        trust.update(outcome.trust)
    cells = table(["grade cell", "points", "trust"],
                  [[cell, f"{top:g}", describe(trust[cell]) if cell in trust else "not graded by coursekit"]
                   for cell, top in max_scores.items()])
    page = (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{html.escape(assignment)}: grading "
            "report</title><style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;"
            "margin:1em 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:left}img{max-width:100%;"
            f"display:block;margin:1em 0}}</style></head><body><h1>{html.escape(assignment)}</h1>{summary}"
            f"<h2>Figures</h2>{images}<h2>Failed submissions</h2>"
            f"{table(['student', 'reason'], failed) if failed else '<p>None.</p>'}<h2>Grade cells</h2>{cells}"
            f"<h2>Most common failure messages</h2>{table(['message', 'count'], counts)}"
            f"<h2>Every submission</h2>{students}<p>Grades as CSV: grades.csv</p></body></html>")
    (folder / "report.html").write_text(page)
    return {"html": folder / "report.html", "csv": folder / "grades.csv"}
