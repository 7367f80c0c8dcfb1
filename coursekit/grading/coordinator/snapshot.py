"""A read-only snapshot of one assignment, for workers that must not touch the gradebook.

nbgrader's sanitizing preprocessors (``OverwriteKernelspec``,
``OverwriteCells``) read the instructor's version of every cell from the
gradebook. Workers get a small SQLite copy holding only the assignment's
notebook, grade, solution, task and source cells, made through nbgrader's own
API and opened read-only, so those preprocessors run unchanged in any process
or on any Dask worker while the real gradebook is written by the coordinator
alone.
"""

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from nbgrader.api import Base, Gradebook, MissingEntry
from nbgrader.utils import find_all_files
from sqlalchemy import create_engine

from coursekit.grading.kernels.modules import notebook_modules
from coursekit.grading.sandbox.limits import Limits


class AssignmentNotReleasedError(LookupError):
    """The gradebook does not know the assignment: it was never generated."""


@dataclass
class AssignmentSnapshot:
    """What a worker needs to grade submissions of one assignment.

    Attributes
    ----------
    assignment, notebook : str
        The assignment's id and its notebook's id.
    kernel_name : str
        The kernelspec the notebook runs on.
    gradebook : bytes
        A SQLite gradebook holding the assignment's cells only.
    source_files : dict of str to bytes
        The assignment's files other than notebooks (data files...), copied
        over each submission's, as ``nbgrader autograde`` does.
    config : traitlets.config.Config
        The course's nbgrader configuration (timeouts, preprocessor options).
    version : str
        Hash of all the above but the configuration: grades made against
        another version are out of date.
    modules : tuple of str
        Modules the prewarmed kernels import (see ``kernels.modules.PREWARMED_MODULES``).
    secure : bool
        Grade in secure mode: sandboxed kernels, trusted verdicts (see ``sandbox``, ``trusted``).
    limits : Limits
        What each sandboxed kernel may use (secure mode).
    template : dict or None
        The kernel template a local run's workers share (``KernelTemplate.sharing()``); None
        lets each worker start its own.
    """

    assignment: str
    notebook: str
    kernel_name: str
    gradebook: bytes
    source_files: dict[str, bytes]
    config: object
    version: str
    modules: tuple[str, ...] = field(default=())
    secure: bool = False
    limits: Limits = field(default_factory=Limits)
    template: dict | None = None

    @property
    def grade_ids(self):
        """The grade ids of the assignment's grade cells, read from the gradebook copy."""
        with tempfile.TemporaryDirectory(prefix="coursekit-snapshot-") as folder:
            url = self.gradebook_url(folder)
            with Gradebook(url) as gb:
                return {cell.name for cell in gb.find_notebook(self.notebook, self.assignment).grade_cells}

    def gradebook_url(self, folder):
        """Write the gradebook copy into ``folder`` once; return its read-only SQLAlchemy URL."""
        path = Path(folder) / f"gradebook-{self.version[:16]}.db"
        if not path.exists():
            partial = path.with_suffix(".partial")
            partial.write_bytes(self.gradebook)
            os.replace(partial, path)
        return f"sqlite:///file:{path}?mode=ro&uri=true"


def describe(gb, assignment):
    """The assignment's notebook and cells as plain data, from the gradebook ``gb``.

    Raises
    ------
    AssignmentNotReleasedError
        When the gradebook has no such assignment.
    ValueError
        When the assignment has no notebook, or several (the engine grades one).
    """
    try:
        found = gb.find_assignment(assignment)
    except MissingEntry:
        raise AssignmentNotReleasedError(
            f"the gradebook has no assignment {assignment!r}: generate it first "
            f"(`coursekit release {assignment}`, which runs `nbgrader generate_assignment`)") from None
    notebooks = list(found.notebooks)
    if len(notebooks) != 1:
        names = ", ".join(nb.name for nb in notebooks) or "none"
        raise ValueError(f"{assignment} has {len(notebooks)} notebooks ({names}); "
                         "coursekit grade grades assignments of exactly one notebook")
    nb = notebooks[0]
    return {
        "assignment": assignment,
        "notebook": nb.name,
        "kernelspec": nb.kernelspec,
        "grade_cells": [{"name": c.name, "max_score": c.max_score, "cell_type": c.cell_type}
                        for c in nb.grade_cells],
        "solution_cells": [c.name for c in nb.solution_cells],
        "task_cells": [{"name": c.name, "max_score": c.max_score, "cell_type": c.cell_type}
                       for c in nb.task_cells],
        "source_cells": [{"name": c.name, "cell_type": c.cell_type, "locked": c.locked,
                          "source": c.source, "checksum": c.checksum} for c in nb.source_cells],
    }


