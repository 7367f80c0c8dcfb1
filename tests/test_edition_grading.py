"""A translated edition graded: the same specs against the same reference, feedback in its language.

Each edition's class (its source, its release, and every fixture scenario of its
English assignment, made from the edition's release) is graded once by stock
nbgrader (``graded_course``) and once by ``coursekit grade`` in secure mode
(``engine_grader``), the shared session fixtures that grade the English classes.
"""

import json
import re

import nbformat
import pytest
from support.course import EDITIONS, ROOT

from coursekit import build, course, scenarios

pytestmark = [pytest.mark.slow]
each_edition = pytest.mark.parametrize("assignment", list(EDITIONS))
#: English prose: three words in a row, on a line without a letter of the translation's scripts.
ENGLISH_PROSE = re.compile(r"[A-Za-z]{3,} [a-z]{3,} [a-z]{3,}")
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def expected_class_scores(assignment, max_scores):
    """Every student's expected score per grade cell: the English assignment's scenarios, full and zero."""
    english = EDITIONS[assignment][0]
    expected = {name: scenario.expected(max_scores)
                for name, scenario in scenarios.scenarios(english, ROOT).items()}
    expected["source-notebook"] = dict(max_scores)
    expected["release-notebook"] = {cell: 0.0 for cell in max_scores}
    return expected


def failure_messages(notebook):
    """The error messages of a graded notebook's grade cells."""
    nb = nbformat.read(notebook, as_version=4)
    return [output.evalue for cell in nb.cells if cell.metadata.get("nbgrader", {}).get("grade")
            for output in cell.get("outputs", []) if output.output_type == "error"]


def english_lines(messages):
    """The lines of ``messages`` that are English prose left untranslated."""
    return [line for message in messages for line in message.split("\n")
            if ENGLISH_PROSE.search(line) and not JAPANESE.search(line)]


@each_edition
def test_stock_nbgrader_gives_every_fixture_its_expected_score(graded_course, assignment):
    expected = expected_class_scores(assignment, graded_course.max_scores())
    assert graded_course.scores() == expected


@each_edition
def test_release_is_fresh(graded_course, assignment):
    fresh = json.loads(graded_course.release.read_text())
    committed = json.loads(build.release_path(assignment, ROOT).read_text())
    assert fresh == committed, "release/ is stale: run `make release`"


@pytest.mark.sandbox
@each_edition
def test_coursekit_grade_gives_the_same_scores(engine_grader, graded_course, assignment):
    root, run = engine_grader(assignment)
    assert all(outcome.status == "scored" for outcome in run.outcomes), run.outcomes
    assert course.scores(root, assignment) == graded_course.scores()


@pytest.mark.sandbox
@each_edition
def test_failures_and_feedback_are_in_the_editions_language(engine_grader, graded_course, assignment):
    root, _ = engine_grader(assignment)
    student = "wrong-init-uniform"  # passes the visible tests, fails the hidden check
    messages = {}
    for mode, roots in (("secure", [root]), ("stock", graded_course.roots)):
        graded = [path for course_root in roots
                  for path in (course_root / "autograded").glob(f"*/{assignment}/{assignment}.ipynb")]
        assert len(graded) == len(graded_course.scores()), mode
        messages[mode] = [m for path in graded for m in failure_messages(path)]
        assert messages[mode], f"no failure in the {mode} class"
        assert english_lines(messages[mode]) == [], f"untranslated feedback ({mode})"
    for mode, found in messages.items():
        hidden = [m for m in found if "initializer_ はまだ正しくありません。" in m]
        assert hidden and all("ヒント: " in m for m in hidden), (mode, found)
    course.nbgrader(root, "generate_feedback", assignment, "--force", f"--student={student}")
    page = (root / "feedback" / student / assignment / f"{assignment}.html").read_text(encoding="utf-8")
    assert "initializer_ はまだ正しくありません。" in page
    assert "重みが正規分布に従っていません" in page
    assert "is not right yet" not in page
