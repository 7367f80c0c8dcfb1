"""The ``coursekit`` command line: a thin layer over the Python API."""

import logging
import os
import sys
from pathlib import Path

import typer

from coursekit import build

app = typer.Typer(help="Build and grade the course's assignments.", no_args_is_help=True)


@app.callback()
def options(verbose: int = typer.Option(0, "--verbose", "-v", count=True,
                                        help="Say what coursekit does on standard error (-vv: in detail).")):
    """Build and grade the course's assignments."""
    if verbose:
        log_to_stderr(logging.DEBUG if verbose > 1 else logging.INFO)


def log_to_stderr(level):
    """Send the ``coursekit`` loggers' records at ``level`` and above to standard error."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s: %(message)s", "%H:%M:%S"))
    logger = logging.getLogger("coursekit")
    logger.addHandler(handler)
    logger.setLevel(level)
    return handler


@app.command()
def sync(
    assignments: list[str] = typer.Argument(None, help="Assignments (default: all)."),
    check: bool = typer.Option(False, "--check", help="Fail on drift instead of rewriting."),
):
    """Rewrite the notebooks' solution and given cells from ``reference``."""
    drift = False
    for assignment in assignments or build.assignments():
        drifted = build.sync(assignment, check=check)
        drift |= bool(drifted)
        verb = "differs from" if check else "rewritten from"
        for names in drifted:
            typer.echo(f"{assignment}: cell {names} {verb} reference")
    if check and drift:
        typer.echo("The notebooks have drifted from reference/: run `coursekit sync`.", err=True)
        raise typer.Exit(1)


@app.command()
def new(
    assignment: str = typer.Argument(..., help="The new assignment's name (a lowercase identifier)."),
    exercise: str = typer.Option("mean_squared_error", "--exercise", help="The example exercise's name."),
):
    """Scaffold an assignment: reference, spec, source notebook and fixture scenarios."""
    from coursekit import scaffold

    try:
        written = scaffold.new(assignment, ".", exercise)
    except ValueError as error:
        typer.echo(f"coursekit new: {error}", err=True)
        raise typer.Exit(2) from None
    for path in written:
        typer.echo(f"wrote {path}")


@app.command()
def lint(assignments: list[str] = typer.Argument(None, help="Assignments (default: all).")):
    """Check the source notebooks against the authoring rules; name each problem's cell and fix."""
    from coursekit import lint as rules

    problems = [f"course: {message}" for message in build.foreign_packages(".")]
    names = assignments or build.assignments()
    for assignment in names:
        problems += [str(problem) for problem in rules.lint(assignment)]
    report_problems(problems, "in the source notebooks",
                    f"{len(names)} source notebooks follow the authoring rules.")


def report_problems(problems, where, fine):
    """Print every problem and exit 1 if there are any; otherwise print ``fine``."""
    for problem in problems:
        typer.echo(problem)
    if problems:
        typer.echo(f"{len(problems)} problems {where}.", err=True)
        raise typer.Exit(1)
    typer.echo(fine)


@app.command()
def release(assignments: list[str] = typer.Argument(None, help="Assignments or editions (default: all).")):
    """Generate the student notebooks into ``release/`` with nbgrader; build translated editions first."""
    from coursekit.i18n import edition

    editions = build.editions()
    for assignment in assignments or [*build.assignments(), *editions]:
        if assignment in editions:
            edition.build_edition(*editions[assignment])
        typer.echo(f"released {build.release(assignment)}")


i18n_app = typer.Typer(help="Translated editions: gettext catalogs beside the English source notebooks.",
                       no_args_is_help=True)
app.add_typer(i18n_app, name="i18n")


