"""The coordinator's side of grading: the only code that writes the gradebook.

For a submission a worker executed, it does what ``nbgrader autograde`` does
after execution: it creates the student and the submission (with its
timestamp), puts the submission's files, the assignment's files and the files its
notebooks wrote (side effects, within a size limit) into
``autograded/<student>/<assignment>/``, has the trusted judge decide the grade
cells from what the kernel exported (secure mode, ``verdicts.apply_verdicts``), runs
nbgrader's own ``SaveAutoGrades``,
``AssignLatePenalties`` and ``CheckCellMetadata`` on the executed notebook,
writes it there and sets nbgrader's file permissions. Formgrader,
``generate_feedback`` and ``export`` then see exactly what stock nbgrader
leaves behind.

Unlike stock nbgrader it never leaves a submission without a score:

- a grade cell missing from the submission scores zero and is flagged for
  manual grading (stock nbgrader leaves it unscored, or keeps an old score);
- a submission that cannot be executed (no notebook, a damaged file) scores
  zero in every cell, as nbgrader does for a missing notebook, with its reason
  in the grading report; its old autograded folder is removed so that no
  feedback is made from a previous submission;
- when the grading machinery fails (not the submission), nothing is written
  and the next run grades it again.
"""

import logging
import warnings
from pathlib import Path

import nbformat
from nbconvert.exporters import NotebookExporter
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.converters import Autograde
from nbgrader.utils import is_grade, parse_utc, rmtree
from sqlalchemy.exc import SAWarning

from coursekit.grading.coordinator.verdicts import apply_verdicts, mark_trust
from coursekit.grading.notebooks import write_files
from coursekit.grading.outcome import FAILED, SCORED, Outcome, now
from coursekit.grading.trusted.trust import KERNEL_REPORTED
from coursekit.grading.worker.sanitize import check_schemas_once, stages

log = logging.getLogger(__name__)


def failure_message(cell):
    """What made a grade cell lose points, in a line or two, or None."""
    for output in cell.get("outputs", []):
        if output.output_type == "error":
            lines = [line for line in str(output.evalue).splitlines() if line.strip()]
            problems = [line.lstrip("- ") for line in lines if line.startswith("- ")]
            detail = problems[0] if problems else (lines[0] if lines else "")
            return f"{output.ename}: {detail}"[:300] if detail else output.ename
        if output.output_type == "stream" and output.name == "stderr":
            first = next((line for line in output.text.splitlines() if line.strip()), "")
            return f"wrote to standard error, which nbgrader scores zero: {first.strip()}"[:300]
    return None


def destination(coursedir, snapshot, student):
    """The folder of ``student``'s submission of the snapshot's assignment under ``autograded/``."""
    return Path(coursedir.format_path(coursedir.autograded_directory, student, snapshot.assignment))


def graded_students(coursedir, snapshot):
    """The students whose submission the gradebook holds and whose autograded notebook exists."""
    with Gradebook(coursedir.db_url, coursedir.course_id) as gb:
        students = {s.student.id for s in gb.find_assignment(snapshot.assignment).submissions}
    return {student for student in students
            if any((destination(coursedir, snapshot, student) / f"{notebook}.ipynb").exists()
                   for notebook in snapshot.notebooks)}


