"""Build a translated edition's source notebook from the English source and the catalog.

The edition ``<assignment>_<language>`` is an nbgrader assignment of its own
(``source/<assignment>_<language>/<assignment>_<language>.ipynb``, generated and committed,
never edited by hand): nbgrader restores a locked cell from the gradebook's copy of its own
assignment, so a Japanese submission gets its Japanese cells back, never the English ones.
It has the English source's cells, ids and nbgrader metadata; markdown cells and the
messages of visible asserts are the catalog's translations (the English text where the
catalog has none yet, which ``coursekit i18n check`` reports); code stays English. Each
hidden ``check("<function>", <function>)`` gets ``language="<language>"``, which makes the
failure messages of the same specs, judged against the same reference, come in that language.
"""

import ast
import copy

import nbformat

from coursekit import build
from coursekit.i18n import catalog as catalogs


def language_keyword(source, language):
    """Spans where ``language="<language>"`` goes into each ``check(name, fn)`` call of ``source``."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    spans = []
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and len(node.args) == 2 and not node.keywords
                and (isinstance(node.func, ast.Name) and node.func.id == "check"
                     or isinstance(node.func, ast.Attribute) and node.func.attr == "check")):
            _, end = catalogs.char_span(source, node.args[-1])
            spans.append((end, end, f', language="{language}"'))
    return spans


def translate_code(cell, language, usable):
    """A grade cell's source with its assert messages translated and its checks in ``language``."""
    source = cell.source
    edits = language_keyword(source, language)
    for number, (start, end) in enumerate(catalogs.assert_messages(source), 1):
        entry = usable.get(f"{cell.id}/assert-{number}")
        if entry is not None and entry.msgid == source[start:end]:
            edits.append((start, end, entry.msgstr))
    for start, end, text in sorted(edits, reverse=True):
        source = source[:start] + text + source[end:]
    return source


def notebook(assignment, language, root="."):
    """The edition's source notebook, made from the English source and the catalog (not written)."""
    english = nbformat.read(build.source_path(assignment, root), as_version=4)
    usable = catalogs.translations(catalogs.load(assignment, language, root))
    nb = copy.deepcopy(english)
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            entry = usable.get(cell.id)
            if entry is not None and entry.msgid == cell.source:
                cell.source = entry.msgstr
        elif catalogs.is_grade_cell(cell):
            cell.source = translate_code(cell, language, usable)
    nb.metadata["coursekit"] = {"edition": {"assignment": assignment, "language": language}}
    return nb


def build_edition(assignment, language, root=".", check=False):
    """Write (or, with ``check``, compare) the edition's source notebook; return whether it was stale."""
    name = build.edition_name(assignment, language)
    path = build.source_path(name, root)
    text = nbformat.writes(notebook(assignment, language, root)) + "\n"
    stale = not path.exists() or path.read_text(encoding="utf-8") != text
    if stale and not check:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return stale


def check(assignment, language, root="."):
    """The catalog's problems (``catalog.check``), and a stale edition notebook."""
    problems = catalogs.check(assignment, language, root)
    if build_edition(assignment, language, root, check=True):
        path = build.source_path(build.edition_name(assignment, language), root)
        problems.append(f"{path} is not what the English source and the catalog make: "
                        "run `coursekit i18n build`")
    return problems
