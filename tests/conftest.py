"""Shared fixtures: each assignment's test class, graded once by stock nbgrader.

An assignment's class is the instructor's source notebook (``source-notebook``),
the untouched release (``release-notebook``) and every fixture submission under
``tests/submissions/<assignment>/``, each submitted as a student named after it.
"""

import shutil
from concurrent.futures import ThreadPoolExecutor

import pytest

from coursekit import speedups

speedups.apply()  # as the command line does, before anything imports jsonschema

from support.course import ASSIGNMENTS, EDITIONS, RELEASES, ROOT, add_assignment, class_of  # noqa: E402

from coursekit import build, course, grading, scenarios  # noqa: E402

SHARDS = 2  # each assignment's class is split over two nbgrader processes run side by side
# Stock nbgrader grades in the background at this nice level: it gets about a tenth of a core that a test
# keeps busy (its kernels still start well within their 60 s) and all of a core that the tests leave idle.
STOCK_NICENESS = 10
# At that level a kernel can wait minutes for the CPU while the tests keep both cores busy: stock
# nbgrader then gives up on starting it (60 s) or on a cell (the course's 300 s) although nothing
# hangs. These classes hold no hanging submission, so the tests give stock nbgrader time to wait.
STOCK_PATIENCE = ("--ExecutePreprocessor.startup_timeout=900", "--ExecutePreprocessor.timeout=1800")


@pytest.fixture(scope="session", autouse=True)
def calibration_cache(tmp_path_factory):
    """One cache of the reference solutions' cell times for every course the session grades.

    Every test course of an assignment is a copy of the same release (same fingerprint), so
    each assignment is calibrated once per mode and session (``coordinator.calibration``).
    """
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("COURSEKIT_CALIBRATION_CACHE", str(tmp_path_factory.mktemp("calibration")))
        yield


@pytest.fixture(scope="session", autouse=True)
def releases(tmp_path_factory):
    """Where the session keeps the assignments it released (``add_assignment`` copies them)."""
    RELEASES.folder = tmp_path_factory.mktemp("released")
    yield RELEASES
    RELEASES.folder = None


class GradedClass:
    """An assignment's class graded by stock ``nbgrader autograde`` in ``SHARDS`` course copies."""

    def __init__(self, assignment, folder):
        self.assignment = assignment
        self.roots = [folder / f"shard{i}" for i in range(SHARDS)]
        add_assignment(self.roots[0], assignment)
        for root in self.roots[1:]:
            shutil.copytree(self.roots[0], root)
        for i, (student, notebook) in enumerate(sorted(class_of(assignment, folder).items())):
            course.submit(self.roots[i % SHARDS], student, assignment, notebook)

    def grade(self, shard):
        course.autograde(self.roots[shard], self.assignment, *STOCK_PATIENCE, niceness=STOCK_NICENESS)

    @property
    def release(self):
        """The release that nbgrader generated from the committed source."""
        return build.release_path(self.assignment, self.roots[0])

    def scores(self):
        merged = {}
        for root in self.roots:
            merged.update(course.scores(root, self.assignment))
        return merged

    def max_scores(self):
        return course.max_scores(self.roots[0], self.assignment)

    def autograded(self, student):
        """Path of ``student``'s autograded notebook."""
        for root in self.roots:
            path = root / "autograded" / student / self.assignment / f"{self.assignment}.ipynb"
            if path.exists():
                return path
        raise FileNotFoundError(f"{student} was not graded")


@pytest.fixture(scope="session", autouse=True)
def stock_grader(request, tmp_path_factory, releases):
    """Grade the class of every assignment the session's tests need, two nbgrader runs at a time.

    Grading starts with the session, at a low CPU priority (``STOCK_NICENESS``): it
    takes the CPU that the tests run before those that need it leave idle (the
    browser tests keep about one core busy), and yields most of it to the tests.
    Once the classes are graded, the same two threads export the Otter autograders
    and grade their fixtures with ``otter run`` (``exported``), at the same priority.
    """
    needed = request.config.stash.get(NEEDED, ASSIGNMENTS)
    folder = tmp_path_factory.mktemp("courses")
    pool = ThreadPoolExecutor(max_workers=SHARDS)
    made = {a: pool.submit(GradedClass, a, folder / a) for a in needed}
    jobs = {a: [pool.submit(lambda a=a, i=i: made[a].result().grade(i)) for i in range(SHARDS)]
            for a in needed}
    otter = OtterGrading(pool, request.config.stash.get(OTTER, []), tmp_path_factory.mktemp("otter"))

    def graded(assignment):
        for job in jobs[assignment]:
            job.result()
        return made[assignment].result()

    graded.otter = otter
    yield graded
    pool.shutdown(cancel_futures=True)


def otter_fixtures(assignment):
    """The fixtures graded by Otter in CI: all-correct, blank and the first two wrong ones."""
    names = sorted(scenarios.scenarios(assignment, ROOT))
    return ["all-correct", "blank", *[n for n in names if n.startswith("wrong-")][:2]]


