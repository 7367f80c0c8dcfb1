"""The grading ledger (``grading-report.json``): what a run remembers, written atomically."""

import json

from coursekit.grading.coordinator.ledger import Ledger, read_report
from coursekit.grading.outcome import FAILED, SCORED, Outcome


def test_outcomes_recorded_are_read_back_by_a_later_run(tmp_path):
    path = tmp_path / "autograded" / "a" / "grading-report.json"
    ledger = Ledger(path, "a")
    ledger.record(Outcome(student="ada", status=SCORED, score=3, max_score=4, grades={"test_x": 3}))
    ledger.record(Outcome(student="bob", status=FAILED, reason="no notebook", retry=True))
    again = Ledger(path, "a")
    assert again.outcome("ada").grades == {"test_x": 3} and again.outcome("bob").retry
    assert list(again.outcomes()) == ["ada", "bob"] and again.outcome("cy") is None
    assert read_report(path)["assignment"] == "a"
    left = sorted(p.name for p in path.parent.iterdir())
    assert left == [".grading-report.json.lock", "grading-report.json"]  # no partial file left


def test_recording_a_student_again_replaces_the_outcome(tmp_path):
    ledger = Ledger(tmp_path / "report.json", "a")
    ledger.record(Outcome(student="ada", status=FAILED, reason="kernel died"))
    ledger.record(Outcome(student="ada", status=SCORED, score=4))
    assert Ledger(tmp_path / "report.json", "a").outcome("ada").status == SCORED
    assert list(json.loads((tmp_path / "report.json").read_text())["submissions"]) == ["ada"]


def test_a_damaged_report_is_set_aside_and_grading_starts_afresh(tmp_path):
    path = tmp_path / "report.json"
    path.write_text('["not", "a", "report"]')
    ledger = Ledger(path, "a")
    assert ledger.damaged == tmp_path / "report.json.damaged" and ledger.damaged.exists()
    assert ledger.outcomes() == {} and not path.exists()


def test_unknown_keys_of_a_newer_report_are_ignored():
    outcome = Outcome.from_dict({"student": "ada", "status": SCORED, "from_the_future": 1})
    assert outcome.student == "ada" and outcome.as_dict()["status"] == SCORED
