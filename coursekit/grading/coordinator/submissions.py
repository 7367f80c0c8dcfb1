"""The submissions of an assignment: where they are, what they hold, whether they changed.

Submissions live where nbgrader puts them,
``submitted/<student>/<assignment>/`` (nbgrader's ``CourseDirectory``
decides the exact layout). A submission's *fingerprint* hashes every file in
its folder (``timestamp.txt`` included) together with the assignment's
version, so a submission replaced by a newer one, or graded against an
assignment that changed since, is graded again, and nothing else is.
"""

import glob
import hashlib
import os
import re
from pathlib import Path

from nbgrader.utils import find_all_files

from coursekit.grading.outcome import Job


class UnknownStudentsError(LookupError):
    """Students were asked for that have no submission of the assignment."""


class Submission:
    """One student's submission folder.

    Parameters
    ----------
    student : str
        The student's id.
    assignment : str
        The assignment id.
    notebook : str
        The id of the notebook to grade (file name without ``.ipynb``).
    folder : Path
        The submission's folder.
    coursedir : nbgrader.coursedir.CourseDirectory
        The course (for ignored file patterns and timestamps).
    """

    def __init__(self, student, assignment, notebook, folder, coursedir):
        self.student = student
        self.assignment = assignment
        self.notebook = notebook
        self.folder = Path(folder)
        self.coursedir = coursedir

    def files(self):
        """Every file of the submission, relative path to absolute path, ignored patterns left out."""
        found = find_all_files(str(self.folder), self.coursedir.ignore)
        return {os.path.relpath(name, self.folder): Path(name) for name in sorted(found)}

    def fingerprint(self, version, contents=None):
        """Hash of the submission's files and the assignment's ``version``."""
        digest = hashlib.sha256(version.encode())
        for name, content in (contents if contents is not None else self.read()).items():
            digest.update(name.encode() + b"\0" + hashlib.sha256(content).digest())
        return digest.hexdigest()

    def read(self):
        """The submission's files' contents by relative path."""
        return {name: path.read_bytes() for name, path in self.files().items()}

    def problem(self, names):
        """Why a submission holding the files ``names`` has nothing to grade, or None."""
        wanted = f"{self.notebook}.ipynb"
        if wanted in names:
            return None
        where = f"{self.coursedir.submitted_directory}/{self.student}/{self.assignment}/"
        notebooks = sorted(name for name in names if name.endswith(".ipynb"))
        if notebooks:
            return (f"no {wanted} in {where}; it holds {', '.join(notebooks)}: "
                    f"rename the student's notebook to {wanted} to have it graded")
        if names:
            return f"no notebook in {where}, only {', '.join(sorted(names))}"
        return f"no notebook in {where}: the folder is empty"

    def job(self, version):
        """The ``Job`` of this submission, read now, against the assignment ``version``."""
        contents = self.read()
        try:
            timestamp = self.coursedir.get_existing_timestamp(str(self.folder))
        except Exception:  # nbgrader fails on an unreadable timestamp.txt; grade it as untimed
            timestamp = None
        wanted = f"{self.notebook}.ipynb"
        return Job(student=self.student, assignment=self.assignment, notebook=self.notebook,
                   text=contents.get(wanted),
                   files={name: data for name, data in contents.items() if not name.endswith(".ipynb")},
                   fingerprint=self.fingerprint(version, contents),
                   timestamp=timestamp.isoformat() if timestamp else None,
                   problem=self.problem(list(contents)))


def find(coursedir, assignment, notebook, students=None):
    """The submissions of ``assignment``, in student order.

    Parameters
    ----------
    coursedir : nbgrader.coursedir.CourseDirectory
        The course.
    assignment, notebook : str
        The assignment and the id of its notebook.
    students : list of str, optional
        Only these students (all by default).

    Raises
    ------
    UnknownStudentsError
        When a requested student has no submission folder.
    """
    pattern = coursedir.format_path(coursedir.submitted_directory, "*", assignment)
    regexp = coursedir.format_path(coursedir.submitted_directory, "(?P<student_id>[^/]+)",
                                   re.escape(assignment), escape=True)
    excluded = set(filter(None, coursedir.student_id_exclude.split(",")))
    found = {}
    for folder in sorted(glob.glob(pattern)):
        match = re.fullmatch(regexp, folder)
        if match and os.path.isdir(folder) and match["student_id"] not in excluded:
            found[match["student_id"]] = Submission(match["student_id"], assignment, notebook, folder,
                                                    coursedir)
    if students:
        unknown = [student for student in students if student not in found]
        if unknown:
            raise UnknownStudentsError(f"no submission of {assignment} by {', '.join(unknown)} in "
                                  f"{coursedir.format_path(coursedir.submitted_directory, '*', assignment)}")
        return [found[student] for student in students]
    return list(found.values())
