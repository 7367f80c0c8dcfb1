"""Calibrated cell time limits: how long the reference solution takes, measured once per assignment version.

A loop that never ends should cost seconds per cell, not nbgrader's timeout (the course's
300 s) for every cell that calls it. Before a run grades its first submission, the
coordinator grades the instructor's source notebook (the reference solutions) on the run's
own executor, in the run's own mode, as a submission would be graded, and keeps how long
each cell took. A submission's cell may then run ``max(floor, factor x reference time)``,
never more than nbgrader's timeout (``outcome.CellLimits``); a cell the reference does not
have gets the limit of its longest cell.

The times are cached in ``reports/<assignment>/reference-cell-times.json`` (or the
folder ``COURSEKIT_CALIBRATION_CACHE`` names, which the tests share), keyed by the
assignment's fingerprint (``AssignmentSnapshot.version``: its cells, sources and files)
and the mode: a changed assignment is measured again, an unchanged one never.
``nbgrader_config.py`` sets the floor and the factor::

    c.CourseKit.cell_time_floor = 5     # seconds
    c.CourseKit.cell_time_factor = 20

A floor at or above nbgrader's timeout turns calibration off (every cell gets the timeout).
"""

import json
import logging
import math
import os
from pathlib import Path

from nbgrader.preprocessors import Execute

from coursekit.grading.coordinator.ledger import report_path, write_atomically
from coursekit.grading.outcome import CellLimits, Job, now

log = logging.getLogger(__name__)

#: Seconds any cell may run, however fast the reference solution ran it.
FLOOR = 5.0
#: How many times the reference solution's time a cell may run.
FACTOR = 20.0
#: The configuration section of these settings in ``nbgrader_config.py``.
SECTION = "CourseKit"
#: The student name the calibration run's job carries (never recorded).
REFERENCE = "reference-solution"


def cell_limits(coursedir, snapshot, pool):
    """The calibrated time limits of ``snapshot``'s cells, measuring them on ``pool`` when not cached.

    Parameters
    ----------
    coursedir : nbgrader.coursedir.CourseDirectory
        The course (where the source notebook and the cache are).
    snapshot : AssignmentSnapshot
        The assignment and the run's configuration and mode.
    pool : executor
        The run's executor (``executors.executor``): the reference is graded as a submission is.

    Returns
    -------
    CellLimits or None
        None when every cell gets nbgrader's timeout: calibration is off, or the reference
        could not be run (logged).
    """
    section = snapshot.config.get(SECTION, {})
    floor = float(section.get("cell_time_floor", FLOOR))
    factor = float(section.get("cell_time_factor", FACTOR))
    timeout = Execute(config=snapshot.config).timeout
    timeout = float(timeout) if timeout and timeout > 0 else math.inf
    if floor >= timeout:
        return None
    cache = cache_path(coursedir, snapshot.assignment)
    key = f"{snapshot.version}:{'secure' if snapshot.secure else 'in-kernel'}"
    times = read_cache(cache).get(key, {}).get("seconds")
    if times is None:
        times = measure(coursedir, snapshot, pool)
        if times is None:
            return None
        write_cache(cache, key, times)
    return CellLimits(reference=times, floor=floor, factor=factor, timeout=timeout)


def measure(coursedir, snapshot, pool):
    """Grade the source notebook on ``pool``; the seconds each of its cells took, or None (logged)."""
    folder = Path(coursedir.format_path(coursedir.source_directory, ".", snapshot.assignment))
    sources = {name: folder / f"{name}.ipynb" for name in snapshot.notebooks}
    missing = [str(path) for path in sources.values() if not path.exists()]
    if missing:
        log.warning("no source notebook %s: every cell gets nbgrader's timeout", ", ".join(missing))
        return None
    job = Job(student=REFERENCE, assignment=snapshot.assignment,
              notebooks={name: path.read_bytes() for name, path in sources.items()})
    try:
        result = pool.submit(job).result()
    except Exception as error:  # the worker, not the reference, failed
        log.warning("the reference solution could not be timed (%s: %s): every cell gets nbgrader's timeout",
                    type(error).__name__, error)
        return None
    if not result.notebooks or not result.cell_times:
        log.warning("the reference solution could not be timed (%s): every cell gets nbgrader's timeout",
                    result.reason)
        return None
    log.info("%s: the reference solution's cells took %.1f s in all", snapshot.assignment,
             sum(result.cell_times.values()))
    return result.cell_times


def cache_path(coursedir, assignment):
    """Where the reference's cell times of ``assignment`` are cached."""
    folder = os.environ.get("COURSEKIT_CALIBRATION_CACHE")
    if folder:
        return Path(folder) / f"{assignment}.json"
    return report_path(coursedir, assignment).parent / "reference-cell-times.json"


def read_cache(path):
    """The cached measurements, by key; empty when there are none or they cannot be read."""
    try:
        data = json.loads(Path(path).read_text())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def write_cache(path, key, times):
    """Add the measurement ``times`` under ``key`` to the cache at ``path`` (written atomically)."""
    data = read_cache(path)
    data[key] = {"seconds": times, "measured_at": now()}
    write_atomically(path, json.dumps(data, indent=1, sort_keys=True))
