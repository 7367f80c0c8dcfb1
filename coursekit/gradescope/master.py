"""An nbgrader source notebook rewritten as an Otter-Grader master notebook.

Otter's ``otter assign`` format (otter-grader 7.0.0) marks questions, solutions
and tests with raw delimiter cells. The rewrite keeps every cell of the source
in its place and adds those delimiters:

- each autograded nbgrader grade cell becomes a question named after its
  ``grade_id``, worth the cell's points, ``all_or_nothing`` like nbgrader's
  cell; the exercise's solution cell before it is the question's SOLUTION
  block, with nbgrader's code stub (``raise NotImplementedError()``) kept as
  the student's prompt;
- the grade cell's visible lines are the question's public test case; the
  whole cell, hidden tests included (``coursekit.check``), is a ``HIDDEN``
  case, since Otter runs each case on its own copy of the student's globals;
- a manually graded answer becomes a ``manual: true`` question;
- given, demo and text cells stay as they are.
"""

import ast
import re

import nbformat
import yaml

from coursekit.lint import nbgrader_of

#: Otter plugin that makes the notebook grade with its grading budget (``GRADING``).
PLUGIN = "coursekit.gradescope.plugin.GradingBudget"

BEGIN_SOLUTION = re.compile(r"^(\s*)### BEGIN SOLUTION\s*$")
END_SOLUTION = re.compile(r"^(\s*)### END SOLUTION\s*$")
BEGIN_HIDDEN = "### BEGIN HIDDEN TESTS"
END_HIDDEN = "### END HIDDEN TESTS"


def raw(text, **config):
    """A raw delimiter cell: its first line, then the YAML of ``config``."""
    body = yaml.safe_dump(config, sort_keys=False).strip() if config else ""
    return nbformat.v4.new_raw_cell(f"{text}\n{body}".strip())


def is_exercise(cell):
    """An autograded exercise: a code solution cell that is not itself graded."""
    meta = nbgrader_of(cell)
    return cell.cell_type == "code" and meta.get("solution") and not meta.get("grade")


def is_autograded_test(cell):
    """An nbgrader autograded test cell."""
    meta = nbgrader_of(cell)
    return cell.cell_type == "code" and meta.get("grade") and not meta.get("solution")


def is_manual_answer(cell):
    """A manually graded answer (markdown, or code with a solution that a person grades)."""
    meta = nbgrader_of(cell)
    return meta.get("grade") and meta.get("solution")


def solution_cell(cell, stub):
    """The exercise's cell with Otter's solution markers and nbgrader's stub as its prompt.

    ``### BEGIN SOLUTION`` / ``### END SOLUTION`` become ``# BEGIN SOLUTION NO PROMPT``
    and ``# END SOLUTION``; after each region the stub stands in a ``PROMPT`` string,
    which Otter keeps as code in the student's notebook. A cell without markers is a
    solution as a whole, as in nbgrader.
    """
    lines = cell.source.split("\n")
    if not any(BEGIN_SOLUTION.match(line) for line in lines):
        lines = ["### BEGIN SOLUTION", *lines, "### END SOLUTION"]
    out = []
    for line in lines:
        begin, end = BEGIN_SOLUTION.match(line), END_SOLUTION.match(line)
        if begin:
            out.append(f"{begin.group(1)}# BEGIN SOLUTION NO PROMPT")
        elif end:
            indent = end.group(1)
            out += [f"{indent}# END SOLUTION", f'{indent}""" # BEGIN PROMPT',
                    *(f"{indent}{stub_line}" for stub_line in stub.split("\n")), f'{indent}""" # END PROMPT']
        else:
            out.append(line)
    return code_cell("\n".join(out), cell)


def code_cell(source, like):
    """A code cell with ``source`` that keeps ``like``'s kit metadata (and drops nbgrader's)."""
    cell = nbformat.v4.new_code_cell(source)
    if "coursekit" in like.metadata:
        cell.metadata["coursekit"] = like.metadata["coursekit"]
    return cell


def split_hidden(source):
    """The visible lines of a grade cell, and the whole cell without the hidden-test markers."""
    visible, whole, hidden = [], [], False
    for line in source.split("\n"):
        if line.strip() == BEGIN_HIDDEN:
            hidden = True
        elif line.strip() == END_HIDDEN:
            hidden = False
        else:
            whole.append(line)
            if not hidden:
                visible.append(line)
    return "\n".join(visible).strip(), "\n".join(whole).strip()


class Silence(ast.NodeTransformer):
    """Turn expression statements into assignments, outside functions and classes.

    Otter runs an OK-format test case as a doctest, whose expected output is empty: an
    expression with a value (``torch.manual_seed(0)``) would print it and fail the case.
    """

    def visit_Expr(self, node):
        assign = ast.Assign(targets=[ast.Name("_", ast.Store())], value=node.value)
        return ast.copy_location(assign, node)

    def generic_visit(self, node):
        """Leave definitions as they are: their bodies run only when called."""
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            return node
        return super().generic_visit(node)