@i18n_app.command("update")
def i18n_update(
    assignment: str = typer.Argument(..., help="The English assignment."),
    language: str = typer.Argument(..., help="The language, e.g. ja."),
):
    """Add new pieces of the English source to the catalog; mark changed ones fuzzy; build the edition."""
    from coursekit.i18n import catalog, edition

    if assignment not in build.assignments():
        typer.echo(f"coursekit i18n update: no assignment {assignment!r} in source/", err=True)
        raise typer.Exit(2)
    done = catalog.update(assignment, language)
    for what, contexts in done.items():
        for context in contexts:
            typer.echo(f"{what}: {context}")
    edition.build_edition(assignment, language)
    typer.echo(f"{catalog.catalog_path(assignment, language)}: {len(done['added'])} added, "
               f"{len(done['changed'])} fuzzy, {len(done['obsolete'])} obsolete")


@i18n_app.command("build")
def i18n_build(editions: list[str] = typer.Argument(None, help="Editions, e.g. deep_linear_networks_ja.")):
    """Write the translated editions' source notebooks from the English sources and the catalogs."""
    from coursekit.i18n import edition

    for name, (assignment, language) in build.editions().items():
        if not editions or name in editions:
            stale = edition.build_edition(assignment, language)
            typer.echo(f"{'wrote' if stale else 'unchanged'} {build.source_path(name)}")


@i18n_app.command("check")
def i18n_check(editions: list[str] = typer.Argument(None, help="Editions (default: all).")):
    """Fail, naming the cells, where a translation is missing, fuzzy or translates changed English."""
    from coursekit.i18n import edition

    found = {name: pair for name, pair in build.editions().items() if not editions or name in editions}
    problems = [problem for assignment, language in found.values()
                for problem in edition.check(assignment, language)]
    report_problems(problems, "in the translations",
                    f"{len(found)} translated editions are complete and up to date.")


@app.command()
def demo():
    """Release every assignment, grade the example class, print scores, write feedback."""
    from coursekit import demo as course_demo

    surprises = course_demo.run()
    if surprises:
        typer.echo(f"{surprises} submissions did not get their expected score.", err=True)
        raise typer.Exit(1)


@app.command()
def fixtures(
    assignments: list[str] = typer.Argument(None, help="Assignments (default: all)."),
    check: bool = typer.Option(False, "--check", help="Fail if a fixture is stale instead of writing."),
):
    """Build the fixture notebooks from their scenario files under ``tests/submissions``."""
    from coursekit import scenarios

    stale = [f"{assignment}/{name}" for assignment in assignments or build.assignments()
             for name in scenarios.build(assignment, check=check)]
    for name in stale:
        typer.echo(f"{'stale' if check else 'wrote'} tests/submissions/{name}.ipynb")
    if check and stale:
        raise typer.Exit(1)


export_app = typer.Typer(help="Export the course for other graders.", no_args_is_help=True)
app.add_typer(export_app, name="export")


@export_app.command("otter")
def export_otter(
    assignments: list[str] = typer.Argument(None, help="Assignments (default: all)."),
    run_tests: bool = typer.Option(True, "--run-tests/--no-run-tests",
                                   help="Let otter assign grade the solutions (must score 100 %)."),
    pdf: bool = typer.Option(False, "--pdf", help=(
        "Let the students' export cell make Otter's PDF of the written answers (needs LaTeX on "
        "their machines).")),
):
    """Export assignments as Otter-Grader autograders for Gradescope, into ``dist/otter/``."""
    from coursekit.gradescope import export

    for assignment in assignments or build.assignments():
        try:
            folder = export.export(assignment, run_tests=run_tests, pdf=pdf)
        except export.ExportError as error:
            typer.echo(f"coursekit export otter: {error}", err=True)
            raise typer.Exit(1) from None
        typer.echo(f"{assignment}: autograder {export.autograder_zip(folder)}\n"
                   f"{' ' * len(assignment)}  student notebook {export.student_notebook(folder, assignment)}")


exchange_app = typer.Typer(help="nbgrader's exchange: release, collect and return feedback.",
                           no_args_is_help=True)
app.add_typer(exchange_app, name="exchange")


