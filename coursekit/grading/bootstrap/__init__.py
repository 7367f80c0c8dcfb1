"""What runs by path, before any of coursekit is importable: standard library only.

``zygote`` (the kernel template, its stand-in and the judge's fork), ``launcher`` (the
sandbox's launcher, which starts as root) and ``processes`` (process utilities both use)
run as ``python -I FILE`` and load one another by path. The rest of the grading engine
imports ``processes`` as an ordinary module. An import-linter contract keeps this package
free of anything but the standard library.
"""
