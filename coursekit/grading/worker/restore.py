"""Cell metadata a student changed is the student's doing: put the gradebook's back, grade, and say so.

nbgrader's ``OverwriteCells`` restores a cell's type, its locked flag, the points of a
grade cell and the source of a locked cell, but trusts the rest of the ``nbgrader``
metadata: a solution cell whose metadata was edited to make it a grade cell worth 50 points
makes it look that grade cell up in the gradebook and fail (``MissingEntry: No such grade
cell``), and a grade cell whose grade id was changed loses its id and fails the metadata
check. ``RestoreCellMetadata``, run just before ``OverwriteCells``, makes every cell's
``nbgrader`` metadata what the gradebook says of its grade id (grade, solution, task,
locked, points), gives a cell back the grade id the gradebook has for it when its own is
unknown (the missing cell whose instructor's source it holds, or the only missing cell of
its kind between the same neighbours) or else makes it an ordinary cell, and logs each change
as a warning (a note on the outcome).
"""

from nbgrader.api import Gradebook
from nbgrader.preprocessors import NbGraderPreprocessor

from coursekit.grading.notebooks import grade_id_of


class RestoreCellMetadata(NbGraderPreprocessor):
    """Make each cell's ``nbgrader`` metadata the gradebook's, noting every change."""

    def preprocess(self, nb, resources):
        nbgrader = resources["nbgrader"]
        with Gradebook(nbgrader["db_url"]) as gb:
            notebook = gb.find_notebook(nbgrader["notebook"], nbgrader["assignment"])
            self.known = {cell.name: wanted_metadata(notebook, cell) for cell in notebook.source_cells}
            self.sources = {cell.name: cell.source for cell in notebook.source_cells}
            self.order = [cell.name for cell in notebook.source_cells]
        self._restore_ids(nb)
        return super().preprocess(nb, resources)

    def _restore_ids(self, nb):
        """Give a cell whose grade id the gradebook does not know the id the gradebook has for it."""
        present = {grade_id_of(cell) for cell in nb.cells}
        for index, cell in enumerate(nb.cells):
            grade_id = grade_id_of(cell)
            if grade_id is None or grade_id in self.known:
                continue
            missing = [name for name in self.order if name not in present]
            found = [name for name in missing if self.sources[name].strip() == cell.source.strip()]
            if not found:
                before = next((grade_id_of(c) for c in reversed(nb.cells[:index])
                               if grade_id_of(c) in self.known), None)
                found = [name for name in missing if self._follows(name, before)
                         and self.known[name]["solution"] == bool(cell.metadata.nbgrader.get("solution"))]
            if len(found) == 1:
                self.log.warning("Cell '%s' had its grade id changed to '%s'; the gradebook's id "
                                 "was put back", found[0], grade_id)
                cell.metadata.nbgrader["grade_id"] = found[0]
                present.add(found[0])
            else:  # a cell of the student's own: an ordinary cell, as nbgrader cannot check its metadata
                self.log.warning("Cell '%s' is not in the gradebook; its nbgrader metadata was removed: "
                                 "it runs as an ordinary cell, worth no points", grade_id)
                del cell.metadata["nbgrader"]

    def _follows(self, name, before):
        """Whether the gradebook's cell ``name`` comes right after ``before`` among the cells with ids."""
        index = self.order.index(name)
        return (self.order[index - 1] if index else None) == before

    def preprocess_cell(self, cell, resources, index):
        wanted = self.known.get(grade_id_of(cell))
        if wanted is None:
            return cell, resources
        metadata = cell.metadata.nbgrader
        changed = []
        for key, value in wanted.items():
            if key == "points":
                continue
            if bool(metadata.get(key, False)) != value:
                changed.append(f"{key} {bool(metadata.get(key, False))} instead of {value}")
                metadata[key] = value
        if "points" in wanted:
            if not same_points(metadata.get("points"), wanted["points"]):
                changed.append(f"points {metadata.get('points')} instead of {wanted['points']:g}")
            metadata["points"] = wanted["points"]
        elif "points" in metadata:
            changed.append(f"points {metadata['points']} on a cell worth none")
            del metadata["points"]
        if changed:
            self.log.warning("Cell '%s' had its nbgrader metadata changed (%s); the gradebook's was put back",
                             grade_id_of(cell), ", ".join(changed))
        return cell, resources


def wanted_metadata(notebook, source_cell):
    """The ``nbgrader`` flags (and points) the gradebook gives the cell ``source_cell``."""
    name = source_cell.name
    grade = _max_score(notebook.grade_cells, name)
    task = _max_score(notebook.task_cells, name)
    wanted = {"grade": grade is not None, "solution": any(c.name == name for c in notebook.solution_cells),
              "task": task is not None, "locked": bool(source_cell.locked)}
    points = grade if grade is not None else task
    if points is not None:
        wanted["points"] = points
    return wanted


def _max_score(cells, name):
    try:
        return next(float(cell.max_score) for cell in cells if cell.name == name)
    except StopIteration:
        return None


def same_points(given, wanted):
    """Whether the points a cell states are the gradebook's."""
    try:
        return float(given) == wanted
    except (TypeError, ValueError):
        return False
