"""JupyterLab as a person uses it: open a notebook, run it from the Run menu, read what the page shows.

Everything here goes through the page: menus are clicked, cells are selected by
clicking their prompt, and results are read from the rendered cells (prompts,
red error and warning outputs, images, widgets), never from the kernel.
"""

import os
import re
import time
from contextlib import contextmanager
from dataclasses import dataclass, field

import nbformat
from playwright.sync_api import TimeoutError as PlaywrightTimeout

# What the page shows of every cell, in notebook order (JupyterLab numbers its cells from 0).
READ_CELLS = """() => [...document.querySelectorAll('.jp-NotebookPanel .jp-Cell')].map(cell => ({
  index: Number(cell.dataset.windowedListIndex),
  code: cell.classList.contains('jp-CodeCell'),
  prompt: (cell.querySelector('.jp-InputPrompt')?.textContent ?? '').trim(),
  stderr: [...cell.querySelectorAll(
      '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')].map(e => e.textContent),
  images: [...cell.querySelectorAll('.jp-OutputArea-output img')].map(
      img => img.complete && img.naturalWidth > 0 && img.getBoundingClientRect().width > 0),
  sliders: [...cell.querySelectorAll('.widget-slider')].map(
      s => s.getBoundingClientRect().width > 0 && !!s.querySelector('.noUi-handle, input[type=range]')),
  widgets: [...cell.querySelectorAll('.jp-OutputArea-output > .jupyter-widgets')].map(
      w => w.getBoundingClientRect().height > 0),
  unrendered: [...cell.querySelectorAll('.jp-OutputArea-output')].filter(
      o => /Error displaying widget|Loading widget/.test(o.textContent)).map(o => o.textContent.trim()),
}))"""

# True when the notebook's kernel is idle and no cell waits to run.
QUIET = """() => {
  const status = document.querySelector('#jp-main-statusbar')?.textContent ?? '';
  const prompts = [...document.querySelectorAll('.jp-NotebookPanel .jp-InputPrompt')];
  return /\\|\\s*Idle/.test(status) && !prompts.some(p => p.textContent.includes('[*]'));
}"""

# The run as the page shows it, for a wait that gives up: kernel status, active cell, prompts, dialogs.
STATE = """() => ({
  status: (document.querySelector('#jp-main-statusbar')?.textContent ?? '').replace(/\\s+/g, ' ').trim(),
  active: document.querySelector('.jp-NotebookPanel .jp-Cell.jp-mod-active')?.dataset.windowedListIndex,
  prompts: [...document.querySelectorAll('.jp-NotebookPanel .jp-Cell')].map(cell =>
      cell.dataset.windowedListIndex + (cell.querySelector('.jp-InputPrompt')?.textContent ?? '').trim()),
  dialogs: [...document.querySelectorAll('.jp-Dialog')].map(d => d.textContent.trim().slice(0, 300)),
})"""
# A click that selects or runs nothing is tried again, as a person would: this often, this long apart.
ATTEMPTS = 3
ATTEMPT_WAIT_MS = 15_000
# A run aborted by the kernel is started again after this pause.
ABORTED_WAIT_MS = 2_000
SAVE_SECONDS = 60
# Every run started again after an abort, for the session's summary (a test it saved passes).
RUNS_STARTED_AGAIN = []
# Set to "always" to keep screenshots of notebooks whose test passed.
SCREENSHOTS = "COURSEKIT_SCREENSHOTS"

CELL = '.jp-NotebookPanel .jp-Cell[data-windowed-list-index="{index}"]'
EXECUTED = re.compile(r"^\[\d+\]:$")
# A frame of an IPython traceback: "Cell In[7], line 20, in initializer_(model, gamma)" or
# "File /path/module.py:123, in Module._call_impl(self, ...)"; no function at a cell's top level.
FRAME = re.compile(r"^(?:Cell In\[\d+\], line \d+|File .+:\d+)(?:, in ([\w.<>]+)\(.*)?$")
# The exception line that ends a traceback: "NotImplementedError: " or "AssertionError: message".
EXCEPTION = re.compile(r"^([A-Za-z_][\w.]*)(?::\s?(.*))?$")