def copy_into(url, data):
    """Create a gradebook at ``url`` holding the assignment described by ``data``.

    The tables are created first: nbgrader stamps a new database with its
    migration version by running ``alembic`` in a subprocess (seconds), which
    a throwaway copy does not need.
    """
    assignment, notebook = data["assignment"], data["notebook"]
    engine = create_engine(url)
    try:
        Base.metadata.create_all(bind=engine)
    finally:
        engine.dispose()
    with Gradebook(url) as gb:
        gb.add_assignment(assignment)
        gb.add_notebook(notebook, assignment, kernelspec=data["kernelspec"])
        for cell in data["grade_cells"]:
            gb.add_grade_cell(cell["name"], notebook, assignment, max_score=cell["max_score"],
                              cell_type=cell["cell_type"])
        for name in data["solution_cells"]:
            gb.add_solution_cell(name, notebook, assignment)
        for cell in data["task_cells"]:
            gb.add_task_cell(cell["name"], notebook, assignment, max_score=cell["max_score"],
                             cell_type=cell["cell_type"])
        for cell in data["source_cells"]:
            gb.add_source_cell(cell["name"], notebook, assignment, cell_type=cell["cell_type"],
                               locked=cell["locked"], source=cell["source"], checksum=cell["checksum"])


def take(coursedir, assignment, config, modules=(), secure=False, limits=None):
    """Snapshot ``assignment`` from the course's gradebook and source folder.

    Parameters
    ----------
    coursedir : nbgrader.coursedir.CourseDirectory
        The course (root, database URL, folders).
    assignment : str
        The assignment id.
    config : traitlets.config.Config
        The course's nbgrader configuration.
    modules : tuple of str
        Modules for the prewarmed kernels to import, besides those the source notebook imports.
    secure : bool
        Whether the run grades in secure mode.
    limits : Limits, optional
        What each sandboxed kernel may use (default ``Limits()``).

    Returns
    -------
    AssignmentSnapshot
    """
    with Gradebook(coursedir.db_url, coursedir.course_id) as gb:
        data = describe(gb, assignment)
    kernelspec = json.loads(data["kernelspec"]) if data["kernelspec"] else {}
    with tempfile.TemporaryDirectory(prefix="coursekit-snapshot-") as folder:
        path = Path(folder) / "gradebook.db"
        copy_into(f"sqlite:///{path}", data)
        gradebook = path.read_bytes()
    source = coursedir.format_path(coursedir.source_directory, ".", assignment)
    excluded = {os.path.join(source, name)
                for name in config.get("Autograde", {}).get("exclude_overwriting", {}).get(assignment, [])}
    files = {os.path.relpath(name, source): Path(name).read_bytes()
             for name in sorted(find_all_files(source, coursedir.ignore + ["*.ipynb"]))
             if name not in excluded}
    notebook = Path(source, f"{data['notebook']}.ipynb")
    if notebook.exists():
        modules = notebook_modules(notebook, tuple(modules))
    digest = hashlib.sha256(json.dumps(data, sort_keys=True).encode())
    for name, content in files.items():
        digest.update(name.encode() + b"\0" + hashlib.sha256(content).digest())
    return AssignmentSnapshot(assignment=assignment, notebook=data["notebook"],
                              kernel_name=kernelspec.get("name", "python3"), gradebook=gradebook,
                              source_files=files, config=config, version=digest.hexdigest(),
                              modules=tuple(modules), secure=secure, limits=limits or Limits())
