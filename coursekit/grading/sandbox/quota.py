"""The disk quota of a sandboxed job: one size-limited tmpfs for its folder and its ``/tmp``.

``RLIMIT_FSIZE`` bounds each file a kernel writes, not their sum: without more, a submission
could write file after file until the grading machine's disk is full and every later
submission fails. So each job folder is a tmpfs of its own, mounted by root before the
sandbox is built, of ``Limits.disk_bytes`` bytes and ``Limits.disk_files`` inodes; the
sandbox's ``/tmp`` is a folder inside it (``tmp/``). Everything the kernel can write (its
working folder, its exports, its ``/tmp``) then shares one bound, and a write past it fails
with ``ENOSPC`` in the student's code, not on the machine. The tmpfs lives in memory and
is charged to the job's memory cgroup; unmounting it at the end of the job frees it all.

Measured on this kind of machine (Debian 12, 2 cores, as root, shared with other work): a
tmpfs of 384 MB mounted and unmounted took 0.7 ms the pair (200 in a row); a loop-mounted
ext4 file of the same size took 0.32 s per job (``truncate``, ``mkfs.ext4``, ``mount -o
loop``, ``umount``); project quotas need the disk to be mounted with them, which it is not.

A worker killed before it closes its sandbox leaves its tmpfs mounted: the slot's lock file
names the mount, and the next job to take that slot unmounts it first (``release_stale``).
"""

import ctypes
import ctypes.util
import os

MS_NOSUID, MS_NODEV = 2, 4
MNT_DETACH = 2
#: Free space below which a job's quota counts as reached (tmpfs hands out whole pages).
FULL_MARGIN = 2**20

_libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)


def mount(folder, size, inodes):
    """Mount a tmpfs of ``size`` bytes and ``inodes`` files over ``folder`` (root only).

    Raises
    ------
    OSError
        When the kernel refuses (not root, no tmpfs).
    """
    options = f"size={size},nr_inodes={inodes},mode=0755".encode()
    if _libc.mount(b"coursekit-job", os.fsencode(folder), b"tmpfs", MS_NOSUID | MS_NODEV, options) != 0:
        error = ctypes.get_errno()
        raise OSError(error, f"cannot mount the job's tmpfs on {folder}: {os.strerror(error)}")


def unmount(folder):
    """Detach the tmpfs mounted over ``folder`` (its memory is freed once nothing uses it)."""
    if _libc.umount2(os.fsencode(folder), MNT_DETACH) != 0:
        error = ctypes.get_errno()
        if error not in (22, 2):  # EINVAL: not a mount point; ENOENT: gone
            raise OSError(error, f"cannot unmount {folder}: {os.strerror(error)}")


def mounted(folder):
    """Whether a job tmpfs is mounted on ``folder``."""
    target = os.fsencode(os.path.realpath(folder))
    try:
        with open("/proc/self/mountinfo", "rb") as stream:
            for line in stream:
                fields = line.split()
                where = fields[4].replace(b"\\040", b" ") if len(fields) > 4 else b""
                if where == target and b"coursekit-job" in line:
                    return True
    except OSError:
        pass
    return False


def release_stale(lock):
    """Unmount the job tmpfs that a killed worker left on the slot whose open lock file is ``lock``.

    The lock file holds the job folder of the slot's last job (``claim``).
    """
    lock.seek(0)
    left = lock.read().strip()
    if left and mounted(left):
        unmount(left)


def claim(lock, folder):
    """Write ``folder`` into the slot's lock file: the mount to undo if this worker dies."""
    lock.seek(0)
    lock.truncate()
    lock.write(str(folder))
    lock.flush()


def usage(folder):
    """Bytes and files used on the job tmpfs at ``folder``, and the bytes and files it has left."""
    info = os.statvfs(folder)
    return {"bytes": (info.f_blocks - info.f_bfree) * info.f_frsize, "free": info.f_bavail * info.f_frsize,
            "files": info.f_files - info.f_ffree, "free_files": info.f_favail}


def full_note(folder, size, inodes):
    """A note for the outcome when the job used up its quota, else None."""
    try:
        used = usage(folder)
    except OSError:
        return None
    if used["free"] >= FULL_MARGIN and used["free_files"] > 0:
        return None
    what = (f"{size / 2**20:g} MB" if used["free"] < FULL_MARGIN else f"{inodes} files")
    return (f"the notebook filled its writable space (its folder and /tmp: {what} in all); writes past "
            "that failed with 'No space left on device' in the student's code, and the space was "
            "freed after the notebook")