def test_case(source, hidden):
    """A test cell of Otter's: explicit test config, then the test's code, silenced."""
    tree = ast.fix_missing_locations(Silence().visit(ast.parse(source)))
    config = f'""" # BEGIN TEST CONFIG\nhidden: {str(hidden).lower()}\n""" # END TEST CONFIG'
    return nbformat.v4.new_code_cell(f"{config}\n{ast.unparse(tree)}")


def question(grade_cell, exercises):
    """The cells of one autograded question: solutions, then the grade cell's tests."""
    meta = nbgrader_of(grade_cell)
    cells = [raw("# BEGIN QUESTION", name=meta["grade_id"], points=meta.get("points", 0),
                 all_or_nothing=True)]
    for exercise in exercises:
        cells += [raw("# BEGIN SOLUTION"), exercise, raw("# END SOLUTION")]
    visible, whole = split_hidden(grade_cell.source)
    cells.append(raw("# BEGIN TESTS"))
    if visible:
        cells.append(test_case(visible, hidden=False))
    cells.append(test_case(whole, hidden=True))
    return [*cells, raw("# END TESTS"), raw("# END QUESTION")]


def manual_question(answer, stub):
    """A manually graded answer as an Otter ``manual`` question; its model answer is the solution."""
    meta = nbgrader_of(answer)
    cell = nbformat.v4.new_markdown_cell(answer.source) if answer.cell_type == "markdown" \
        else solution_cell(answer, stub)
    return [raw("# BEGIN QUESTION", name=meta["grade_id"], points=meta.get("points", 0), manual=True),
            raw("# BEGIN SOLUTION"), cell, raw("# END SOLUTION"), raw("# END QUESTION")]


def assignment_config(assignment, wheel, pdf):
    """The ``# ASSIGNMENT CONFIG`` cell: requirements, the grading wheel and the plugin.

    ``pdf`` makes the student's export cell add Otter's PDF of the written answers (it needs
    LaTeX on the student's machine); without it the notebook runs top to bottom anywhere.
    """
    config = {
        "name": assignment,
        "requirements": "requirements.txt",
        "python_version": "3.11",
        "autograder_files": [wheel],
        "plugins": [PLUGIN],
        "init_cell": True,
        "check_all_cell": False,
        "export_cell": {"pdf": pdf, "run_tests": False},
        "generate": {"pdf": False, "filtering": pdf, "show_stdout": True, "show_hidden": False},
        "tests": {"files": False, "ok_format": True},
        "run_tests": True,
    }
    return raw("# ASSIGNMENT CONFIG", **config)


def master_notebook(source, assignment, stub, wheel, pdf=False):
    """The Otter master notebook of an nbgrader source notebook.

    Parameters
    ----------
    source : nbformat.NotebookNode
        The instructor's notebook.
    assignment : str
        The assignment's name (Otter checks that a submission names it).
    stub : str
        nbgrader's code stub (``ClearSolutions.code_stub``), the prompt of every exercise.
    wheel : str
        File name of the grading wheel the autograder installs.
    pdf : bool
        For an assignment with written answers, let the export cell make Otter's PDF of them.

    Returns
    -------
    nbformat.NotebookNode

    Raises
    ------
    ValueError
        When an exercise has no grade cell after it, or a written answer stands between an
        exercise and its grade cell (Otter questions cannot nest).
    """
    manual = any(is_manual_answer(c) for c in source.cells)
    cells = [assignment_config(assignment, wheel, pdf and manual)]
    pending, between = [], []
    for cell in source.cells:
        if is_exercise(cell):
            pending.append(solution_cell(cell, stub))
        elif is_autograded_test(cell):
            cells += _with_between(question(cell, pending), between)
            pending, between = [], []
        elif is_manual_answer(cell):
            if pending:
                raise ValueError(f"written answer {nbgrader_of(cell)['grade_id']} stands between an "
                                 "exercise and its grade cell: move it after the grade cell")
            cells += manual_question(cell, stub)
        else:
            (between if pending else cells).append(_plain(cell))
    if pending:
        names = [c.metadata.get("coursekit", {}).get("reference", ["?"])[0] for c in pending]
        raise ValueError(f"exercises {names} have no grade cell after them")
    metadata = {k: v for k, v in source.metadata.items() if k in ("kernelspec", "language_info")}
    return nbformat.v4.new_notebook(cells=cells, metadata=metadata)


def _with_between(cells, between):
    """Put the cells that stood between an exercise and its grade cell back before its tests."""
    at = next(i for i, c in enumerate(cells) if c.source.startswith("# BEGIN TESTS"))
    return cells[:at] + between + cells[at:]


def _plain(cell):
    """A cell that is neither exercise nor test, without nbgrader's metadata."""
    copy = nbformat.from_dict(dict(cell))
    copy.metadata = {k: v for k, v in cell.metadata.items() if k != "nbgrader"}
    return copy
