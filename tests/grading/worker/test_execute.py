"""``GradingExecute``'s output cutting, fed messages as a kernel sends them (no kernel runs)."""

import nbformat

from coursekit.grading.worker.execute import GradingExecute


def notebook():
    cell = nbformat.v4.new_code_cell("print('x' * 10**9)")
    cell.metadata.nbgrader = {"grade_id": "flood"}
    return nbformat.v4.new_notebook(cells=[cell])


def executor(limit):
    """A ``GradingExecute`` on a one-cell notebook, as nbclient leaves it when the cell starts."""
    execute = GradingExecute(max_output_bytes=limit)
    execute.nb = notebook()  # what nbconvert's preprocess sets, then nbclient's execute_cell:
    execute.clear_before_next_output = False
    return execute


def stream(text, name="stdout"):
    return {"msg_type": "stream", "header": {"msg_type": "stream"}, "parent_header": {}, "metadata": {},
            "content": {"name": name, "text": text}}


def display(text):
    return {"msg_type": "display_data", "header": {"msg_type": "display_data"}, "parent_header": {},
            "metadata": {}, "content": {"data": {"text/plain": text}, "metadata": {}, "transient": {}}}


def test_printed_output_past_the_limit_is_cut_with_one_note():
    execute, outs = executor(100), []
    for _ in range(5):
        execute.output(outs, stream("y" * 60), None, 0)
    printed = "".join(out.text for out in outs)
    assert printed.split("\n")[0] == "y" * 100  # the first 100 bytes, then the note
    assert "output cut by coursekit after 0.0001 MB" in printed
    assert execute.notes == ["cell 'flood' printed more than 0.0001 MB; the rest of its output was dropped"]


def test_standard_error_keeps_its_first_bytes_after_stdout_flooded():
    execute, outs = executor(100), []
    execute.output(outs, stream("y" * 150), None, 0)
    execute.output(outs, stream("Traceback: boom", name="stderr"), None, 0)
    assert [out.name for out in outs] == ["stdout", "stderr"]  # a cell that wrote to stderr still fails
    assert len(execute.notes) == 1


def test_displays_past_the_limit_are_dropped_whole():
    execute, outs = executor(100), []
    execute.output(outs, display("a" * 80), None, 0)
    execute.output(outs, display("b" * 80), None, 0)
    assert [out.data["text/plain"] for out in outs] == ["a" * 80]
    assert execute.notes == ["cell 'flood' displayed more than 0.0001 MB; the rest of its output was dropped"]


def test_output_under_the_limit_is_kept_as_it_came():
    execute, outs = executor(1000), []
    execute.output(outs, stream("hello\n"), None, 0)
    assert [out.text for out in outs] == ["hello\n"] and execute.notes == []
