"""What crosses the sandbox wall: regular files only, a few per cell, and the folder emptied."""

import os
import socket

from coursekit.grading.sandbox.exports import MAX_EXPORTS_PER_CELL, collect


def test_non_regular_files_are_unusable_exports_and_are_removed(tmp_path):
    (tmp_path / "0-folder.json" / "inside").mkdir(parents=True)
    os.mkfifo(tmp_path / "1-fifo.json")
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(tmp_path / "2-socket.json"))
        os.symlink("/dev/zero", tmp_path / "3-zero.json")
        os.symlink("/etc/shadow", tmp_path / "4-secret.json")
        (tmp_path / "5-real.json").write_text("{}")
        taken = dict(collect(tmp_path))
    assert taken.pop("5-real.json") == b"{}"
    assert taken == {name: "not a regular file" for name in
                     ("0-folder.json", "1-fifo.json", "2-socket.json", "3-zero.json", "4-secret.json")}
    assert not os.listdir(tmp_path)


def test_thousands_of_exports_in_one_cell_are_cut_and_removed(tmp_path):
    for index in range(3000):
        (tmp_path / f"{index:05d}-x.json").write_text("{}")
    taken = collect(tmp_path)
    assert len(taken) == 3000 and not os.listdir(tmp_path)
    assert all(data == b"{}" for _, data in taken[:MAX_EXPORTS_PER_CELL])
    assert {data for _, data in taken[MAX_EXPORTS_PER_CELL:]} == {"too many exports in one cell"}
