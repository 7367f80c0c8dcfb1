"""Every fixture submission gets exactly its expected score from stock nbgrader."""

from support.course import ROOT

from coursekit import scenarios


def test_fixtures_are_fresh(assignment):
    """The fixture notebooks are what their scenario files and the release make."""
    assert scenarios.build(assignment, ROOT, check=True) == [], "run `make fixtures`"


def test_fixture_scores(graded_course, assignment, scenario):
    expected = scenarios.scenarios(assignment, ROOT)[scenario].expected(graded_course.max_scores())
    assert graded_course.scores()[scenario] == expected
