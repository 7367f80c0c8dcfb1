"""Secure grading against attacks: each is graded as the honest result, and nothing else is touched.

The scenarios are the builders in ``tests/submissions/adversarial/``: each turns the first
assignment's correct fixture into a submission whose last exercise is wrong (it returns the visible
test's answer) and attacks the grader to get its points or to do harm. They are graded in one secure
run with two honest students, after a probe has shown that the sandbox's process and memory limits
are in force (the run holds a fork bomb and a memory bomb). Some of them are also graded by stock
``nbgrader autograde``, which they beat.
"""

import copy
import hashlib
import sqlite3
from concurrent.futures import ThreadPoolExecutor

import nbformat
import pytest
from nbgrader.api import Gradebook
from support.course import ASSIGNMENTS, ROOT, add_assignment
from support.scenarios import assert_outcome_as_expected, grade_cells, load_builders
from typer.testing import CliRunner

from coursekit import course, grading, scenarios
from coursekit.cli import app
from coursekit.grading.sandbox import box as sandbox
from coursekit.grading.sandbox import probe as sandbox_probe

pytestmark = [pytest.mark.sandbox, pytest.mark.slow]

ASSIGNMENT = ASSIGNMENTS[0]
ADVERSARIAL = ROOT / "tests" / "submissions" / "adversarial"
HONEST = ("all-correct", "blank")
#: Attacks stock nbgrader is run on (with the blank honest student, whose scores one of them forges): none
#: of them can harm the machine outside its course copy, and each shows something stock nbgrader lets through.
STOCK = ("read-source-notebook", "read-gradebook-hidden-tests", "write-gradebook", "monkeypatch-check",
         "import-reference", "input-transformer", "ast-transformer", "monkeypatch-numpy")
#: Of those, the ones that get full marks for a wrong exercise from stock nbgrader.
BEAT_STOCK = {"read-source-notebook", "monkeypatch-check", "import-reference", "input-transformer",
              "ast-transformer", "monkeypatch-numpy"}


def builders():
    """Every adversarial scenario's builder module, by name."""
    return load_builders(ADVERSARIAL)


