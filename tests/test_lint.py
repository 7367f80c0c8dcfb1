"""``coursekit lint``: each rule fires on a small notebook that breaks it, and not on that notebook intact.

The small notebook is an assignment of one exercise, ``linear_regression`` of
``deep_linear_networks`` (whose reference and spec the course has), written into a
temporary course as ``source/deep_linear_networks/deep_linear_networks.ipynb``.
"""

import nbformat
import pytest
from support.course import ROOT

from coursekit import build, lint
from coursekit.scaffold import nbgrader_metadata

ASSIGNMENT = "deep_linear_networks"
EXERCISE = "linear_regression"
IMPORTS = 'import os\n\nimport numpy as np\n\nGRADING = "NBGRADER_EXECUTION" in os.environ'
VISIBLE = ("X = np.array([[1.0, 0.0, 1.0, 2.0], [0.0, 1.0, 1.0, -1.0]])\nY = np.array([[2.0, 3.0]]) @ X\n"
           "W = linear_regression(X, Y)\n"
           "assert np.allclose(W, [[2.0, 3.0]]), f\"W is {W}, expected [[2, 3]]\"\n")
CHECK = f'from coursekit import check\ncheck("{EXERCISE}", {EXERCISE})\n'
HIDDEN = f"### BEGIN HIDDEN TESTS\n{CHECK}### END HIDDEN TESTS"
SOLUTION, TEST = 3, 4  # indexes of the exercise's cells


def small_notebook():
    v4 = nbformat.v4
    nb = v4.new_notebook(cells=[
        v4.new_markdown_cell("# Linear regression, see https://en.wikipedia.org/wiki/Linear_regression"),
        v4.new_code_cell(IMPORTS, metadata=nbgrader_metadata("setup_imports")),
        v4.new_code_cell("N_SAMPLES = 10 if GRADING else 100  # https://example.org is only a comment",
                         metadata=nbgrader_metadata("setup_budget")),
        v4.new_code_cell("", metadata={"coursekit": {"reference": [EXERCISE]},
                                       **nbgrader_metadata(EXERCISE, solution=True)}),
        v4.new_code_cell(VISIBLE + HIDDEN,
                         metadata=nbgrader_metadata(f"test_{EXERCISE}", grade=True, points=2)),
    ])
    nb.metadata = {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}}
    return nb


