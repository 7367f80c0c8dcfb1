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


def main():
    """Entry point of the ``coursekit`` script."""
    app()