class Recorder:
    """Writes the outcomes of one assignment into the gradebook and ``autograded/``.

    Parameters
    ----------
    coursedir : nbgrader.coursedir.CourseDirectory
        The course.
    snapshot : AssignmentSnapshot
        The assignment being graded.
    config : traitlets.config.Config
        The course's nbgrader configuration.
    judge : TrustedJudge or TemplateJudge, optional
        Secure mode: decides every grade cell of an executed notebook from its exports,
        before nbgrader reads the scores (``trusted.client.judge_for``). Without one, a secure
        run's executed notebooks fail to record: never the kernel's word.
    """

    def __init__(self, coursedir, snapshot, config, judge=None):
        check_schemas_once()
        self.coursedir = coursedir
        self.snapshot = snapshot
        self.judge = judge
        self.converter = Autograde(coursedir=coursedir, config=config)
        _, _, stage = stages(self.converter)
        # validating once, after the last preprocessor (as the workers do)
        self.exporter = NotebookExporter(config=config, log=log, optimistic_validation=True)
        for preprocessor in stage:
            self.exporter.register_preprocessor(preprocessor)
        self.gradebook = Gradebook(coursedir.db_url, coursedir.course_id)

    def close(self):
        """Close the gradebook session."""
        self.gradebook.close()

    def destination(self, student):
        """The submission's folder under ``autograded/``."""
        return destination(self.coursedir, self.snapshot, student)

    def record(self, job, result):
        """Record ``result``, the worker's work on ``job``; return the ``Outcome``."""
        outcome = Outcome(student=job.student, status=FAILED, notes=list(result.notes),
                          fingerprint=job.fingerprint, seconds=result.seconds,
                          cell_seconds=result.cell_seconds, worker=result.worker)
        if result.grader_error:
            outcome.reason, outcome.retry = result.reason, True
        else:
            try:
                if self.judge is not None:  # its thread may set warning filters too: never both at once
                    self.judge.settle_warnings()
                with warnings.catch_warnings():
                    # nbgrader's add_submission trips SQLAlchemy 2's backref warning (harmless:
                    # it adds the row itself right after); stock nbgrader prints the same warning.
                    warnings.simplefilter("ignore", SAWarning)
                    self._write(job, result, outcome)
            except Exception as error:  # a gradebook or disk failure: reported, retried by the next run
                self.gradebook.db.rollback()
                outcome.status, outcome.retry = FAILED, True
                outcome.reason = f"recording the grades failed: {type(error).__name__}: {error}"
        outcome.graded_at = now()
        log.debug("%s recorded: %s %s", job.student, outcome.status, outcome.reason or "")
        return outcome

    def _write(self, job, result, outcome):
        gb, assignment = self.gradebook, job.assignment
        gb.update_or_create_student(job.student)
        gb.update_or_create_submission(assignment, job.student,
                                       **({"timestamp": parse_utc(job.timestamp)} if job.timestamp else {}))
        gb.db.commit()
        destination = self.destination(job.student)
        if destination.exists():
            rmtree(str(destination))
        executed = {}
        if not result.notebooks:
            for notebook in self.snapshot.notebooks:
                self._zero(job, notebook)
            outcome.reason = result.reason
            outcome.status = FAILED
        else:
            destination.mkdir(parents=True)
            write_files({**job.files, **self.snapshot.source_files, **kept(result.side_effects)}, destination)
            for notebook in self.snapshot.notebooks:
                if notebook in result.notebooks:
                    executed[notebook] = self._save(job, notebook, result, destination, outcome)
                    self._missing_cells(job, notebook, executed[notebook], outcome)
                else:
                    reason = result.missing.get(notebook, "not graded")
                    outcome.notes.append(f"{notebook}.ipynb scores zero: {reason}")
                    for grade_id in self._zero(job, notebook):
                        outcome.messages[self.snapshot.key(notebook, grade_id)] = reason
            outcome.status = SCORED
            self.converter.set_permissions(assignment, job.student)
        self._scores(job, outcome, executed)

    def _save(self, job, notebook, result, destination, outcome):
        """Run nbgrader's grade-saving preprocessors on one executed notebook; return it as saved."""
        resources = {
            "unique_key": notebook,
            "output_files_dir": f"{notebook}_files",
            "nbgrader": {"student": job.student, "assignment": job.assignment, "notebook": notebook,
                         "db_url": self.coursedir.db_url},
            "metadata": {"name": notebook, "path": str(destination)},
        }
        nb = nbformat.reads(result.notebooks[notebook], as_version=4)
        trust = self.snapshot.trust_of(notebook)
        if self.snapshot.secure:
            if self.judge is None and self.snapshot.verified():
                raise RuntimeError("a secure run has no trusted judge: the kernel's word is never taken")
            kernel_reported = {grade_id for grade_id, level in trust.items() if level == KERNEL_REPORTED}
            apply_verdicts(self.judge, nb, (result.exports or {}).get(notebook, {}),  # no exports, no points
                           kernel_reported)
        mark_trust(nb, trust)
        text, _ = self.exporter.from_notebook_node(nb, resources)
        (destination / f"{notebook}.ipynb").write_text(text)
        return nbformat.reads(text, as_version=4)

    def _zero(self, job, notebook):
        """Score zero in every cell of a notebook that could not be graded, as nbgrader does a missing one.

        Returns the grade ids of its autograded cells.
        """
        submission = self.gradebook.find_submission_notebook(notebook, job.assignment, job.student)
        for grade in submission.grades:
            grade.auto_score = 0
            grade.needs_manual_grade = False
        self.gradebook.db.commit()
        return [grade.name for grade in submission.grades if grade.cell.cell_type == "code"]

    def _missing_cells(self, job, notebook, nb, outcome):
        """Score zero, and flag for a person, every grade cell the submitted notebook lost."""
        present = {cell.metadata.nbgrader["grade_id"] for cell in nb.cells if is_grade(cell)}
        submission = self.gradebook.find_submission_notebook(notebook, job.assignment, job.student)
        missing = [grade for grade in submission.grades
                   if grade.name not in present and grade.cell.cell_type == "code"]
        for grade in missing:
            grade.auto_score = 0
            grade.needs_manual_grade = True
            outcome.messages[self.snapshot.key(notebook, grade.name)] = "missing from the submission"
        self.gradebook.db.commit()
        if missing:
            names = ", ".join(self.snapshot.key(notebook, grade.name) for grade in missing)
            outcome.notes.append(f"grade cells missing from the submission score zero and are flagged "
                                 f"for manual grading: {names}")

    def _scores(self, job, outcome, executed):
        """Read back the scores the gradebook now holds, its maximum, and what lost points."""
        try:
            submission = self.gradebook.find_submission(job.assignment, job.student)
        except MissingEntry:
            return
        outcome.max_score = submission.max_score
        for each in submission.notebooks:
            nb = executed.get(each.name)
            cells = {cell.metadata.nbgrader["grade_id"]: cell
                     for cell in (nb.cells if nb else []) if is_grade(cell)}
            for grade in each.grades:
                if grade.cell.cell_type != "code":
                    continue
                key = self.snapshot.key(each.name, grade.name)
                outcome.grades[key] = grade.score
                outcome.trust.setdefault(key, self.snapshot.trust.get(key, KERNEL_REPORTED))
                outcome.score += grade.score or 0
                if grade.name in cells and (grade.score or 0) < grade.max_score:
                    message = failure_message(cells[grade.name])
                    if message:
                        outcome.messages[key] = message
        self.gradebook.db.commit()


def kept(side_effects):
    """The side-effect files that may be written under a submission's autograded folder."""
    return {name: data for name, data in side_effects.items()
            if not Path(name).is_absolute() and ".." not in Path(name).parts}
