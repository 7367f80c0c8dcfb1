"""Submissions and their fingerprints: a changed file or assignment version means grading again."""

from nbgrader.coursedir import CourseDirectory

from coursekit.grading.coordinator.submissions import Submission, find


def course(tmp_path, students):
    coursedir = CourseDirectory(root=str(tmp_path))
    for student, files in students.items():
        folder = tmp_path / "submitted" / student / "a"
        folder.mkdir(parents=True)
        for name, data in files.items():
            (folder / name).write_bytes(data)
    return coursedir


def test_the_fingerprint_changes_with_any_file_and_with_the_version(tmp_path):
    coursedir = course(tmp_path, {"ada": {"a.ipynb": b"{}", "data.csv": b"1,2"}})
    submission = find(coursedir, "a", ("a",))[0]
    first = submission.fingerprint("v1")
    assert submission.fingerprint("v1") == first  # nothing changed: nothing to grade
    assert submission.fingerprint("v2") != first  # the assignment changed
    (submission.folder / "data.csv").write_bytes(b"1,3")
    assert submission.fingerprint("v1") != first  # a file of the submission changed
    (submission.folder / "data.csv").write_bytes(b"1,2")
    (submission.folder / "timestamp.txt").write_text("2026-11-20 12:00:00 UTC")
    assert submission.fingerprint("v1") != first  # resubmitted: its timestamp is a file too


def test_a_job_carries_the_notebook_apart_and_says_what_is_missing(tmp_path):
    coursedir = course(tmp_path, {"ada": {"a.ipynb": b"{}", "data.csv": b"1"}, "bob": {"b.ipynb": b"{}"},
                                  "cy": {}})
    found = {s.student: s for s in find(coursedir, "a", ("a",))}
    ada = found["ada"].job("v1")
    assert ada.notebooks == {"a": b"{}"} and ada.files == {"data.csv": b"1"} and ada.problem is None
    assert ada.fingerprint == found["ada"].fingerprint("v1")
    assert "rename the student's notebook to a.ipynb" in found["bob"].job("v1").problem
    assert "the folder is empty" in found["cy"].job("v1").problem
    assert isinstance(found["cy"], Submission)
