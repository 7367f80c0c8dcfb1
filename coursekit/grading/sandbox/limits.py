"""What one sandboxed kernel may use."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    """What one sandboxed kernel may use.

    Attributes
    ----------
    memory_bytes : int
        Memory of the whole job (cgroup), or address space per process (rlimit fallback;
        below about 1 GB ``import torch`` fails).
    processes : int
        Processes and threads of the job (cgroup ``pids``) and of its uid (``RLIMIT_NPROC``).
    cpu_seconds : int
        CPU time of each process (``RLIMIT_CPU``).
    cpu_cores : float
        CPU bandwidth of the whole job (cgroup ``cpu``), in cores.
    file_bytes : int
        Largest file a process may write (``RLIMIT_FSIZE``).
    disk_bytes : int
        Everything the job may write, in total: its folder (the notebook's files, the
        exports) and its ``/tmp`` share one tmpfs of this size (``sandbox.quota``).
    disk_files : int
        Files and folders the job may create, in total (the tmpfs's inodes).
    """

    memory_bytes: int = 3 * 2**30
    processes: int = 96
    cpu_seconds: int = 1800
    cpu_cores: float = 1.0
    file_bytes: int = 256 * 2**20
    disk_bytes: int = 384 * 2**20
    disk_files: int = 100_000
