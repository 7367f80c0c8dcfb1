"""Small pieces of notebook handling shared by the worker and the coordinator.

Kept free of nbgrader, nbclient and Jupyter's clients, so that either side imports them
without pulling in the other's machinery.
"""

from pathlib import Path

import nbformat


def cell_label(cell, index):
    """How a report names a cell: its grade id, or its position counted from 1."""
    grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
    return f"'{grade_id}'" if grade_id else f"{index + 1}"


def grade_id_of(cell):
    """The cell's nbgrader grade id, or None."""
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")


def error_output(ename, evalue):
    """An error output, as a kernel would send it."""
    return nbformat.v4.new_output("error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"])


def kernel_failed(cell):
    """Whether the kernel's own run of a cell showed an error (or wrote to standard error)."""
    return any(output.output_type == "error"
               or output.output_type == "stream" and output.get("name") == "stderr"
               for output in cell.get("outputs", []))


def write_files(files, folder):
    """Write ``files`` (relative path to bytes) under ``folder``, later ones over earlier ones."""
    for name, content in files.items():
        path = Path(folder) / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
