"""Build the notebooks: sync solution and given cells from ``reference``, release them.

A cell whose metadata has ``coursekit.reference`` (a list of names) is
generated from the reference module of its assignment. Given cells hold the
names' source as it is; a solution cell (nbgrader ``solution: true``) holds one
function whose body, after its docstring, sits between nbgrader's
``### BEGIN SOLUTION`` and ``### END SOLUTION`` markers, so that students see
the signature and docstring and nbgrader replaces the body with a stub.
"""

import ast
import importlib
import inspect
import subprocess
import sys
import textwrap
from pathlib import Path

from coursekit.environment import environment

ASSIGNMENTS = ("deep_linear_networks", "depth_vs_width", "initialization", "learning_dynamics")


def assignments(root="."):
    """Return the assignments that have a source notebook under ``root``, in course order."""
    return [a for a in ASSIGNMENTS if source_path(a, root).exists()]


def source_path(assignment, root="."):
    """Path of an assignment's instructor notebook."""
    return Path(root) / "source" / assignment / f"{assignment}.ipynb"


def release_path(assignment, root="."):
    """Path of an assignment's student notebook."""
    return Path(root) / "release" / assignment / f"{assignment}.ipynb"


def render_solution(obj):
    """Return the source of a solution cell for the reference object ``obj``."""
    lines = textwrap.dedent(inspect.getsource(obj)).rstrip("\n").split("\n")
    node = ast.parse("\n".join(lines)).body[0]
    first = node.body[0]
    has_docstring = isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant)
    split = first.end_lineno if has_docstring else node.body[0].lineno - 1
    body = lines[split:]
    indent = " " * (len(body[0]) - len(body[0].lstrip()))
    return "\n".join([*lines[:split], f"{indent}### BEGIN SOLUTION", *body, f"{indent}### END SOLUTION"])


def render_given(objs):
    """Return the source of a given cell holding the reference objects ``objs``."""
    return "\n\n\n".join(textwrap.dedent(inspect.getsource(obj)).rstrip("\n") for obj in objs)


def render_cell(cell, module):
    """Return what ``cell``'s source should be, or None when it is not generated."""
    names = cell.metadata.get("coursekit", {}).get("reference")
    if not names:
        return None
    objs = [getattr(module, name) for name in names]
    if cell.metadata.get("nbgrader", {}).get("solution") and cell.cell_type == "code":
        if len(objs) != 1:
            raise ValueError(f"solution cell {names} must hold exactly one reference object")
        return render_solution(objs[0])
    return render_given(objs)


def sync(assignment, root=".", check=False):
    """Rewrite the generated cells of an assignment's source notebook.

    Parameters
    ----------
    assignment : str
        Assignment id, also the name of its reference module.
    root : str or Path
        Course directory.
    check : bool
        Only report drift, write nothing.

    Returns
    -------
    list of str
        The reference names whose cells differed from the reference.
    """
    import nbformat  # here: ``coursekit grade`` imports this module before it starts its kernel template

    path = source_path(assignment, root)
    nb = nbformat.read(path, as_version=4)
    module = importlib.import_module(f"reference.{assignment}")
    drifted = []
    for cell in nb.cells:
        wanted = render_cell(cell, module)
        if wanted is not None and cell.source != wanted:
            drifted.append(",".join(cell.metadata["coursekit"]["reference"]))
            cell.source = wanted
    if drifted and not check:
        nbformat.write(nb, path)
    return drifted


def release(assignment, root="."):
    """Generate the student version of ``assignment`` into ``release/`` with nbgrader."""
    command = [sys.executable, "-m", "nbgrader", "generate_assignment", assignment, "--force",
               "--log-level=WARN"]
    subprocess.run(command, cwd=root, check=True, env=environment())
    return release_path(assignment, root)


def poll_in_slices(client, slice_seconds=1.0):
    """Make an nbclient ``NotebookClient`` poll its kernel's replies every ``slice_seconds``.

    nbclient waits for a cell's reply with one long ``get_msg(timeout)``; after an ``interact``
    cell it sometimes misses the reply and waits out the whole cell timeout
    (jupyter/nbclient#312). Asking again every second finds the reply that is already there.
    Call before ``client.execute()``.
    """
    import time
    from queue import Empty

    def wait_in_slices(channel):
        get_msg = channel.get_msg

        async def get_msg_in_slices(timeout=None):
            deadline = None if timeout is None else time.monotonic() + timeout
            while True:
                left = slice_seconds if deadline is None else max(0.0, deadline - time.monotonic())
                try:
                    return await get_msg(timeout=min(slice_seconds, left))
                except Empty:
                    if deadline is not None and time.monotonic() >= deadline:
                        raise

        channel.get_msg = get_msg_in_slices

    def patch_channels(**_):
        wait_in_slices(client.kc.shell_channel)
        wait_in_slices(client.kc.iopub_channel)

    client.on_notebook_start = patch_channels
    return client