@exchange_app.command("setup")
def exchange_setup(
    path: str = typer.Option(None, "--path", help="The exchange root (default: nbgrader_config.py's)."),
    student_config: str = typer.Option(None, "--student-config",
                                       help="Also write the students' nbgrader_config.py to this file."),
):
    """Create the exchange root (mode 1777); print the configuration students need."""
    from coursekit import exchange

    root = exchange.setup(".", path)
    typer.echo(f"exchange root: {root} (mode {oct(root.stat().st_mode & 0o7777)})")
    text = exchange.student_config(".")
    if student_config:
        Path(student_config).parent.mkdir(parents=True, exist_ok=True)
        Path(student_config).write_text(text)
        typer.echo(f"wrote {student_config}")
    else:
        typer.echo("students' nbgrader_config.py (e.g. /etc/jupyter/nbgrader_config.py):\n" + text)


@exchange_app.command("release")
def exchange_release(assignments: list[str] = typer.Argument(None, help="Assignments (default: all).")):
    """Generate assignments and release them into the exchange (nbgrader release_assignment)."""
    from coursekit import exchange

    for assignment in assignments or build.assignments():
        exchange.release(".", assignment)
        typer.echo(f"released {assignment} into {exchange.settings('.')[0]}")


@exchange_app.command("collect")
def exchange_collect(
    assignment: str = typer.Argument(..., help="The assignment."),
    workers: int = typer.Option(None, "--workers", "-j", help="Grading processes (default: cores)."),
    insecure: bool = typer.Option(False, "--insecure", help="Grade in unsandboxed kernels."),
):
    """Collect submissions, grade them with coursekit grade, generate and release feedback."""
    from coursekit import course, exchange, grading

    run = exchange.collect(".", assignment, secure=not insecure, workers=workers)
    grading.console_for_tables().print(grading.outcome_table(run))
    typer.echo(f"feedback released for {len(course.scores('.', assignment))} students")


@exchange_app.command("roundtrip")
def exchange_roundtrip(
    assignment: str = typer.Argument(None, help="The assignment (default: the first)."),
    students: int = typer.Option(2, "--students", help="Simulated students, each a fixture submission."),
    homes: str = typer.Option("exchange-students", "--homes", help="Folder for the students' homes."),
    insecure: bool = typer.Option(False, "--insecure", help="Grade in unsandboxed kernels."),
):
    """Run the whole exchange with simulated students; print each student's score.

    Release, fetch, validate, submit, collect, grade, release feedback, fetch feedback.
    """
    from coursekit import demo, exchange

    assignment = assignment or build.assignments()[0]
    handed = demo.handouts(".", assignment, students)
    exchange.setup(".")
    notebooks = {sid: scenario.path.with_suffix(".ipynb") for sid, scenario in handed.items()}
    results = exchange.roundtrip(".", assignment, notebooks, Path(homes).resolve(), secure=not insecure)
    for sid, result in results.items():
        score, top = result["score"]
        typer.echo(f"{sid} ({handed[sid].name}): feedback {score:g} / {top:g}, gradebook "
                   f"{result['gradebook']:g}; {result['feedback']}")
    if any(result["score"][0] != result["gradebook"] for result in results.values()):
        typer.echo("a feedback page disagrees with the gradebook", err=True)
        raise typer.Exit(1)