def exercise_of(root):
    release = nbformat.read(root / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    return [c.metadata.nbgrader["grade_id"] for c in release.cells
            if c.metadata.get("nbgrader", {}).get("solution") and c.cell_type == "code"][-1]


def make_class(root, names, honest=HONEST):
    """A course with the attacks ``names`` and the ``honest`` students submitted."""
    add_assignment(root, ASSIGNMENT)
    correct = nbformat.read(ROOT / "tests" / "submissions" / ASSIGNMENT / "all-correct.ipynb", as_version=4)
    exercise = exercise_of(root)
    found = builders()
    for name in names:
        folder = root / "submitted" / name / ASSIGNMENT
        folder.mkdir(parents=True)
        for filename, data in found[name].submission(copy.deepcopy(correct), f"{ASSIGNMENT}.ipynb",
                                                     exercise).items():
            (folder / filename).write_bytes(data)
    for name in honest:
        course.submit(root, name, ASSIGNMENT, ROOT / "tests" / "submissions" / ASSIGNMENT / f"{name}.ipynb")
    return exercise


def fingerprint(root):
    """Hash of every file of the course but what grading writes (autograded/, reports/, the gradebook)."""
    digest = {}
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        written = relative.parts[0] in ("autograded", "reports") or relative.name == "gradebook.db"
        if path.is_file() and not written:
            digest[str(relative)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return digest


def job_processes():
    """Processes running as any sandbox job uid."""
    return set().union(*(sandbox.processes_of(sandbox.BASE_UID + slot) for slot in range(sandbox.SLOTS)))


@pytest.fixture(scope="module")
def limits_in_force():
    """The probe's findings; fails (never skips quietly) when the limits do not hold."""
    sandbox_probe.check_available()
    probe = sandbox_probe.probe_limits()
    held = probe["processes"] <= probe["limits"].processes and not probe["allocated"]
    if not held:
        pytest.fail(f"the sandbox's limits are not in force here ({probe}): refusing to run the fork and "
                    "memory bombs")
    return probe


@pytest.fixture(scope="module")
def stock_grading(tmp_path_factory):
    """The attacks of ``STOCK`` in a course of their own, graded by stock ``nbgrader autograde`` in a thread.

    Stock nbgrader grades one notebook after another on one core; started before the
    secure run, it shares the machine with it instead of following it.
    """
    root = tmp_path_factory.mktemp("stock-adversarial") / "course"
    exercise = make_class(root, STOCK, honest=("blank",))
    with ThreadPoolExecutor(1) as pool:
        yield root, exercise, pool.submit(course.autograde, root, ASSIGNMENT)


@pytest.fixture(scope="module")
def attacked_class(tmp_path_factory, limits_in_force, request):
    """Every attack and the honest students, graded in one secure run.

    When the comparison with stock nbgrader is among the selected tests, its grading starts first.
    """
    if any("stock_class" in getattr(item, "fixturenames", ()) for item in request.session.items):
        request.getfixturevalue("stock_grading")
    root = tmp_path_factory.mktemp("adversarial") / "course"
    exercise = make_class(root, sorted(builders()))
    before = fingerprint(root)
    MOUNTS_BEFORE.update(job_mounts())
    run = grading.grade(root, ASSIGNMENT, options=grading.GradingOptions(workers=2, timeout=10))
    return root, exercise, run, before


@pytest.fixture(scope="module")
def stock_class(stock_grading):
    """The attacks of ``STOCK`` graded by stock ``nbgrader autograde``."""
    root, exercise, job = stock_grading
    job.result()
    return root, exercise


def test_the_probe_found_the_limits_in_force(limits_in_force):
    assert limits_in_force["processes"] <= limits_in_force["limits"].processes
    assert not limits_in_force["allocated"]


@pytest.mark.parametrize("attack", sorted(builders()))
def test_attack_is_graded_as_the_honest_result(attacked_class, attack):
    root, exercise, run, _ = attacked_class
    expected = builders()[attack].EXPECTED
    outcome = next(o for o in run.outcomes if o.student == attack)
    assert_outcome_as_expected(root, exercise, attack, outcome, expected)


def test_honest_students_of_the_same_run_get_their_scores(attacked_class):
    root, _, run, _ = attacked_class
    found = scenarios.scenarios(ASSIGNMENT, ROOT)
    max_scores = course.max_scores(root, ASSIGNMENT)
    for name in HONEST:
        assert course.scores(root, ASSIGNMENT)[name] == found[name].expected(max_scores)
    assert sorted(o.student for o in run.outcomes) == sorted([*builders(), *HONEST])


def test_course_and_other_students_are_untouched(attacked_class):
    root, _, _, before = attacked_class
    assert fingerprint(root) == before
    # What an attack writes in its own working folder is its side effect, kept in its own autograded
    # folder as nbgrader keeps it; nothing reaches any other folder of the course.
    own = root / "autograded" / "write-other-students"
    assert not [path for path in root.rglob("PWNED*") if not path.is_relative_to(own)]


def test_gradebook_is_untouched(attacked_class):
    root, _, _, _ = attacked_class
    with sqlite3.connect(root / "gradebook.db") as db:
        tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        manual = db.execute("SELECT COUNT(*) FROM grade WHERE manual_score IS NOT NULL").fetchone()[0]
    assert "pwned" not in tables
    assert manual == 0


def test_no_network_in_the_sandbox(attacked_class):
    root, exercise, _, _ = attacked_class
    text = solution_output(root, "network-socket", exercise)
    assert "network:" in text and "CONNECTED" not in text, text


def test_nothing_of_the_jobs_survives(attacked_class):
    assert not job_processes()
    assert job_mounts() <= MOUNTS_BEFORE  # the jobs' tmpfs (their disk quota), the disk filler's too


def job_mounts():
    """The mount points of job folders' tmpfs (``sandbox.quota``) now mounted."""
    with open("/proc/self/mountinfo") as mounts:
        return {line.split()[4] for line in mounts if "coursekit-job" in line}


#: Job tmpfs mounted before the attacked class was graded (left by a worker killed in an earlier test).
MOUNTS_BEFORE: set[str] = set()


def solution_output(root, student, exercise):
    """What the exercise's solution cell printed in ``student``'s autograded notebook."""
    path = root / "autograded" / student / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    cell = next(c for c in nbformat.read(path, as_version=4).cells
                if c.metadata.get("nbgrader", {}).get("grade_id") == exercise)
    return "".join(output.get("text", "") for output in cell.outputs)


def auto_scores(root):
    """The autograded score of every grade cell, by student (manual scores left out)."""
    with Gradebook(course.db_url(root)) as gb:
        return {student.id: {grade.name: grade.auto_score for grade in
                             gb.find_submission_notebook(ASSIGNMENT, ASSIGNMENT, student.id).grades}
                for student in gb.students}


def test_stock_nbgrader_falls_for_the_attacks_secure_mode_holds(stock_class, attacked_class):
    stock_root, exercise = stock_class
    root, _, _, _ = attacked_class
    cells = [cell for cell in grade_cells(root) if cell.startswith(f"test_{exercise}")]
    stock, secure = auto_scores(stock_root), course.scores(root, ASSIGNMENT)
    max_scores = course.max_scores(root, ASSIGNMENT)
    beaten = sorted(name for name in STOCK if all(stock[name][c] == max_scores[c] for c in cells))
    assert BEAT_STOCK <= set(beaten), beaten
    assert "hidden tests: ['" in solution_output(stock_root, "read-gradebook-hidden-tests", exercise)
    assert "hidden tests" not in solution_output(root, "read-gradebook-hidden-tests", exercise)
    with sqlite3.connect(stock_root / "gradebook.db") as db:
        written = [row for row in db.execute("SELECT name FROM sqlite_master WHERE name = 'pwned'")]
    assert written, "stock nbgrader was expected to let the submission write the gradebook"
    assert course.scores(stock_root, ASSIGNMENT)["blank"]["test_initializer_"] == 1000  # its manual scores
    for name in STOCK:
        assert all(secure[name][c] == 0 for c in cells), name


def test_grade_refuses_without_a_sandbox_and_says_why(tmp_path, monkeypatch):
    monkeypatch.setattr(sandbox_probe, "_available", "/usr/bin/bwrap is missing (as if)")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["grade", ASSIGNMENT])
    assert result.exit_code == 2
    assert "cannot grade securely here: /usr/bin/bwrap is missing (as if)" in result.output
    assert "--insecure" in result.output