@dataclass
class Cell:
    """One cell as the page shows it, with the nbgrader metadata of the file it came from."""

    index: int
    code: bool
    prompt: str
    source: str
    grade_id: str | None
    solution: bool
    grade: bool
    stderr: list = field(default_factory=list)
    images: list = field(default_factory=list)
    sliders: list = field(default_factory=list)
    widgets: list = field(default_factory=list)
    unrendered: list = field(default_factory=list)

    @property
    def executed(self):
        """Whether the cell ran (its prompt shows an execution count)."""
        return bool(EXECUTED.match(self.prompt))

    @property
    def runnable(self):
        """Whether running the cell executes anything (JupyterLab skips blank code cells)."""
        return self.code and bool(self.source.strip())

    @property
    def name(self):
        """How a report names the cell."""
        return f"cell {self.index} ({self.grade_id or 'no grade id'})"


class NotebookPage:
    """A notebook of a :class:`LabServer` open in a browser page.

    Parameters
    ----------
    page : playwright.sync_api.Page
        A fresh browser page.
    server : LabServer
        The server that serves the notebook.
    path : str
        The notebook's path relative to the server's root folder.
    """

    def __init__(self, page, server, path):
        self.page = page
        self.server = server
        self.path = path
        self.notebook = nbformat.read(server.root / path, as_version=4)

    def open(self):
        """Open the notebook in a workspace of its own and wait until its kernel is idle."""
        workspace = re.sub(r"\W+", "-", self.path)
        self.page.goto(self.server.url(f"lab/workspaces/{workspace}/tree/{self.path}", reset=""))
        self.page.wait_for_function(
            f"document.querySelectorAll('.jp-NotebookPanel .jp-Cell').length === {len(self.notebook.cells)}")
        self.page.wait_for_function(QUIET)
        return self

    def menu(self, menu, item):
        """Click ``item`` in the main menu ``menu`` (e.g. Run > Run All Cells)."""
        labels = self.page.locator("#jp-MainMenu .lm-MenuBar-itemLabel")
        labels.filter(has_text=re.compile(f"^{re.escape(menu)}$")).click()
        self.page.locator(".lm-Menu-itemLabel").filter(has_text=re.compile(f"^{re.escape(item)}$")).click()

    def select(self, index):
        """Select cell ``index`` by clicking its prompt, and see that it became the active cell.

        A click that lands while the notebook still scrolls or lays out selects another
        cell; a person then clicks again, and so does this.
        """
        cell = CELL.format(index=index)
        for _ in range(ATTEMPTS):
            self.page.locator(f"{cell} .jp-InputPrompt").click()
            try:
                self.page.wait_for_function(
                    f"() => document.querySelector('{cell}').classList.contains('jp-mod-active')",
                    timeout=ATTEMPT_WAIT_MS)
                return
            except PlaywrightTimeout:
                continue
        raise AssertionError(f"cell {index} never became the active cell: {self.state()}")

    def wait_until_ran(self, index):
        """Wait until cell ``index`` is not running and nothing else runs or waits to run.

        Returns
        -------
        bool
            Whether the cell ran (shows an execution count); False when its run was
            aborted or cancelled (its prompt went back to ``[ ]``).
        """
        prompt = f"{CELL.format(index=index)} .jp-InputPrompt"
        try:
            self.page.wait_for_function(
                f"() => !document.querySelector('{prompt}').textContent.includes('[*]') && ({QUIET})()")
        except PlaywrightTimeout:
            raise AssertionError(f"the run at cell {index} did not end: {self.state()}") from None
        return bool(EXECUTED.match(self.page.locator(prompt).text_content().strip()))

    def state(self):
        """What the page shows of the run: the kernel's status, the active cell, every prompt, dialogs."""
        return self.page.evaluate(STATE)

    def run_all(self):
        """Run > Run All Cells, as a person does; JupyterLab stops at the first cell that fails."""
        first = next(c.index for c in self.cells() if c.runnable)
        self.run(first, "Run All Cells")

    def run_from(self, index):
        """Run cell ``index`` and every cell below it from the Run menu; wait until the run ends."""
        # JupyterLab greys "and All Below" out for the last cell, and "Run Selected Cell" adds a cell.
        last = index == len(self.notebook.cells) - 1
        item = "Run Selected Cell and Do not Advance" if last else "Run Selected Cell and All Below"
        self.run(index, item, select=True)

    def run(self, index, item, select=False):
        """Start a run at cell ``index`` with ``item`` of the Run menu and wait until it ends.

        A run whose first cell started but never got an execution count (its prompt went
        back to ``[ ]``: the kernel aborted the request, or the page cancelled it) is
        started again, as a person who sees the cell not run runs it again.
        """
        aborted = []
        for _ in range(ATTEMPTS):
            self.start(index, item, select=select)
            if self.wait_until_ran(index):
                return
            aborted.append(self.state())
            RUNS_STARTED_AGAIN.append(f"{self.path}: Run > {item} at cell {index} was aborted, started again "
                                      f"(the page: {aborted[-1]})")
            self.page.wait_for_timeout(ABORTED_WAIT_MS)
        raise AssertionError(f"Run > {item} at cell {index} was aborted {ATTEMPTS} times: {aborted}")

    def start(self, index, item, select=False):
        """Click ``item`` of the Run menu (after selecting cell ``index``) until cell ``index`` starts.

        A click on a menu item that the notebook has not enabled yet runs nothing and
        says nothing; a person who sees no cell start clicks again, and so does this.
        """
        prompt = f"{CELL.format(index=index)} .jp-InputPrompt"
        started = f"() => /^\\[(\\*|\\d+)\\]:$/.test(document.querySelector('{prompt}').textContent.trim())"
        for _ in range(ATTEMPTS):
            if select:
                self.select(index)
            self.menu("Run", item)
            try:
                self.page.wait_for_function(started, timeout=ATTEMPT_WAIT_MS)
                return
            except PlaywrightTimeout:
                self.page.keyboard.press("Escape")  # a menu left open by a disabled item
        raise AssertionError(f"Run > {item} never started cell {index}: {self.state()}")

    def run_every_cell(self):
        """Run all cells; after each failure, carry on from the next cell not run yet.

        Returns
        -------
        int
            How many times the run stopped at a failing cell.
        """
        self.run_all()
        stops = 0
        while True:
            waiting = [c for c in self.cells() if c.runnable and not c.executed]
            if not waiting:
                return stops
            stops += 1
            if stops > len(self.notebook.cells):
                raise RuntimeError(f"cells that never run: {[c.name for c in waiting]}")
            self.run_from(waiting[0].index)

    def save(self):
        """File > Save Notebook, as a person saves a notebook they ran; wait until the file is written.

        Returns
        -------
        nbformat.NotebookNode
            The notebook as JupyterLab wrote it: the outputs the kernel sent, and the
            state of its widgets (with ``saveState`` on, as the test servers have it).
        """
        file = self.server.root / self.path
        before = file.stat().st_mtime_ns
        self.menu("File", "Save Notebook")
        self.page.wait_for_function("() => !document.querySelector('.lm-TabBar-tab.jp-mod-dirty')")
        deadline = time.monotonic() + SAVE_SECONDS
        while file.stat().st_mtime_ns == before:
            if time.monotonic() > deadline:
                raise AssertionError(f"{self.path} was not written: {self.state()}")
            time.sleep(0.2)
        return nbformat.read(file, as_version=4)

    def cells(self):
        """Every cell as the page shows it now, with its nbgrader metadata from the file."""
        shown = self.page.evaluate(READ_CELLS)
        assert len(shown) == len(self.notebook.cells), "the page does not show every cell"
        cells = []
        for seen, cell in zip(shown, self.notebook.cells):
            nbgrader = cell.metadata.get("nbgrader", {})
            cells.append(Cell(source=cell.source, grade_id=nbgrader.get("grade_id"),
                              solution=bool(nbgrader.get("solution")), grade=bool(nbgrader.get("grade")),
                              **seen))
        return cells

    def wait_for_outputs(self, expected, seconds=180):
        """Wait until the page shows at least the ``expected`` figures, widgets and sliders.

        Widgets and the figures inside them render after the kernel is idle. The
        wait gives up after ``seconds`` without failing: the caller compares what
        the page shows with what it expected.

        Returns
        -------
        list of Cell
            The cells as the page shows them at the end of the wait.
        """
        deadline = time.monotonic() + seconds
        while True:
            cells = self.cells()
            counts = shown(cells)
            if all(counts[what] >= count for what, count in expected.items()) or time.monotonic() > deadline:
                return cells
            self.page.wait_for_timeout(1000)

    def screenshots(self, folder, stem):
        """Save the whole notebook as numbered screenshots, one per screenful, top to bottom.

        Returns
        -------
        list of Path
            The files written.
        """
        scroller = ".jp-NotebookPanel .jp-WindowedPanel-outer"
        height, step = self.page.evaluate(
            f"() => [document.querySelector('{scroller}').scrollHeight, "
            f"document.querySelector('{scroller}').clientHeight]")
        folder.mkdir(parents=True, exist_ok=True)
        paths = []
        for number, top in enumerate(range(0, height, max(step - 40, 200)), start=1):
            self.page.evaluate(f"document.querySelector('{scroller}').scrollTop = {top}")
            path = folder / f"{stem}-{number:02d}.png"
            self.page.screenshot(path=path)
            paths.append(path)
        return paths

    @contextmanager
    def screenshots_kept(self, folder, stem):
        """Save :meth:`screenshots` of the notebook if the block fails (always if asked to).

        A notebook takes 15 to 20 screenfuls, about 8 s of a busy CPU: a run that passes
        keeps none unless ``COURSEKIT_SCREENSHOTS=always`` asks for them.
        """
        try:
            yield
        except BaseException:
            self.screenshots(folder, stem)
            raise
        if os.environ.get(SCREENSHOTS) == "always":
            self.screenshots(folder, stem)