@app.command()
def grade(
    assignment: str = typer.Argument(..., help="The assignment to grade."),
    students: list[str] = typer.Argument(None, help="Only these students (default: everyone)."),
    workers: int = typer.Option(None, "--workers", "-j", help="Local worker processes (default: cores)."),
    executor: str = typer.Option("local", "--executor", help="Where jobs run: local or dask."),
    scheduler: str = typer.Option(None, "--scheduler", help="Dask scheduler address, tcp://HOST:PORT."),
    force: bool = typer.Option(False, "--force", help="Grade again submissions that are up to date."),
    timeout: int = typer.Option(None, "--timeout", help="Seconds a cell may run (default: nbgrader's)."),
    as_json: bool = typer.Option(False, "--json", help="Print the run as JSON instead of a table."),
    disk_quota: int = typer.Option(None, "--disk-quota", min=16, help=(
        "MB that each sandboxed notebook may write in all, its folder and its /tmp (default 384).")),
    insecure: bool = typer.Option(False, "--insecure", help=(
        "Run the checks inside unsandboxed kernels, as stock nbgrader does: student code can read "
        "the solutions and write the gradebook. Only for machines that cannot sandbox.")),
    require_verified: bool = typer.Option(False, "--require-verified", help=(
        "Refuse to grade (exit 2, naming them) when a grade cell is kernel-reported: one whose source "
        "calls no coursekit.check, graded by nbgrader's rule on what the sandboxed kernel showed.")),
):
    """Grade submissions in parallel with nbgrader's preprocessors; resume where a run stopped.

    Every notebook runs in a sandbox (secure mode), unless --insecure asks for the in-kernel mode
    explicitly. A grade cell that calls coursekit.check is verified: its verdict comes from the
    trusted judge outside the sandbox. Any other grade cell is kernel-reported: nbgrader's own rule
    on what the sandboxed kernel showed. The run says how many are kernel-reported before it starts.
    """
    import json

    from coursekit import grading

    # torch & co. are imported by the kernels' template while the engine imports nbgrader
    sources = sorted(Path("source", assignment).glob("*.ipynb"))  # nbgrader's default layout
    template = grading.start_template(not insecure, sources) if executor == "local" else None
    limits = grading.Limits(disk_bytes=disk_quota * 2**20) if disk_quota else grading.Limits()
    options = grading.GradingOptions(workers=workers, executor=executor, scheduler=scheduler, force=force,
                                     timeout=timeout, secure=not insecure, limits=limits,
                                     require_verified=require_verified)
    try:
        run = grading.grade(".", assignment, students, options, template=template,
                            progress=grading.LiveProgress(grading.console_for_tables(stderr=True)))
    except grading.SandboxError as error:
        typer.echo(f"coursekit grade: cannot grade securely here: {error}.\n"
                   "Secure grading runs every notebook in a bubblewrap sandbox so that student code "
                   "cannot read the solutions or touch the gradebook. Fix the above (make install "
                   "installs bubblewrap; run as root), or pass --insecure to grade in unsandboxed "
                   "kernels as stock nbgrader does.", err=True)
        raise typer.Exit(2) from None
    except (LookupError, ValueError, grading.GradebookBusyError) as error:
        typer.echo(f"coursekit grade: {error}", err=True)
        raise typer.Exit(2) from None
    except KeyboardInterrupt:
        typer.echo("coursekit grade: interrupted; what was graded is recorded: run again to resume.",
                   err=True)
        raise typer.Exit(130) from None
    if as_json:
        typer.echo(json.dumps(run.as_dict(), indent=1))
    elif run.outcomes:
        grading.console_for_tables().print(grading.outcome_table(run))
        typer.echo(f"grading report: {run.report}")
    if any(outcome.retry for outcome in run.outcomes):
        typer.echo("Some submissions failed because of the grader, not the student: "
                   "run the same command again to retry them.", err=True)
        raise typer.Exit(1)


@app.command()
def report(
    assignment: str = typer.Argument(..., help="The assignment to report on."),
    output: str = typer.Option(None, "--output", "-o",
                               help="Folder (default: reports/<assignment>/, the grading report's)."),
):
    """Write an HTML report with figures and a CSV of grades for a graded assignment."""
    from coursekit import grading

    written = grading.write_report(".", assignment, output)
    typer.echo(f"report: {written['html']}\ngrades: {written['csv']}")


def main():
    """Entry point of the ``coursekit`` script.

    It leaves without the interpreter's teardown: once a command is done (its files written
    and closed, its processes stopped), clearing the modules of torch, nbgrader and SQLAlchemy
    still took most of a second of every ``coursekit grade``.
    """
    from coursekit import speedups

    speedups.apply()  # before anything imports jsonschema
    try:
        app()  # click's standalone mode ends every command with SystemExit
    except SystemExit as done:
        code = done.code
    else:
        code = 0
    if code is not None and not isinstance(code, int):
        print(code, file=sys.stderr)  # as the interpreter does with a message for SystemExit
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code if isinstance(code, int) else 0 if code is None else 1)
