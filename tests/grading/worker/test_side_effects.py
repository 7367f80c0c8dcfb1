"""Files a kernel writes in its working folder: kept as nbgrader keeps them, within a limit, never a link."""

import os

from coursekit.grading.worker.side_effects import collect


def test_new_and_changed_files_are_kept_and_the_given_ones_are_not(tmp_path):
    given = {"data.csv": b"1,2\n", "notes/readme.txt": b"read me"}
    for name, data in given.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(data)
    (tmp_path / "data.csv").write_bytes(b"1,2,3\n")  # the notebook rewrote it
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "side-effect.txt").write_text("hello")
    (tmp_path / "ps1.ipynb").write_text("{}")  # a notebook of the assignment: the grader writes those
    files, notes = collect(tmp_path, given, skip={"ps1.ipynb"})
    assert files == {"data.csv": b"1,2,3\n", "out/side-effect.txt": b"hello"}
    assert notes == []


def test_links_and_files_past_the_limit_are_left_out_with_a_note(tmp_path):
    secret = tmp_path.parent / f"{tmp_path.name}-secret"
    secret.write_text("the grader's secret")
    work = tmp_path / "work"
    work.mkdir()
    os.symlink(secret, work / "link.txt")
    os.symlink(tmp_path.parent, work / "linked-folder")
    (work / "small.txt").write_bytes(b"x" * 10)
    (work / "large.bin").write_bytes(b"x" * 100)
    files, notes = collect(work, {}, limit=50)
    assert files == {"small.txt": b"x" * 10}  # no link followed (file or folder), nothing past 50 bytes
    assert len(notes) == 1 and "link.txt (a link)" in notes[0] and "large.bin" in notes[0]
