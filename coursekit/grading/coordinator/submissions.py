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
    notebooks : tuple of str
        The ids of the assignment's notebooks (file names without ``.ipynb``).
    folder : Path
        The submission's folder.
    coursedir : nbgrader.coursedir.CourseDirectory
        The course (for ignored file patterns and timestamps).
    """

    def __init__(self, student, assignment, notebooks, folder, coursedir):
        self.student = student
        self.assignment = assignment
        self.notebooks = tuple(notebooks)
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

    def missing(self, names):
        """Why each notebook of the assignment is missing from a submission holding the files ``names``."""
        where = f"{self.coursedir.submitted_directory}/{self.student}/{self.assignment}/"
        others = sorted(name for name in names if name.endswith(".ipynb")
                        and name.removesuffix(".ipynb") not in self.notebooks)
        found = {}
        for notebook in self.notebooks:
            wanted = f"{notebook}.ipynb"
            if wanted in names:
                continue
            if others:
                found[notebook] = (f"no {wanted} in {where}; it holds {', '.join(others)}: "
                                   f"rename the student's notebook to {wanted} to have it graded")
            elif any(name.endswith(".ipynb") for name in names):
                found[notebook] = f"no {wanted} in {where}"
            elif names:
                found[notebook] = f"no notebook in {where}, only {', '.join(sorted(names))}"
            else:
                found[notebook] = f"no notebook in {where}: the folder is empty"
        return found

    def problem(self, names):
        """Why a submission holding the files ``names`` has none of the notebooks to grade, or None."""
        missing = self.missing(names)
        if len(missing) < len(self.notebooks):
            return None
        return "; ".join(dict.fromkeys(missing.values()))

    def is_empty(self):
        """Whether the folder holds no file at all (nbgrader skips it: no student, no grades)."""
        return not self.files()

    def job(self, version):
        """The ``Job`` of this submission, read now, against the assignment ``version``."""
        contents = self.read()
        try:
            timestamp = self.coursedir.get_existing_timestamp(str(self.folder))
        except Exception:  # nbgrader fails on an unreadable timestamp.txt; grade it as untimed
            timestamp = None
        return Job(student=self.student, assignment=self.assignment,
                   notebooks={name: contents.get(f"{name}.ipynb") for name in self.notebooks},
                   missing=self.missing(list(contents)),
                   files={name: data for name, data in contents.items() if not name.endswith(".ipynb")},
                   fingerprint=self.fingerprint(version, contents),
                   timestamp=timestamp.isoformat() if timestamp else None,
                   problem=self.problem(list(contents)))


def find(coursedir, assignment, notebooks, students=None):
    """The submissions of ``assignment``, in student order.

    Parameters
    ----------
    coursedir : nbgrader.coursedir.CourseDirectory
        The course.
    assignment : str
        The assignment.
    notebooks : tuple of str
        The ids of its notebooks.
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
            found[match["student_id"]] = Submission(match["student_id"], assignment, notebooks, folder,
                                                    coursedir)
    if students:
        unknown = [student for student in students if student not in found]
        if unknown:
            raise UnknownStudentsError(f"no submission of {assignment} by {', '.join(unknown)} in "
                                  f"{coursedir.format_path(coursedir.submitted_directory, '*', assignment)}")
        return [found[student] for student in students]
    return list(found.values())