class OtterGrading:
    """Each assignment exported for Otter-Grader once, and its CI fixtures graded by ``otter run``.

    The jobs queue behind stock nbgrader's in the session's background threads, for every
    assignment a selected test needs (``OTTER``); ``export`` and ``scores`` wait for theirs.
    """

    def __init__(self, pool, assignments, scratch):
        self.scratch = scratch
        self._exports = {a: pool.submit(self._export, a) for a in assignments}
        self._runs = {}
        for a in assignments:
            found = scenarios.scenarios(a, ROOT)
            self._runs[a] = {name: pool.submit(self._run, found[name]) for name in otter_fixtures(a)}

    def _export(self, assignment):
        from coursekit.gradescope import export

        return export.export(assignment, ROOT, run_tests=False)

    def _run(self, scenario):
        from coursekit.gradescope import scores

        return scores.otter_grade(self.export(scenario.assignment), scenario, self.scratch, STOCK_NICENESS)

    def export(self, assignment):
        """The export folder of ``assignment`` (``coursekit export otter``'s)."""
        return self._exports[assignment].result()

    def scores(self, assignment):
        """``otter run``'s scores of the CI fixtures: fixture -> question -> score."""
        return {name: job.result() for name, job in self._runs[assignment].items()}


@pytest.fixture(scope="session")
def exported(stock_grader):
    """``exported(assignment)``: its Otter export folder and ``otter run``'s scores of its CI fixtures."""
    return lambda assignment: (stock_grader.otter.export(assignment), stock_grader.otter.scores(assignment))


@pytest.fixture
def graded_course(stock_grader, assignment):
    """``assignment``'s class, graded by stock nbgrader (a ``GradedClass``)."""
    return stock_grader(assignment)


@pytest.fixture(scope="session")
def engine_grader(tmp_path_factory, releases):
    """Grade an assignment's class with ``coursekit grade`` in a mode, once per session.

    ``mode`` is ``"secure"`` (sandboxed kernels, trusted verdicts; the default, as
    for ``coursekit grade``) or ``"insecure"`` (the in-kernel mode).
    """
    folder = tmp_path_factory.mktemp("engine")
    runs = {}

    def grade(assignment, mode="secure"):
        if (assignment, mode) not in runs:
            root = folder / mode / assignment
            add_assignment(root, assignment)
            for student, notebook in class_of(assignment, root.parent).items():
                course.submit(root, student, assignment, notebook)
            options = grading.GradingOptions(workers=2, secure=mode == "secure")
            runs[assignment, mode] = root, grading.grade(root, assignment, options=options)
        return runs[assignment, mode]

    return grade


NEEDED = pytest.StashKey[list]()
OTTER = pytest.StashKey[list]()
#: Fixtures that grade a class, start a kernel template or run ``otter``: a test that uses one is ``slow``.
SLOW_FIXTURES = {"graded_course", "engine_grader", "engine_course", "template", "exported", "plain_class",
                 "postgres"}


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    """Mark ``slow`` every test that needs a graded class or a kernel template (before ``-m`` selects)."""
    for item in items:
        if SLOW_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


def pytest_collection_finish(session):
    """Remember which assignments the selected tests grade, so only those are graded."""
    needed = {item.callspec.params["assignment"] for item in session.items
              if "graded_course" in getattr(item, "fixturenames", ()) and hasattr(item, "callspec")}
    session.config.stash[NEEDED] = [a for a in [*ASSIGNMENTS, *EDITIONS] if a in needed]
    otter = {item.callspec.params["assignment"] for item in session.items
             if "exported" in getattr(item, "fixturenames", ()) and hasattr(item, "callspec")}
    session.config.stash[OTTER] = [a for a in ASSIGNMENTS if a in otter]


def pytest_generate_tests(metafunc):
    """Parametrize ``assignment`` over the assignments and ``scenario`` over their fixtures."""
    if "scenario" in metafunc.fixturenames:
        pairs = [(a, s) for a in ASSIGNMENTS for s in scenarios.scenarios(a, ROOT)]
        metafunc.parametrize(("assignment", "scenario"), pairs, ids=[f"{a}:{s}" for a, s in pairs])
    elif "assignment" in metafunc.fixturenames and not parametrized(metafunc, "assignment"):
        metafunc.parametrize("assignment", ASSIGNMENTS)


def parametrized(metafunc, name):
    """Whether a ``parametrize`` mark of the test itself already gives ``name`` its values."""
    for mark in metafunc.definition.iter_markers("parametrize"):
        names = mark.args[0]
        if name in ([n.strip() for n in names.split(",")] if isinstance(names, str) else names):
            return True
    return False


@pytest.fixture(scope="session")
def postgres():
    """A throwaway PostgreSQL server for the session (``support.postgres.Cluster``), stopped at its end."""
    from support.postgres import Cluster

    cluster = Cluster()
    yield cluster
    cluster.stop()
