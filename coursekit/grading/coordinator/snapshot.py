"""A read-only snapshot of one assignment, for workers that must not touch the gradebook.

nbgrader's sanitizing preprocessors (``OverwriteKernelspec``,
``OverwriteCells``) read the instructor's version of every cell from the
gradebook. Workers get a small SQLite copy holding only the assignment's
notebooks (one or several, graded one after the other as nbgrader does) with their
grade, solution, task and source cells, made through nbgrader's own
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

from coursekit.course import grade_key
from coursekit.grading.kernels.modules import notebook_modules
from coursekit.grading.sandbox.limits import Limits
from coursekit.grading.trusted.trust import VERIFIED, trust_of


class AssignmentNotReleasedError(LookupError):
    """The gradebook does not know the assignment: it was never generated."""


@dataclass
class AssignmentSnapshot:
    """What a worker needs to grade submissions of one assignment.

    Attributes
    ----------
    assignment : str
        The assignment's id.
    notebooks : tuple of str
        The ids of its notebooks (file names without ``.ipynb``), in the gradebook's order.
    kernel_name : str
        The kernelspec the notebooks run on (the first notebook's).
    gradebook : bytes
        A SQLite gradebook holding the assignment's cells only.
    trust : dict of str to str
        How far secure mode trusts every autograded grade cell, by ``course.grade_key``
        (``trusted.trust``: verified or kernel-reported); in-kernel, every cell is kernel-reported.
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
    notebooks: tuple[str, ...]
    kernel_name: str
    gradebook: bytes
    source_files: dict[str, bytes]
    config: object
    version: str
    trust: dict[str, str] = field(default_factory=dict)
    modules: tuple[str, ...] = field(default=())
    secure: bool = False
    limits: Limits = field(default_factory=Limits)
    template: dict | None = None

    @property
    def grade_ids(self):
        """The grade ids of every notebook's grade cells, by notebook, read from the gradebook copy."""
        with tempfile.TemporaryDirectory(prefix="coursekit-snapshot-") as folder:
            url = self.gradebook_url(folder)
            with Gradebook(url) as gb:
                return {name: {cell.name for cell in gb.find_notebook(name, self.assignment).grade_cells}
                        for name in self.notebooks}

    def key(self, notebook, grade_id):
        """How outcomes and reports name a grade cell of ``notebook`` (``course.grade_key``)."""
        return grade_key(self.notebooks, notebook, grade_id)

    def trust_of(self, notebook):
        """How far each autograded grade cell of ``notebook`` is trusted, by grade id."""
        prefix = "" if len(self.notebooks) == 1 else f"{notebook}/"
        return {key.removeprefix(prefix): level for key, level in self.trust.items()
                if key.startswith(prefix)}

    def kernel_reported(self):
        """The grade cells (keys) that are not verified, in order."""
        return [key for key, trust in self.trust.items() if trust != VERIFIED]

    def verified(self):
        """The grade cells (keys) that the trusted judge decides, in order."""
        return [key for key, trust in self.trust.items() if trust == VERIFIED]

    def gradebook_url(self, folder):
        """Write the gradebook copy into ``folder`` once; return its read-only SQLAlchemy URL."""
        path = Path(folder) / f"gradebook-{self.version[:16]}.db"
        if not path.exists():
            partial = path.with_suffix(".partial")
            partial.write_bytes(self.gradebook)
            os.replace(partial, path)
        return f"sqlite:///file:{path}?mode=ro&uri=true"


def describe(gb, assignment):
    """The assignment's notebooks and their cells as plain data, from the gradebook ``gb``.

    Raises
    ------
    AssignmentNotReleasedError
        When the gradebook has no such assignment.
    ValueError
        When the assignment has no notebook.
    """
    try:
        found = gb.find_assignment(assignment)
    except MissingEntry:
        raise AssignmentNotReleasedError(
            f"the gradebook has no assignment {assignment!r}: generate it first "
            f"(`coursekit release {assignment}`, which runs `nbgrader generate_assignment`)") from None
    if not found.notebooks:
        raise ValueError(f"{assignment} has no notebook in the gradebook: generate it again")
    return {"assignment": assignment, "notebooks": [_notebook(nb) for nb in found.notebooks]}


def _notebook(nb):
    return {
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
    assignment = data["assignment"]
    engine = create_engine(url)
    try:
        Base.metadata.create_all(bind=engine)
    finally:
        engine.dispose()
    with Gradebook(url) as gb:
        gb.add_assignment(assignment)
        for nb in data["notebooks"]:
            notebook = nb["notebook"]
            gb.add_notebook(notebook, assignment, kernelspec=nb["kernelspec"])
            for cell in nb["grade_cells"]:
                gb.add_grade_cell(cell["name"], notebook, assignment, max_score=cell["max_score"],
                                  cell_type=cell["cell_type"])
            for name in nb["solution_cells"]:
                gb.add_solution_cell(name, notebook, assignment)
            for cell in nb["task_cells"]:
                gb.add_task_cell(cell["name"], notebook, assignment, max_score=cell["max_score"],
                                 cell_type=cell["cell_type"])
            for cell in nb["source_cells"]:
                gb.add_source_cell(cell["name"], notebook, assignment, cell_type=cell["cell_type"],
                                   locked=cell["locked"], source=cell["source"], checksum=cell["checksum"])


def trust(data, secure):
    """How far every autograded grade cell of the described assignment is trusted, by grade key."""
    names = [nb["notebook"] for nb in data["notebooks"]]
    found = {}
    for nb in data["notebooks"]:
        sources = {cell["name"]: cell["source"] for cell in nb["source_cells"]}
        for cell in nb["grade_cells"]:
            if cell["cell_type"] == "code":
                key = grade_key(names, nb["notebook"], cell["name"])
                found[key] = trust_of(sources.get(cell["name"], ""), secure)
    return found


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
        Modules for the prewarmed kernels to import, besides those the source notebooks import.
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
    first = data["notebooks"][0]["kernelspec"]
    kernelspec = json.loads(first) if first else {}
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
    notebooks = [Path(source, f"{nb['notebook']}.ipynb") for nb in data["notebooks"]]
    modules = notebook_modules([path for path in notebooks if path.exists()], tuple(modules))
    digest = hashlib.sha256(json.dumps(data, sort_keys=True).encode())
    for name, content in files.items():
        digest.update(name.encode() + b"\0" + hashlib.sha256(content).digest())
    return AssignmentSnapshot(assignment=assignment, trust=trust(data, secure),
                              notebooks=tuple(nb["notebook"] for nb in data["notebooks"]),
                              kernel_name=kernelspec.get("name", "python3"), gradebook=gradebook,
                              source_files=files, config=config, version=digest.hexdigest(),
                              modules=tuple(modules), secure=secure, limits=limits or Limits())
