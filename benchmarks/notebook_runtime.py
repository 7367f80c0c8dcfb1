"""Execute source notebooks top to bottom, as a student would, and print each wall time.

The notebooks run outside grading (``NBGRADER_EXECUTION`` unset, so the demos
train on their full budgets) in a fresh ``python3`` kernel of this virtual
environment, each from its own folder, with the thread settings of the
caller's environment. Besides the wall time, the kernel's CPU time and the
load average are printed: on a shared machine the wall time grows with what
else runs, the CPU time much less.

Run from the course root::

    .venv/bin/python benchmarks/notebook_runtime.py [NOTEBOOK ...] [--budget SECONDS]

Without notebooks it runs every ``source/*/*.ipynb``. It exits with status 1
if a cell raised or ran out of time (``--timeout``, per cell), or if a notebook
took longer than ``--budget`` seconds.

nbclient sometimes misses the reply to a cell that displays widgets and waits
for the whole cell timeout before it notices it (jupyter/nbclient#312; seen here
with ``interact``, one run in two): this script makes the kernel client wait for
messages in slices of a second, so that a missed reply costs at most a second.
"""

import argparse
import os
import resource
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError

from coursekit.build import poll_in_slices


def student_environment():
    """The caller's environment outside grading, with this environment's tools first on PATH."""
    env = {key: value for key, value in os.environ.items() if key != "NBGRADER_EXECUTION"}
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    return env


def kernel_cpu_seconds():
    """CPU time used so far by finished child processes (the kernels)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def errors(nb):
    """Every error a cell raised: (cell index, error name, message)."""
    return [(index, output.ename, output.evalue) for index, cell in enumerate(nb.cells)
            if cell.cell_type == "code" for output in cell.get("outputs", [])
            if output.output_type == "error"]


def run(path, timeout):
    """Execute the notebook at ``path``; return (wall seconds, kernel CPU seconds, errors)."""
    nb = nbformat.read(path, as_version=4)
    client = poll_in_slices(NotebookClient(nb, kernel_name="python3", timeout=timeout, allow_errors=True,
                                           resources={"metadata": {"path": str(Path(path).parent)}}))
    cpu, start = kernel_cpu_seconds(), time.perf_counter()
    try:
        client.execute(env=student_environment())
        raised = errors(nb)
    except (CellTimeoutError, DeadKernelError) as error:
        raised = [(None, type(error).__name__, str(error))]
    return time.perf_counter() - start, kernel_cpu_seconds() - cpu, raised


def main():
    """Run the notebooks and print one line per notebook."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("notebooks", nargs="*", help="notebooks to run (default: source/*/*.ipynb)")
    parser.add_argument("--budget", type=float, default=None, help="fail above this many seconds")
    parser.add_argument("--timeout", type=int, default=600, help="per-cell timeout in seconds")
    args = parser.parse_args()
    notebooks = args.notebooks or sorted(str(p) for p in Path("source").glob("*/*.ipynb"))
    failed = False
    for path in notebooks:
        wall, cpu, raised = run(path, args.timeout)
        load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
        print(f"{path}: {wall:.1f} s wall, {cpu:.1f} s kernel CPU (load average {load})", flush=True)
        for index, name, message in raised:
            where = "the run" if index is None else f"cell {index}"
            print(f"  {where} raised {name}: {message.strip()[:300]}")
        over = args.budget is not None and wall > args.budget
        if over:
            print(f"  over the budget of {args.budget:g} s")
        failed |= bool(raised) or over
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
