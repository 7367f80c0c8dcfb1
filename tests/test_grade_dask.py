"""``coursekit grade --executor dask``: the same jobs on a real Dask cluster of two worker processes."""

import os

import pytest
from distributed import Client, LocalCluster
from support.course import ASSIGNMENTS, ROOT, add_assignment

from coursekit import course, grading, scenarios

pytestmark = [pytest.mark.dask, pytest.mark.slow]

ASSIGNMENT = ASSIGNMENTS[0]


def test_a_dask_cluster_grades_and_only_the_coordinator_writes(tmp_path):
    root = tmp_path / "course"
    add_assignment(root, ASSIGNMENT)
    found = scenarios.scenarios(ASSIGNMENT, ROOT)
    students = sorted(found)[:2]
    for name in students:
        course.submit(root, name, ASSIGNMENT, found[name].path.with_suffix(".ipynb"))
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        with Client(cluster) as client:
            workers = set(client.run(os.getpid).values())
        run = grading.grade(root, ASSIGNMENT, options=grading.GradingOptions(
            executor="dask", scheduler=cluster.scheduler_address))
    assert "2 Dask workers" in run.executor
    assert sorted(o.student for o in run.outcomes) == students
    assert {o.status for o in run.outcomes} == {"scored"}
    ran_on = {int(o.worker.rsplit(":", 1)[1]) for o in run.outcomes}
    assert ran_on <= workers and os.getpid() not in ran_on
    max_scores = course.max_scores(root, ASSIGNMENT)
    assert course.scores(root, ASSIGNMENT) == {name: found[name].expected(max_scores) for name in students}
