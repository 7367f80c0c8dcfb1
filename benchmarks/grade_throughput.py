"""Grade the same N submissions with stock ``nbgrader autograde`` and with ``coursekit grade``.

Two identical temporary courses are made from the committed sources; the same
N submissions, drawn round-robin from the fixture notebooks under
``tests/submissions/<assignment>/``, are submitted to both. One course is
graded by ``nbgrader autograde <assignment> --force`` (one notebook after
another), the other by ``coursekit grade <assignment>`` (``--workers``
processes, prewarmed kernels), each as a command run from the course folder,
so both pay their interpreter's start. Printed: both wall times, submissions
per minute, the ratio, and each grader's per-notebook overhead: worker-seconds
per notebook (wall time x processes / N) minus the mean time spent executing
the notebook's cells (read from the autograded notebooks' cell timings, the
same way for both). The scores of the two courses are compared too.

``coursekit grade`` runs twice, on two more copies of the same course: in its
secure mode (the default: sandboxed kernels, trusted verdicts) and with
``--insecure`` (in-kernel checks, kernels forked from a template); the ratio of
their wall times is the cost of the sandbox. The secure and in-kernel runs
alternate assignment by assignment, so that both see the same machine load.

A second part grades a trivial plain-assert nbgrader course (``tests/support/plain_course``:
two notebooks, no torch, no ``coursekit.check``) the same three ways, ``--trivial-n``
submissions of its on-time scenarios (not its timeout), and prints each grader's wall time per
submission and the ratio to stock nbgrader measured in the same run: what an instructor with an
ordinary nbgrader course sees.

Run from the course root::

    .venv/bin/python benchmarks/grade_throughput.py [--n 40] [--workers 2] [--assignments A ...]
        [--skip-stock] [--trivial-n 24] [--only-trivial]
"""

import argparse
import datetime
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from support import plain_course  # noqa: E402

from coursekit import build, course, scenarios  # noqa: E402
from coursekit.grading import default_workers  # noqa: E402


