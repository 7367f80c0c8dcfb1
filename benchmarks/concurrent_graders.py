"""Two graders at once against one: the wall time of the same students, on a PostgreSQL gradebook.

A throwaway PostgreSQL server is started (``tests/support/postgres.py``: Debian's ``postgresql``,
a cluster in a temporary folder). Two identical courses are made from the committed source of one
assignment, each with a gradebook database of its own on that server, and the same N submissions,
drawn round-robin from the assignment's fixture notebooks, are submitted to both. The first
course is graded by one ``coursekit grade ASSIGNMENT`` run; the second by two runs started at the
same moment, each given half of the students, as two teaching assistants would. Each run is the
command, run from the course folder, with the same ``--workers``, in secure mode. Printed: both
wall times and their ratio (two runs / one run). The scores of the two courses are compared too.

Run from the course root::

    .venv/bin/python benchmarks/concurrent_graders.py [--n 8] [--workers 1] [--assignment A]
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from support.postgres import Cluster  # noqa: E402

from coursekit import build, course, scenarios  # noqa: E402
from coursekit.environment import environment  # noqa: E402


def make_course(folder, assignment, released, cluster, students):
    """A copy of the released course, its gradebook moved to ``cluster``, with ``students`` submitted."""
    shutil.copytree(released, folder)
    cluster.gradebook(folder, assignment)
    for student, notebook in students.items():
        course.submit(folder, student, assignment, notebook)
    return folder


def grade(folder, assignment, sections, workers):
    """Start one ``coursekit grade`` per section at once; return the wall time until all are done."""
    start = time.monotonic()
    command = [os.path.join(sys.prefix, "bin", "coursekit"), "grade", assignment, "--workers", str(workers)]
    runs = [subprocess.Popen([*command, *section], cwd=folder, env=environment(),
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            for section in sections]
    for run in runs:
        _, err = run.communicate()
        if run.returncode:
            raise SystemExit(f"coursekit grade failed in {folder}:\n{err[-3000:]}")
    return time.monotonic() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=8, help="submissions (default 8)")
    parser.add_argument("--workers", type=int, default=1, help="workers of each run (default 1)")
    parser.add_argument("--assignment", default=None, help="default: the first assignment")
    arguments = parser.parse_args()
    assignment = arguments.assignment or build.assignments(ROOT)[0]
    fixtures = [s.path.with_suffix(".ipynb") for s in scenarios.scenarios(assignment, ROOT).values()]
    students = {f"student-{i + 1:03d}": fixtures[i % len(fixtures)] for i in range(arguments.n)}
    names = sorted(students)
    cluster = Cluster()
    folder = Path(tempfile.mkdtemp(prefix="coursekit-concurrent-"))
    try:
        released = folder / "released"
        released.mkdir()
        shutil.copy(ROOT / "nbgrader_config.py", released)
        shutil.copytree(ROOT / "source" / assignment, released / "source" / assignment)
        build.release(assignment, released)
        one = make_course(folder / "one", assignment, released, cluster, students)
        two = make_course(folder / "two", assignment, released, cluster, students)
        single = grade(one, assignment, [names], arguments.workers)
        double = grade(two, assignment, [names[::2], names[1::2]], arguments.workers)
        same = course.scores(one, assignment) == course.scores(two, assignment)
    finally:
        cluster.stop()
        shutil.rmtree(folder, ignore_errors=True)
    print(f"{assignment}: {arguments.n} submissions, {arguments.workers} worker(s) per run, "
          f"PostgreSQL gradebook, secure mode")
    print(f"one run:            {single:7.1f} s")
    print(f"two runs at once:   {double:7.1f} s")
    print(f"ratio two/one:      {double / single:7.2f}")
    print(f"same scores:        {same}")
    if not same:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
