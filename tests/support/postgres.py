"""A throwaway PostgreSQL server for the tests: Debian's ``postgresql``, one cluster per session.

``initdb`` makes a cluster in a temporary folder, ``pg_ctl`` starts it on a free port of the
loopback address (trust authentication, no fsync: nothing in it outlives the session) and stops
it at the end. PostgreSQL refuses to run as root: as root, the cluster belongs to the
``postgres`` account that the Debian package creates, and its commands run as that user.
Each course of the tests gets a database of its own (``Cluster.gradebook``).
"""

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import psycopg
from nbgrader.api import Gradebook

from coursekit.environment import environment
from coursekit.grading.coordinator.snapshot import copy_into, describe

USER = "coursekit"


def binaries():
    """The folder of ``initdb`` and ``pg_ctl`` (Debian keeps them off PATH), or None."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    if found:
        return Path(found[-1]).parent
    pg_ctl = shutil.which("pg_ctl")
    return Path(pg_ctl).parent if pg_ctl else None


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Cluster:
    """A PostgreSQL cluster in a temporary folder, listening on ``127.0.0.1:port``."""

    def __init__(self):
        self.bin = binaries()
        if self.bin is None:
            raise RuntimeError("PostgreSQL's initdb and pg_ctl are missing: `make install` installs the "
                               "Debian package postgresql")
        self.folder = Path(tempfile.mkdtemp(prefix="coursekit-postgres-"))
        self.data = self.folder / "data"
        self.port = free_port()
        self.owner = pwd.getpwnam("postgres") if os.geteuid() == 0 else None
        if self.owner is not None:
            os.chown(self.folder, self.owner.pw_uid, self.owner.pw_gid)
        self._run("initdb", "-D", self.data, "-U", USER, "--auth=trust", "-E", "UTF8", "--no-sync")
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run("pg_ctl", "start", "-w", "-D", self.data, "-l", self.folder / "server.log", "-o", options)
        self.databases = 0

    def _run(self, tool, *arguments):
        command = [str(self.bin / tool), *map(str, arguments)]
        if self.owner is not None:
            command = ["/usr/bin/setpriv", f"--reuid={self.owner.pw_uid}", f"--regid={self.owner.pw_gid}",
                       "--init-groups", *command]
        done = subprocess.run(command, capture_output=True, text=True, cwd=self.folder, timeout=120)
        if done.returncode != 0:
            raise RuntimeError(f"{tool} failed: {done.stderr or done.stdout}")

    def url(self, database="postgres"):
        """The SQLAlchemy URL of ``database`` (psycopg 3 driver)."""
        return f"postgresql+psycopg://{USER}@127.0.0.1:{self.port}/{database}"

    def create_database(self):
        """A new empty database; return its SQLAlchemy URL."""
        self.databases += 1
        name = f"gradebook{self.databases}"
        with psycopg.connect(f"host=127.0.0.1 port={self.port} user={USER} dbname=postgres",
                             autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def gradebook(self, root, assignment):
        """Move the course ``root``'s gradebook to a new database of this server (with ``assignment``).

        The released assignment is copied from the course's SQLite gradebook through nbgrader's
        API, and ``c.CourseDirectory.db_url`` is set in the course's ``nbgrader_config.py``.
        """
        with Gradebook(f"sqlite:///{Path(root) / 'gradebook.db'}") as gb:
            data = describe(gb, assignment)
        url = self.create_database()
        path = os.environ["PATH"]
        os.environ["PATH"] = environment()["PATH"]  # nbgrader stamps its migration version with `alembic`
        try:
            Gradebook(url).close()
        finally:
            os.environ["PATH"] = path
        copy_into(url, data)
        with open(Path(root) / "nbgrader_config.py", "a") as config:
            config.write(f"\nc.CourseDirectory.db_url = {url!r}\n")
        (Path(root) / "gradebook.db").unlink()
        return url

    def stop(self):
        """Stop the server and remove its folder."""
        try:
            self._run("pg_ctl", "stop", "-D", self.data, "-m", "immediate")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)