def draw(assignments, n):
    """N (student, assignment, notebook) triples, round-robin over the assignments and their fixtures."""
    fixtures = {a: [s.path.with_suffix(".ipynb") for s in scenarios.scenarios(a, ROOT).values()]
                for a in assignments}
    drawn = []
    for index in range(n):
        assignment = assignments[index % len(assignments)]
        notebooks = fixtures[assignment]
        drawn.append((f"student-{index + 1:03d}", assignment,
                      notebooks[(index // len(assignments)) % len(notebooks)]))
    return drawn


def make_course(folder, assignments, submissions):
    """A course with the assignments released and the submissions in ``submitted/``."""
    folder.mkdir(parents=True)
    shutil.copy(ROOT / "nbgrader_config.py", folder)
    for assignment in assignments:
        shutil.copytree(ROOT / "source" / assignment, folder / "source" / assignment)
        build.release(assignment, folder)
    for student, assignment, notebook in submissions:
        course.submit(folder, student, assignment, notebook)
    return folder


def cell_seconds(path):
    """Seconds the notebook's cells took to execute, from nbclient's cell timings."""
    total = 0.0
    for cell in nbformat.read(path, as_version=4).cells:
        timing = cell.get("metadata", {}).get("execution", {})
        if "iopub.execute_input" in timing and "shell.execute_reply" in timing:
            start = datetime.datetime.fromisoformat(timing["iopub.execute_input"].replace("Z", "+00:00"))
            end = datetime.datetime.fromisoformat(timing["shell.execute_reply"].replace("Z", "+00:00"))
            total += (end - start).total_seconds()
    return total


def timed(command, folder):
    """Run ``command`` in ``folder``; return (wall seconds, standard output)."""
    start = time.perf_counter()
    done = subprocess.run(command, cwd=folder, env=build.environment(), check=True,
                          capture_output=True, text=True)
    return time.perf_counter() - start, done.stdout


def summary(name, wall, processes, submissions, folder):
    """One grader's numbers: wall time, throughput, mean cell time and per-notebook overhead."""
    cells = [cell_seconds(folder / "autograded" / student / assignment / f"{assignment}.ipynb")
             for student, assignment, _ in submissions
             if (folder / "autograded" / student / assignment / f"{assignment}.ipynb").exists()]
    mean_cells = sum(cells) / max(len(cells), 1)
    overhead = wall * processes / len(submissions) - mean_cells
    print(f"{name}: {wall:.1f} s wall for {len(submissions)} submissions ({len(cells)} autograded), "
          f"{60 * len(submissions) / wall:.1f} submissions/min; mean cell execution {mean_cells:.1f} s, "
          f"overhead {overhead:.1f} s per notebook ({processes} process{'es' if processes > 1 else ''})",
          flush=True)


def verdict(differ):
    """How many assignments' scores differ, in words."""
    return "identical" if not differ else f"DIFFER in {differ} assignments"


def trivial(n, workers, scratch):
    """Grade ``n`` submissions of the plain-assert course three ways; print times per submission, ratios."""
    on_time = [name for name, (_, _, late) in plain_course.SCENARIOS.items()
               if name not in ("timeout", "late") and late is not None]
    assignment = plain_course.ASSIGNMENT
    built = Path(scratch) / "trivial-built"
    plain_course.build(built)
    roots = {}
    for way in ("stock", "insecure", "secure"):
        roots[way] = Path(scratch) / f"trivial-{way}"
        shutil.copytree(built, roots[way])
        for index in range(n):
            plain_course.submit(roots[way], f"student-{index + 1:03d}", on_time[index % len(on_time)])
    command = [str(Path(sys.executable).parent / "coursekit"), "grade", assignment, "--workers", str(workers),
               "--json"]
    stock = [sys.executable, "-m", "nbgrader", "autograde", assignment, "--force", "--log-level=ERROR"]
    walls = {"stock": timed(stock, roots["stock"])[0],
             "insecure": timed(command + ["--insecure"], roots["insecure"])[0],
             "secure": timed(command, roots["secure"])[0]}
    times = "; ".join(f"{way} {wall:.1f} s wall, {wall / n:.2f} s per submission"
                      for way, wall in walls.items())
    print(f"trivial plain-assert course ({n} submissions of 2 notebooks, no torch): {times}", flush=True)
    for way, name in (("secure", "coursekit grade (secure)"), ("insecure", "coursekit grade --insecure")):
        print(f"ratio (trivial course): {name} on {workers} workers is {walls['stock'] / walls[way]:.2f} "
              f"times as fast per submission as nbgrader autograde (target: at least 1); "
              f"{walls['stock'] / (walls[way] * workers):.2f} per worker process")
    same = all(course.scores(roots["stock"], assignment) == course.scores(roots[way], assignment)
               for way in ("secure", "insecure"))
    print("scores (trivial course), coursekit vs stock: " + ("identical" if same else "DIFFER"))


def main():
    """Grade with both and print the comparison."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=40, help="submissions to grade (default 40)")
    parser.add_argument("--workers", type=int, default=default_workers(), help="coursekit grade workers")
    parser.add_argument("--assignments", nargs="*", default=None, help="default: every one with fixtures")
    parser.add_argument("--skip-stock", action="store_true", help="compare only secure and in-kernel modes")
    parser.add_argument("--trivial-n", type=int, default=24,
                        help="submissions of the trivial course (0: none)")
    parser.add_argument("--only-trivial", action="store_true", help="grade the trivial course only")
    args = parser.parse_args()
    if args.only_trivial:
        with tempfile.TemporaryDirectory(prefix="grade-throughput-") as scratch:
            trivial(args.trivial_n, args.workers, scratch)
        return
    assignments = args.assignments or [a for a in build.assignments(ROOT) if scenarios.scenarios(a, ROOT)]
    submissions = draw(assignments, args.n)
    coursekit = str(Path(sys.executable).parent / "coursekit")
    with tempfile.TemporaryDirectory(prefix="grade-throughput-") as scratch:
        kit = make_course(Path(scratch) / "kit", assignments, submissions)
        insecure = make_course(Path(scratch) / "insecure", assignments, submissions)
        load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
        print(f"{args.n} submissions of {', '.join(assignments)}; {os.cpu_count()} cores, "
              f"load average {load}", flush=True)
        walls, reports = {"secure": 0.0, "insecure": 0.0}, {"secure": [], "insecure": []}
        for assignment in assignments:
            command = [coursekit, "grade", assignment, "--workers", str(args.workers), "--json"]
            for mode, folder, extra in (("insecure", insecure, ["--insecure"]), ("secure", kit, [])):
                wall, output = timed(command + extra, folder)
                walls[mode] += wall
                reports[mode] += json.loads(output)["outcomes"]
        summary("coursekit grade (secure)", walls["secure"], args.workers, submissions, kit)
        summary("coursekit grade --insecure", walls["insecure"], args.workers, submissions, insecure)
        for mode, outcomes in reports.items():
            overhead = sum(o["seconds"] - o["cell_seconds"] for o in outcomes) / max(len(outcomes), 1)
            print(f"coursekit grade ({mode}), inside its workers: {overhead:.1f} s per notebook besides its "
                  f"cells (reading, sanitizing, waiting for a warm kernel, judging)")
        print(f"secure/in-kernel: secure grading takes {walls['secure'] / walls['insecure']:.2f} times the "
              f"wall time of --insecure on {args.workers} workers (target: at most 1.3)")
        differ = sum(course.scores(insecure, a) != course.scores(kit, a) for a in assignments)
        print("scores, secure vs in-kernel: " + verdict(differ))
        if not args.skip_stock:
            stock = make_course(Path(scratch) / "stock", assignments, submissions)
            stock_wall = sum(timed([sys.executable, "-m", "nbgrader", "autograde", a, "--force",
                                    "--log-level=ERROR"], stock)[0] for a in assignments)
            summary("nbgrader autograde", stock_wall, 1, submissions, stock)
            for mode, name in (("secure", "coursekit grade (secure)"),
                               ("insecure", "coursekit grade --insecure")):
                print(f"ratio: {name} is {stock_wall / walls[mode]:.2f} times the throughput of nbgrader "
                      f"autograde on {args.workers} workers (target: at least 4)")
            differ = sum(course.scores(stock, a) != course.scores(kit, a) for a in assignments)
            print("scores, secure vs stock: " + verdict(differ))
        if args.trivial_n:
            trivial(args.trivial_n, args.workers, scratch)
        load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
        print(f"load average after: {load}")


if __name__ == "__main__":
    main()
