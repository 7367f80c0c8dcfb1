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
import importlib.util
import inspect
import subprocess
import sys
import textwrap
from pathlib import Path

from coursekit.environment import environment

#: The section of ``nbgrader_config.py`` that may give the course order: ``c.CourseKit.order = [...]``.
ORDER_SECTION = "CourseKit"
#: The folder of an assignment's translation catalogs, ``source/<assignment>/locale/<language>.po``.
LOCALE = "locale"


def assignments(root="."):
    """Return the assignments of the course ``root``, in course order.

    An assignment is a folder ``source/<assignment>/`` holding ``<assignment>.ipynb``; there
    is no list to register it in. The course order is that of ``c.CourseKit.order`` in the
    course's ``nbgrader_config.py`` for the assignments it names, then the others in
    alphabetical order of their folders. Translated editions (``editions``) are built from
    an assignment, not assignments of their own.
    """
    folder = Path(root) / "source"
    translated = editions(root)
    found = sorted(p.name for p in folder.iterdir()
                   if source_path(p.name, root).exists() and p.name not in translated) \
        if folder.is_dir() else []
    order = [name for name in course_order(root) if name in found]
    return order + [name for name in found if name not in order]


def editions(root="."):
    """Return the translated editions of the course: edition -> (assignment, language), in course order.

    A gettext catalog ``source/<assignment>/locale/<language>.po`` makes the edition
    ``<assignment>_<language>``, its own nbgrader assignment, whose source notebook
    ``source/<assignment>_<language>/<assignment>_<language>.ipynb`` ``coursekit i18n build``
    writes from the English source and the catalog (``coursekit.i18n``).
    """
    folder = Path(root) / "source"
    found = {}
    for catalog in sorted(folder.glob(f"*/{LOCALE}/*.po")) if folder.is_dir() else []:
        assignment, language = catalog.parent.parent.name, catalog.stem
        if source_path(assignment, root).exists():
            found[edition_name(assignment, language)] = (assignment, language)
    order = {name: index for index, name in enumerate(course_order(root))}
    return dict(sorted(found.items(), key=lambda item: (order.get(item[1][0], len(order)), item[0])))


def edition_name(assignment, language):
    """The nbgrader assignment of ``assignment``'s edition in ``language``: ``<assignment>_<language>``."""
    return f"{assignment}_{language}"


def course_order(root="."):
    """The assignments that ``c.CourseKit.order`` in ``root``'s ``nbgrader_config.py`` names, in order."""
    from traitlets.config.loader import PyFileConfigLoader

    path = Path(root).resolve() / "nbgrader_config.py"
    if not path.exists():
        return []
    config = PyFileConfigLoader(path.name, path=str(path.parent)).load_config()
    section = config[ORDER_SECTION] if ORDER_SECTION in config else {}
    return list(section.get("order", []))


def import_roots():
    """The folders that ``coursekit`` and ``reference`` are imported from (a course's root, usually)."""
    roots = []
    for package in ("coursekit", "reference"):
        spec = importlib.util.find_spec(package)
        if spec is not None and spec.origin:
            roots.append(str(Path(spec.origin).resolve().parent.parent))
    return list(dict.fromkeys(roots))


def foreign_packages(root="."):
    """Say where this course's own ``coursekit`` or ``reference`` would not be the one imported.

    A course is a clone of the kit installed into its own environment (``make install``
    installs it editable), so that ``reference.<assignment>`` and ``coursekit.specs.<assignment>``
    are this course's files, for ``coursekit`` and for the grading sandbox alike.

    Returns
    -------
    list of str
        One message per package of ``root`` that Python would import from elsewhere.
    """
    root = Path(root).resolve()
    messages = []
    for package in ("coursekit", "reference"):
        own = root / package
        if not (own / "__init__.py").exists():
            continue
        spec = importlib.util.find_spec(package)
        found = Path(spec.origin).resolve().parent if spec is not None and spec.origin else None
        if found != own:
            messages.append(f"`import {package}` finds {found}, not this course's {own}: install this course "
                            f"(`make install` here) or put {root} first on PYTHONPATH")
    return messages


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
