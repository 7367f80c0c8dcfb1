"""Browser fixtures: JupyterLab servers on loopback, Debian's Chromium driven by playwright.

Every server runs on 127.0.0.1, on a free port, with a random token, in a
temporary course directory, with its own settings, workspaces and runtime
folders (nothing of the user's Jupyter set-up is read or written), and is shut
down with its kernels after use. The browser is ``/usr/bin/chromium`` (Debian's
package, installed by ``make install``); ``playwright install`` is never used.
Every browser context refuses requests to anything but the server, and a test
fails if the page tried one.
"""

import json
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright
from support.course import ASSIGNMENTS, EDITIONS, ROOT

from browser.labpage import RUNS_STARTED_AGAIN
from coursekit.build import environment

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
ARTIFACTS = ROOT / "test-artifacts"
# The machine is shared and slow at times (stock nbgrader grades the test classes beside the browser
# tests, at a low priority): waits are generous, and no assertion is timed.
STARTUP_SECONDS = 600
PAGE_TIMEOUT_MS = 600_000

# User settings of the test servers: no news or update checks (they would fetch from the internet),
# every cell kept in the page (JupyterLab otherwise detaches the cells scrolled out of view), no
# autosave (a notebook is read from the file as the course holds it, never as a test left it, unless
# the test saves it), and widget state saved with a notebook (what its Output widgets captured).
LAB_SETTINGS = {
    "@jupyterlab/apputils-extension/notification": {"fetchNews": "false", "checkForUpdates": False},
    "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none"},
    "@jupyterlab/docmanager-extension/plugin": {"autosave": False},
    "@jupyter-widgets/jupyterlab-manager/plugin": {"saveState": True},
}


def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class LabServer:
    """A JupyterLab server (with nbgrader's extensions) serving the course directory ``root``.

    Parameters
    ----------
    root : Path
        The course directory: the server's root folder and working directory, so
        that nbgrader's formgrader finds ``nbgrader_config.py`` there.
    home : Path
        A scratch folder for the server's settings, workspaces, runtime files and log.
    env : dict, optional
        Environment variables to set for the server (a student's ``HOME``, say).
    """

    def __init__(self, root, home, env=None):
        self.root = Path(root)
        self.home = Path(home)
        self.env = dict(env or {})
        self.port = free_port()
        self.token = secrets.token_hex(24)
        self.log = self.home / "server.log"
        self.process = None

    @property
    def base(self):
        """The server's address, e.g. ``http://127.0.0.1:8888``."""
        return f"http://127.0.0.1:{self.port}"

    def url(self, path, **query):
        """The address of ``path`` on the server, with the token."""
        params = "&".join(f"{key}={value}" for key, value in {"token": self.token, **query}.items())
        return f"{self.base}/{path.lstrip('/')}?{params}"

    def start(self):
        """Start the server and wait until its REST API answers."""
        for name, values in LAB_SETTINGS.items():
            path = self.home / "settings" / f"{name}.jupyterlab-settings"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(values))
        env = {**environment(), "JUPYTERLAB_SETTINGS_DIR": str(self.home / "settings"),
               "JUPYTERLAB_WORKSPACES_DIR": str(self.home / "workspaces"),
               "JUPYTER_RUNTIME_DIR": str(self.home / "runtime"), **self.env}
        env.pop("NBGRADER_EXECUTION", None)  # the notebooks run as a person runs them, not graded
        command = [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ip=127.0.0.1",
                   f"--port={self.port}", "--ServerApp.port_retries=0",
                   f"--IdentityProvider.token={self.token}", f"--ServerApp.root_dir={self.root}",
                   "--LabApp.news_url=None", "--LabApp.extension_manager=readonly",
                   "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate", "--allow-root"]
        with open(self.log, "w") as log:
            self.process = subprocess.Popen(command, cwd=self.root, env=env, stdout=log,
                                            stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"JupyterLab exited ({self.process.returncode}):\n{self.log.read_text()}")
            try:
                self.api("GET", "api/status")
                return self
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"JupyterLab did not answer:\n{self.log.read_text()}") from None
                time.sleep(0.5)

    def api(self, method, path, timeout=30):
        """Call the server's REST API; return the decoded JSON answer (None when empty)."""
        request = urllib.request.Request(f"{self.base}/{path}", method=method,
                                         headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            body = answer.read()
        return json.loads(body) if body else None

    def shut_down_kernels(self):
        """Shut down every kernel, so that the next test starts from a quiet machine."""
        for session in self.api("GET", "api/sessions"):
            self.api("DELETE", f"api/sessions/{session['id']}", timeout=120)
        for kernel in self.api("GET", "api/kernels"):
            self.api("DELETE", f"api/kernels/{kernel['id']}", timeout=120)

    def stop(self):
        """Shut the kernels and the server down; terminate the server if it does not stop."""
        if self.process is None or self.process.poll() is not None:
            return
        try:
            self.shut_down_kernels()
            self.api("POST", "api/shutdown", timeout=60)
            self.process.wait(timeout=60)
        except (OSError, subprocess.TimeoutExpired):
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def pytest_terminal_summary(terminalreporter):
    """List the notebook runs that the browser tests had to start again (see ``NotebookPage.run``)."""
    if RUNS_STARTED_AGAIN:
        terminalreporter.section("browser runs started again after an abort")
        for line in RUNS_STARTED_AGAIN:
            terminalreporter.write_line(line)


@pytest.fixture(scope="session")
def chromium():
    """Debian's Chromium, headless, driven by playwright."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make install` (it installs Debian's chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def lab_server(tmp_path_factory):
    """Start JupyterLab servers with ``lab_server(root, env=None)``; all are stopped after the test."""
    servers = []

    def start(root, env=None):
        server = LabServer(root, tmp_path_factory.mktemp("jupyter-home"), env)
        servers.append(server)
        return server.start()

    yield start
    for server in servers:
        server.stop()


def copy_course(destination, assignments):
    """Copy the course's configuration and the assignments' source and release folders."""
    destination.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "nbgrader_config.py", destination)
    for assignment in assignments:
        for kind in ("source", "release"):
            if (ROOT / kind / assignment).exists():
                shutil.copytree(ROOT / kind / assignment, destination / kind / assignment)
    return destination


@pytest.fixture(scope="session")
def course_server(tmp_path_factory):
    """One JupyterLab server for the whole session, in a temporary copy of the course's notebooks."""
    root = copy_course(tmp_path_factory.mktemp("browser-course"), [*ASSIGNMENTS, *EDITIONS])
    server = LabServer(root, tmp_path_factory.mktemp("jupyter-home"))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def artifacts(request):
    """A fresh folder ``test-artifacts/<test>/`` for the test's screenshots."""
    folder = ARTIFACTS / re.sub(r"[^\w.-]+", "-", request.node.name).strip("-")
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


@pytest.fixture
def page(chromium, request):
    """A fresh browser page whose requests may only go to 127.0.0.1.

    The test fails (at teardown) if the page tried to reach anything else.
    """
    context = chromium.new_context(viewport={"width": 1400, "height": 1800})
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    refused = []

    def loopback_only(route):
        if re.match(r"^(https?|wss?)://127\.0\.0\.1(:\d+)?/", route.request.url):
            route.continue_()
        elif route.request.url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            refused.append(route.request.url)
            route.abort()

    context.route("**/*", loopback_only)
    page = context.new_page()
    yield page
    context.close()
    assert not refused, f"the page tried to reach beyond loopback: {refused}"
