"""The ``coursekit`` command line: a thin layer over the Python API."""

import typer

from coursekit import build

app = typer.Typer(help="Build and grade the course's assignments.", no_args_is_help=True)


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
def release(assignments: list[str] = typer.Argument(None, help="Assignments (default: all).")):
    """Generate the student notebooks into ``release/`` with nbgrader."""
    for assignment in assignments or build.assignments():
        typer.echo(f"released {build.release(assignment)}")


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


def main():
    """Entry point of the ``coursekit`` script."""
    app()
