"""The disk quota of a sandboxed job: one tmpfs of limited size, unmounted after the job or by the next."""

import os

import pytest

from coursekit.grading.sandbox import quota

pytestmark = pytest.mark.sandbox


@pytest.fixture
def job(tmp_path):
    folder = tmp_path / "job"
    folder.mkdir()
    quota.mount(folder, 4 * 2**20, 64)
    yield folder
    quota.unmount(folder)


def test_writes_past_the_quota_fail_and_the_outcome_says_so(job):
    assert quota.mounted(job) and quota.full_note(job, 4 * 2**20, 64) is None
    written = 0
    with pytest.raises(OSError) as full:
        while True:
            (job / f"filler-{written}").write_bytes(bytes(2**18))  # each file far below any per-file limit
            written += 1
    assert full.value.errno == 28 and written <= 16  # ENOSPC past the 4 MB (16 files of 256 kB)
    assert "filled its writable space" in quota.full_note(job, 4 * 2**20, 64)


def test_too_many_files_are_stopped_too(job):
    with pytest.raises(OSError):
        for index in range(1000):
            (job / f"empty-{index}").touch()
    assert "64 files" in quota.full_note(job, 4 * 2**20, 64)


def test_a_mount_left_by_a_killed_worker_is_undone_by_the_next_job_of_its_slot(tmp_path):
    left = tmp_path / "left"
    left.mkdir()
    with open(tmp_path / "slot.lock", "a+") as lock:
        quota.claim(lock, left)
        quota.mount(left, 2**20, 16)
        assert quota.mounted(left)
        quota.release_stale(lock)  # what the slot's next job does first
    assert not quota.mounted(left) and os.path.isdir(left)
