"""The sandbox of a secure run's kernels, and what crosses its wall.

``box`` builds a kernel's sandbox (bubblewrap, a uid per job slot, cgroups and rlimits),
``probe`` checks that it works on this machine, ``exports`` reads what ``coursekit.check``
wrote inside as untrusted files. What starts the sandbox as root runs by path from
``bootstrap``.
"""