def problems(tmp_path, nb):
    """What lint says of ``nb`` as the source notebook of ``ASSIGNMENT`` in the course ``tmp_path``."""
    path = build.source_path(ASSIGNMENT, tmp_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return [str(problem) for problem in lint.lint(ASSIGNMENT, tmp_path)]


@pytest.fixture
def good(tmp_path):
    """The small notebook, its solution cell filled by ``coursekit sync``."""
    nb = small_notebook()
    problems(tmp_path, nb)
    build.sync(ASSIGNMENT, tmp_path)
    nb = nbformat.read(build.source_path(ASSIGNMENT, tmp_path), as_version=4)
    assert problems(tmp_path, nb) == []
    return nb


def only(found, *fragments):
    """The one problem found, after checking that it says every fragment."""
    assert len(found) == 1, found
    for fragment in fragments:
        assert fragment in found[0], found[0]
    return found[0]


def test_todays_notebooks_lint_clean(assignment):
    assert lint.lint(assignment, ROOT) == []


def test_solution_cell_without_reference_function_or_spec(tmp_path, good):
    good.cells[SOLUTION].metadata["nbgrader"]["grade_id"] = "lin_reg"
    good.cells[SOLUTION].metadata["coursekit"]["reference"] = ["lin_reg"]
    found = problems(tmp_path, good)
    assert any("cell 3 (lin_reg): solution cell of an exercise that reference/deep_linear_networks.py "
               "does not define" in p and "def lin_reg(...)" in p for p in found), found
    assert any("cell 3 (lin_reg): solution cell of an exercise without a spec" in p for p in found), found


def test_solution_cell_without_spec(tmp_path, good):
    """``build_tree`` is in the reference (given code) but is no exercise: it has no spec."""
    good.cells[SOLUTION].metadata["nbgrader"]["grade_id"] = "build_tree"
    good.cells[SOLUTION].metadata["coursekit"]["reference"] = ["build_tree"]
    good.cells[SOLUTION].source = build.render_solution(__import__("reference.deep_linear_networks").
                                                        deep_linear_networks.build_tree)
    only(problems(tmp_path, good), "cell 3 (build_tree): solution cell of an exercise without a spec",
         "coursekit/specs/deep_linear_networks.py")


def test_solution_cell_not_generated_from_reference(tmp_path, good):
    del good.cells[SOLUTION].metadata["coursekit"]
    only(problems(tmp_path, good), "cell 3 (linear_regression): solution cell not generated from reference/",
         '"coursekit": {"reference": ["linear_regression"]}')


def test_grade_cell_without_check(tmp_path, good):
    good.cells[TEST].source = VISIBLE
    only(problems(tmp_path, good), "cell 4 (test_linear_regression): grade cell calls no `check`",
         "kernel-reported", 'check("linear_regression", linear_regression)')


def test_check_outside_the_hidden_tests(tmp_path, good):
    good.cells[TEST].source = VISIBLE + CHECK
    only(problems(tmp_path, good), "cell 4 (test_linear_regression): grade cell calls `check` outside")


def test_duplicate_grade_id(tmp_path, good):
    good.cells[2].metadata["nbgrader"]["grade_id"] = "setup_imports"
    only(problems(tmp_path, good), "cell 2 (setup_imports): grade_id 'setup_imports' is also cell 1's")


def test_missing_grade_id(tmp_path, good):
    good.cells[2].metadata["nbgrader"]["grade_id"] = ""
    only(problems(tmp_path, good), "cell 2: nbgrader cell without a grade_id")


def test_grade_cell_without_points(tmp_path, good):
    del good.cells[TEST].metadata["nbgrader"]["points"]
    only(problems(tmp_path, good), "cell 4 (test_linear_regression): grade cell with no points")


def test_grading_used_before_it_is_defined(tmp_path, good):
    good.cells[1], good.cells[2] = good.cells[2], good.cells[1]
    only(problems(tmp_path, good), "cell 1 (setup_budget): uses GRADING before any cell defines it")


def test_saved_outputs(tmp_path, good):
    good.cells[2].outputs = [nbformat.v4.new_output("stream", text="100\n")]
    good.cells[2].execution_count = 1
    only(problems(tmp_path, good), "cell 2 (setup_budget): saved outputs", "Clear Outputs")


def test_url_fetched_at_run_time(tmp_path, good):
    good.cells[2].source += '\ndata = np.loadtxt("https://example.org/data.csv")'
    only(problems(tmp_path, good), "cell 2 (setup_budget): fetches https://example.org/data.csv at run time")
    good.cells[2].source = "!wget https://example.org/data.csv"
    only(problems(tmp_path, good), "fetches https://example.org/data.csv at run time")


def test_visible_assert_on_a_seeded_draw(tmp_path, good):
    seeded = ("np.random.seed(0)\nX = np.random.rand(2, 5)\nW = linear_regression(X, 2 * X)\n"
              "assert W.shape == (2, 2)\n")
    good.cells[TEST].source = seeded + HIDDEN
    assert problems(tmp_path, good) == [], "a shape does not depend on the draws"
    good.cells[TEST].source = seeded + "assert np.isclose(W[0, 1], 0.0123)\n" + HIDDEN
    only(problems(tmp_path, good), "cell 4 (test_linear_regression): visible assert on line 5 compares "
         "with a literal a value drawn after a seed")
    shapes = "sizes = [len(row) for row in W]\nassert sizes == [2, 2]\n"
    good.cells[TEST].source = seeded + shapes + HIDDEN
    assert problems(tmp_path, good) == [], "the lengths of the drawn rows do not depend on the draws"
    firsts = "firsts = [row[0] for row in W]\nassert firsts == [0.5, 0.25]\n"
    good.cells[TEST].source = seeded + firsts + HIDDEN
    only(problems(tmp_path, good), "visible assert on line 6 compares with a literal a value drawn")
    unseeded = seeded.replace("np.random.seed(0)\n", "")
    good.cells[TEST].source = unseeded + "assert W[0, 1] == 0.0123\n" + HIDDEN
    assert problems(tmp_path, good) == [], "no seed: the values do not depend on a draw order"


def test_drift_from_reference(tmp_path, good):
    edited = good.cells[SOLUTION].source.replace("### END SOLUTION", "    pass\n### END SOLUTION")
    good.cells[SOLUTION].source = edited
    only(problems(tmp_path, good), "cell 3 (linear_regression): differs from reference/",
         "coursekit sync deep_linear_networks")