def shown(cells):
    """How many figures, widgets and sliders the page shows rendered, over ``cells``."""
    return {"figures": sum(ok for c in cells for ok in c.images),
            "widgets": sum(ok for c in cells for ok in c.widgets),
            "sliders": sum(ok for c in cells for ok in c.sliders)}


def error_summary(text):
    """The exception name, message and innermost function of a traceback as the page shows it.

    Parameters
    ----------
    text : str
        The text of a red output: an IPython traceback, or a warning written to stderr.

    Returns
    -------
    tuple of (str or None, str, str or None)
        The exception's name (None when the text is not a traceback), its message,
        and the function of the innermost frame (None at a cell's top level).
    """
    lines = [line.rstrip() for line in text.strip().splitlines()]
    if not any("Traceback (most recent call last)" in line for line in lines[:3]):
        return None, text.strip(), None
    headers = [i for i, line in enumerate(lines) if FRAME.match(line)]
    last = headers[-1] if headers else 1
    function = FRAME.match(lines[last]).group(1) if headers else None
    for i in range(last + 1, len(lines)):
        found = EXCEPTION.match(lines[i])
        if found and not FRAME.match(lines[i]):
            message = "\n".join([found.group(2) or "", *lines[i + 1:]]).strip()
            return found.group(1), message, function
    return lines[-1], "", function
