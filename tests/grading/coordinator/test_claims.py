"""Runs of one assignment at once: claims on submissions, the report merged, SQLite's one writer."""

import subprocess
import sys

import pytest

from coursekit.grading.coordinator.claims import Claims, GradebookBusyError, sqlite_run_lock
from coursekit.grading.coordinator.ledger import Ledger
from coursekit.grading.outcome import SCORED, Outcome


def test_two_runs_recording_at_once_keep_each_others_outcomes(tmp_path):
    path = tmp_path / "grading-report.json"
    first, second = Ledger(path, "a"), Ledger(path, "a")  # both read the report before either wrote
    first.record(Outcome(student="ada", status=SCORED, score=1))
    second.record(Outcome(student="bob", status=SCORED, score=2))
    first.record(Outcome(student="cy", status=SCORED, score=3))
    assert {s: o.score for s, o in Ledger(path, "a").outcomes().items()} == {"ada": 1, "bob": 2, "cy": 3}
    assert second.stored("cy").score == 3 and second.outcome("cy") is None  # on disk, not in memory


def test_a_submission_claimed_by_one_run_is_not_taken_by_another(tmp_path):
    mine, theirs = Claims(tmp_path / "grading-report.json"), Claims(tmp_path / "grading-report.json")
    assert mine.take("ada") and mine.take("ada")  # taken once, held
    assert not theirs.take("ada") and theirs.take("bob")
    mine.release("ada")
    assert theirs.take("ada")
    theirs.close()
    assert mine.take("bob")
    mine.close()


def test_the_claims_of_a_run_killed_by_sigkill_are_free_at_once(tmp_path):
    report = tmp_path / "grading-report.json"
    code = ("import sys, time; from coursekit.grading.coordinator.claims import Claims; "
            f"claims = Claims({str(report)!r}); assert claims.take('ada'); print('held', flush=True); "
            "time.sleep(600)")
    holder = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        claims = Claims(report)
        assert not claims.take("ada")
        holder.kill()
        holder.wait()
        assert claims.take("ada", wait=True)
        claims.close()
    finally:
        holder.kill()
        holder.wait()
        holder.stdout.close()


def test_a_second_run_on_a_sqlite_gradebook_stops_at_once_and_says_why(tmp_path):
    report = tmp_path / "autograded" / "a" / "grading-report.json"
    url = f"sqlite:///{tmp_path / 'gradebook.db'}"
    held = sqlite_run_lock(url, report, "a")
    with pytest.raises(GradebookBusyError, match="one writer at a time") as stopped:
        sqlite_run_lock(url, report, "a")
    assert "PostgreSQL" in str(stopped.value) and "process " in str(stopped.value)
    held.close()
    sqlite_run_lock(url, report, "a").close()  # free again once the first run is over
    assert sqlite_run_lock("postgresql+psycopg://grader@localhost/course", report, "a") is None
