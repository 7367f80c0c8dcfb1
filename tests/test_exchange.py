"""The students' side through nbgrader's exchange, from the shell: release, fetch, validate,
submit, collect, ``coursekit grade``, release feedback, fetch feedback.

Each test works in a copy of the course whose exchange root is a temporary folder
(``COURSEKIT_EXCHANGE``, as the course's ``nbgrader_config.py`` reads it). The
first runs the README's commands as they are shown there, for one student whose id
is their Unix user name; the second runs the same round trip for two students
simulated with ``--student``, each in their own home, and checks that each is
graded, and gets the feedback, under their own id.
"""

import os
import re
import shutil
import subprocess
from pathlib import Path

import nbformat
import pytest
from nbgrader.apps.api import NbGraderAPI
from nbgrader.utils import get_username
from support.course import ROOT, add_assignment

from coursekit import build, course, exchange, scenarios

pytestmark = [pytest.mark.sandbox, pytest.mark.slow]

ASSIGNMENT = "deep_linear_networks"
# The commands of the README's sections on the exchange, in their order there.
INSTRUCTOR = ["sudo .venv/bin/coursekit exchange setup --student-config /etc/jupyter/nbgrader_config.py",
              f".venv/bin/coursekit exchange release {ASSIGNMENT}",
              f".venv/bin/coursekit exchange collect {ASSIGNMENT}"]
STUDENT = [f"nbgrader fetch_assignment {ASSIGNMENT}",
           f"nbgrader validate {ASSIGNMENT}/{ASSIGNMENT}.ipynb",
           f"nbgrader submit {ASSIGNMENT}",
           f"nbgrader fetch_feedback {ASSIGNMENT}"]


def readme_blocks(heading):
    """The command lines of every code block in the README's section ``heading``."""
    text = (ROOT / "README.md").read_text()
    section = text.split(f"\n## {heading}\n", 1)[1].split("\n## ", 1)[0]
    return [line for block in re.findall(r"```\n(.*?)```", section, re.S) for line in block.splitlines()]


def fixture(name):
    """The notebook of ``ASSIGNMENT``'s fixture submission ``name``, and its scenario."""
    scenario = scenarios.scenarios(ASSIGNMENT, ROOT)[name]
    return scenario.path.with_suffix(".ipynb"), scenario


def answered(name, folder):
    """A student's complete work: fixture ``name`` with every written answer filled in; its path and scenario.

    nbgrader validate reports a written answer left as the release's stub ("You did not provide a
    response"), so a student who did everything has answered them too.
    """
    notebook, scenario = fixture(name)
    nb = nbformat.read(notebook, as_version=4)
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "markdown" and meta.get("solution") and meta.get("grade"):
            cell.source = "My answer, in my own words."
    target = folder / name / f"{ASSIGNMENT}.ipynb"
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, target)
    return target, scenario


def expected_total(root, scenario):
    """The total score the scenario's ``EXPECTED`` gives, over the gradebook's grade cells."""
    return sum(scenario.expected(course.max_scores(root, ASSIGNMENT)).values())


def shell(command, cwd, home):
    """Run a README command line with bash in ``cwd``, as the user whose home is ``home``."""
    env = {**build.environment(), "HOME": str(home)}
    for name in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR"):
        env.pop(name, None)
    done = subprocess.run(["bash", "-c", command], cwd=cwd, env=env, capture_output=True, text=True)
    assert done.returncode == 0, f"{command} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout + done.stderr


def course_with_exchange(tmp_path, monkeypatch):
    """A released copy of the course (with its ``.venv`` linked) whose exchange root is under ``tmp_path``."""
    root = tmp_path / "course"
    add_assignment(root, ASSIGNMENT)
    (root / ".venv").symlink_to(ROOT / ".venv")
    monkeypatch.setenv(exchange.ROOT_VARIABLE, str(tmp_path / "exchange"))
    return root


def test_readme_shows_the_commands_tested():
    assert readme_blocks("Release, collect and feedback through nbgrader's exchange") == INSTRUCTOR
    assert readme_blocks("Students' workflow") == STUDENT


def test_the_readmes_commands_make_the_round_trip(tmp_path, monkeypatch):
    root = course_with_exchange(tmp_path, monkeypatch)
    home = tmp_path / "home"
    home.mkdir()
    # As root (CI), sudo is not needed; /etc/jupyter is the machine's: the student's own ~/.jupyter
    # is read the same way by their nbgrader.
    setup = INSTRUCTOR[0].removeprefix("sudo ").replace("/etc/jupyter/", str(home / ".jupyter") + "/")
    printed = shell(setup, root, tmp_path)
    exchange_root = tmp_path / "exchange"
    assert f"exchange root: {exchange_root} (mode 0o1777)" in printed
    assert exchange_root.stat().st_mode & 0o7777 == 0o1777
    assert exchange.settings(root) == (exchange_root, "learning-dynamics")
    # formgrader's check: the exchange works, so Release and Collect are offered (no warning).
    api = NbGraderAPI(course.course_directory(root), config=course.config(root))
    assert not api.exchange_missing and api.exchange_is_functional

    shell(INSTRUCTOR[1], root, tmp_path)
    shell(STUDENT[0], home, home)
    notebook, scenario = answered("all-correct", tmp_path / "work")
    shutil.copyfile(notebook, home / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")  # the student's work
    assert "Success! Your notebook passes all the tests." in shell(STUDENT[1], home, home)
    shell(STUDENT[2], home, home)
    shell(INSTRUCTOR[2], root, tmp_path)
    shell(STUDENT[3], home, home)

    student = get_username()  # nbgrader's id for the student: their Unix user name
    assert (root / "submitted" / student / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").exists()
    total = sum(course.scores(root, ASSIGNMENT)[student].values())
    assert total == expected_total(root, scenario)
    pages = list((home / ASSIGNMENT / "feedback").glob(f"*/{ASSIGNMENT}.html"))
    assert len(pages) == 1, pages
    assert exchange.feedback_score(pages[0]) == (total, course.full_marks(root, ASSIGNMENT))


def test_two_students_are_each_graded_and_given_feedback_under_their_own_id(tmp_path, monkeypatch):
    root = course_with_exchange(tmp_path, monkeypatch)
    exchange.setup(root)
    handed = {"alice": answered("all-correct", tmp_path / "work"),
              "bob": answered("wrong-svd-order", tmp_path / "work")}
    results = exchange.roundtrip(root, ASSIGNMENT, {sid: nb for sid, (nb, _) in handed.items()},
                                 tmp_path / "homes", workers=2)

    # Validate runs the visible tests only: the correct notebook passes, the wrong one is told why.
    assert "Success! Your notebook passes all the tests." in results["alice"]["validate"]
    assert "VALIDATION FAILED ON 1 CELL(S)" in results["bob"]["validate"]
    assert "U has shape (8, 8), expected (100, 8)" in results["bob"]["validate"]

    inbound = tmp_path / "exchange" / "learning-dynamics" / "inbound"
    assert sorted(p.name.split("+")[0] for p in inbound.iterdir()) == ["alice", "bob"]
    assert sorted(os.listdir(root / "submitted")) == ["alice", "bob"]
    max_total = course.full_marks(root, ASSIGNMENT)  # the feedback page counts the written answers too
    for sid, (_, scenario) in handed.items():
        want = expected_total(root, scenario)
        assert results[sid]["gradebook"] == want, sid
        assert results[sid]["score"] == (want, max_total), sid
        assert Path(results[sid]["feedback"]).is_relative_to(tmp_path / "homes" / sid)
    assert results["alice"]["score"] != results["bob"]["score"]
