"""What people see of a grading run: a live progress bar with ETA, then a table of outcomes."""

from rich import progress as bars
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from coursekit.grading.coordinator.engine import Progress as QuietProgress
from coursekit.grading.outcome import FAILED, SCORED

#: Columns of the tables when the output is not a terminal (a log file, CI): rich's 80 cuts them.
LOG_WIDTH = 200


def console_for_tables(**options):
    """A rich console that prints tables whole: as wide as the terminal, or ``LOG_WIDTH`` in a log."""
    console = Console(**options)
    return console if console.is_terminal else Console(width=LOG_WIDTH, **options)


class LiveProgress(QuietProgress):
    """A rich progress bar: submissions done, failures so far, time elapsed and remaining.

    Parameters
    ----------
    console : rich.console.Console
        Where to draw (standard error, so that ``--json`` output stays clean).
    """

    def __init__(self, console):
        self.console = console
        self.bar = None
        self.task = None
        self.failed = 0

    def start(self, run, total):
        """Say how far the cells are trusted and what is skipped, then show the bar (if any to grade)."""
        self.console.print(escape(trust_summary(run)))
        for student, why in run.skipped.items():
            self.console.print(escape(f"{student}: {why}"))
        if run.up_to_date:
            self.console.print(f"{len(run.up_to_date)} submissions of {run.assignment} are up to date "
                               "(graded, unchanged since): skipped; --force grades them again")
        if not total:
            return
        self.bar = bars.Progress(
            bars.SpinnerColumn(), bars.TextColumn("[bold]{task.description}"), bars.BarColumn(),
            bars.MofNCompleteColumn(), bars.TextColumn("{task.fields[failed]} failed"),
            bars.TimeElapsedColumn(), bars.TextColumn("ETA"), bars.TimeRemainingColumn(),
            bars.TextColumn("{task.fields[latest]}"), console=self.console)
        self.bar.start()
        self.task = self.bar.add_task(f"grading {run.assignment}", total=total, failed=0, latest="")

    def advance(self, outcome):
        """Count one more submission."""
        self.failed += outcome.status == FAILED
        if self.bar is not None:
            latest = f"{outcome.student}: {outcome.status}"
            self.bar.update(self.task, advance=1, failed=self.failed, latest=escape(latest))

    def finish(self, run):
        """Remove the bar."""
        if self.bar is not None:
            self.bar.stop()


def trust_summary(run):
    """How many grade cells of the run's assignment are kernel-reported, and which, in a sentence."""
    unverified = run.kernel_reported()
    mode = "secure" if run.secure else "in-kernel (--insecure)"
    if not unverified:
        return f"{run.assignment}, {mode}: all {len(run.trust)} grade cells are verified by the trusted judge"
    return (f"{run.assignment}, {mode}: {len(unverified)} of {len(run.trust)} grade cells are "
            "kernel-reported "
            f"(graded by nbgrader's rule on what the {'sandboxed ' if run.secure else ''}kernel showed, "
            f"not verified by coursekit.check): {', '.join(unverified)}")


def trust_counts(trust):
    """A submission's trust in words: ``verified``, ``kernel-reported`` or how many of each."""
    levels = list(trust.values())
    if len(set(levels)) == 1:
        return levels[0]
    return ", ".join(f"{levels.count(level)} {level}" for level in sorted(set(levels)))


def outcome_table(run):
    """A table of this run's outcomes: score, its maximum in the gradebook, trust, time, what went wrong."""
    where = run.executor or "no worker"
    table = Table(title=f"{run.assignment}: {len(run.outcomes)} graded ({run.count(SCORED)} scored, "
                        f"{run.count(FAILED)} failed, {len(run.skipped)} skipped) in {run.seconds:.0f} s "
                        f"on {where}", caption=escape(trust_summary(run)))
    table.add_column("student", overflow="fold")
    table.add_column("outcome")
    table.add_column("score", justify="right")
    table.add_column("trust")
    table.add_column("seconds", justify="right")
    table.add_column("reason, lost points, notes", overflow="fold")
    for outcome in sorted(run.outcomes, key=lambda o: o.student):
        status = "[green]scored[/]" if outcome.status == SCORED else "[bold red]failed[/]"
        if outcome.retry:
            status += " (grader error: retried next run)"
        details = [outcome.reason] if outcome.reason else []
        details += [f"{cell} ({outcome.trust.get(cell, 'not graded')}): {message}"
                    for cell, message in outcome.messages.items()]
        details += outcome.notes
        table.add_row(escape(outcome.student), status, f"{outcome.score:g} / {outcome.max_score:g}",
                      trust_counts(outcome.trust) if outcome.trust else "", f"{outcome.seconds:.1f}",
                      escape("\n".join(details)))
    return table
