"""The gettext catalog of an edition: what of the English source is translated, and whether it still is.

``source/<assignment>/locale/<language>.po`` (read and written with polib) holds one entry
per translatable piece of the English source notebook, keyed (``msgctxt``) by the cell's id:

- ``<cell id>``: a markdown cell (prose, exercise instructions, written questions and their
  model answers);
- ``<cell id>/assert-<n>``: the message of the ``n``-th visible assert of a grade cell, as a
  Python string literal (an f-string keeps its ``{fields}``);
- ``summary/<function>``: the spec's ``summary``, the hint of every failed hidden check;
- ``feedback``: the messages of the checks (``msgid`` a pattern such as ``{label} has shape
  {got}, expected {want}.``), written by hand in the catalog (``coursekit.i18n.feedback``).

Each entry's ``msgid`` is the English text it translates: ``update`` marks an entry fuzzy when
the English changed, and ``check`` names every cell whose translation is missing, fuzzy or out
of date. Code, comments and plot labels are not translated.
"""

import ast
import re
from collections import Counter
from dataclasses import dataclass

import nbformat
import polib

from coursekit import build
from coursekit.i18n.feedback import FEEDBACK, catalog_file, fields

#: ``msgctxt`` prefixes of the entries ``update`` derives from the English source and the specs.
SUMMARY = "summary/"
#: Formulas that a translation must keep: display environments, ``$$...$$`` and ``$...$``.
FORMULA = re.compile(r"\\begin\{(\w+\*?)\}.*?\\end\{\1\}|\$\$.+?\$\$|\$[^$]+\$", re.DOTALL)
#: A glossary line of the catalog's header comment: ``english = 訳語 (not 別の訳, ...)``.
GLOSSARY_LINE = re.compile(r"^\s*(?P<english>[^=]+?)\s*=\s*(?P<term>\S+)(?:\s*\(not (?P<avoid>[^)]*)\))?\s*$")


@dataclass
class Piece:
    """One translatable piece of an assignment: its key, its English text and a note for translators."""

    context: str
    english: str
    note: str


def catalog_path(assignment, language, root="."):
    """Path of an assignment's catalog for ``language``."""
    return catalog_file(root, assignment, language)


def char_span(source, node):
    """The character offsets (start, end) of an AST ``node`` in ``source`` (the AST counts UTF-8 bytes)."""
    lines = source.split("\n")
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line) + 1)

    def offset(lineno, col):
        return offsets[lineno - 1] + len(lines[lineno - 1].encode()[:col].decode(errors="replace"))

    return offset(node.lineno, node.col_offset), offset(node.end_lineno, node.end_col_offset)


def assert_messages(source):
    """The message expressions of a code cell's asserts: a list of (start, end) character spans."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    messages = [node.msg for node in ast.walk(tree) if isinstance(node, ast.Assert) and node.msg is not None]
    return [char_span(source, node) for node in sorted(messages, key=lambda n: (n.lineno, n.col_offset))]


def is_grade_cell(cell):
    """Whether ``cell`` is an autograded test cell (its visible asserts are translated)."""
    meta = cell.metadata.get("nbgrader", {})
    return cell.cell_type == "code" and meta.get("grade") and not meta.get("solution")


def pieces(assignment, root="."):
    """Every translatable piece of ``assignment``: its source notebook's cells, then its specs' summaries."""
    from coursekit.specs import all_specs

    nb = nbformat.read(build.source_path(assignment, root), as_version=4)
    found = []
    for index, cell in enumerate(nb.cells):
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        where = f"cell {index}" + (f", {grade_id}" if grade_id else "")
        if cell.cell_type == "markdown":
            found.append(Piece(cell.id, cell.source, f"markdown {where}"))
        elif is_grade_cell(cell):
            for number, (start, end) in enumerate(assert_messages(cell.source), 1):
                found.append(Piece(f"{cell.id}/assert-{number}", cell.source[start:end],
                                   f"visible test {where}: a Python string literal; keep its quotes, "
                                   f"its {{fields}} and the f of an f-string"))
    for spec in all_specs().values():
        if spec.assignment == assignment:
            found.append(Piece(f"{SUMMARY}{spec.name}", spec.summary,
                               f"feedback: the hint shown when a hidden check of {spec.name} fails"))
    return found


def load(assignment, language, root="."):
    """The catalog of ``assignment`` in ``language`` (polib's ``POFile``); an empty one if there is none."""
    path = catalog_path(assignment, language, root)
    if path.exists():
        return polib.pofile(str(path))
    catalog = polib.POFile()
    catalog.metadata = {"Project-Id-Version": assignment, "Language": language,
                        "MIME-Version": "1.0", "Content-Type": "text/plain; charset=UTF-8",
                        "Content-Transfer-Encoding": "8bit"}
    catalog.header = (f"Translation of the assignment {assignment} into {language}.\n\n"
                      "Glossary (coursekit i18n check rejects the words after \"not\"):\n")
    return catalog


def translations(catalog):
    """Usable translations by ``msgctxt``: translated, not fuzzy, not obsolete."""
    return {entry.msgctxt: entry for entry in catalog
            if entry.msgstr and not entry.fuzzy and not entry.obsolete}


def update(assignment, language, root="."):
    """Bring the catalog in step with the English source: add new pieces, mark changed ones fuzzy.

    An entry whose English text changed keeps its translation, gets the ``fuzzy`` flag and the
    English it translated as ``#| msgid`` (what a translator's tool shows as the change); an
    entry whose cell is gone becomes obsolete. Hand-written ``feedback`` entries are kept.

    Returns
    -------
    dict of str to list of str
        The contexts ``added``, ``changed`` and ``obsolete``.
    """
    catalog = load(assignment, language, root)
    existing = {entry.msgctxt: entry for entry in catalog if not entry.obsolete}
    report: dict[str, list[str]] = {"added": [], "changed": [], "obsolete": []}
    ordered = []
    wanted = pieces(assignment, root)
    for piece in wanted:
        entry = existing.pop(piece.context, None)
        if entry is None:
            entry = polib.POEntry(msgctxt=piece.context, msgid=piece.english, msgstr="")
            report["added"].append(piece.context)
        elif entry.msgid != piece.english:
            if not entry.fuzzy:  # a fuzzy entry keeps the English its translation was made from
                entry.previous_msgid = entry.msgid
                entry.flags.append("fuzzy")
            entry.msgid = piece.english
            report["changed"].append(piece.context)
        entry.comment = piece.note
        ordered.append(entry)
    for context, entry in existing.items():
        if context != FEEDBACK:
            entry.obsolete = True
            report["obsolete"].append(context)
    kept = [entry for entry in catalog if entry.msgctxt == FEEDBACK and not entry.obsolete]
    catalog[:] = ordered + kept + [entry for entry in catalog if entry.obsolete]
    path = catalog_path(assignment, language, root)
    path.parent.mkdir(parents=True, exist_ok=True)
    catalog.save(str(path))
    return report


def glossary(catalog):
    """The catalog's glossary: a list of (English term, translation, words to avoid)."""
    terms = []
    for line in (catalog.header or "").split("\n"):
        match = GLOSSARY_LINE.match(line)
        if match:
            avoid = [word.strip() for word in (match["avoid"] or "").split(",") if word.strip()]
            terms.append((match["english"], match["term"], avoid))
    return terms


def literal_fields(text):
    """The ``{fields}`` of a Python string literal (an f-string's expressions), or None if it is not one."""
    try:
        node = ast.parse(text.strip(), mode="eval").body
    except SyntaxError:
        return None
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return []
    if not isinstance(node, ast.JoinedStr):
        return None
    return sorted(ast.unparse(value.value) for value in node.values if isinstance(value, ast.FormattedValue))


def entry_problems(piece, entry):
    """What is wrong with the translation ``entry`` of ``piece`` (empty when it is usable)."""
    if entry is None:
        return ["no entry: run `coursekit i18n update`"]
    if entry.msgid != piece.english:
        return ["its English text changed since it was translated: run `coursekit i18n update` "
                "and revise the translation"]
    if entry.fuzzy:
        return ["fuzzy: revise the translation, then remove the fuzzy flag"]
    if not entry.msgstr:
        return ["not translated yet"]
    if "/assert-" in piece.context:
        wanted = literal_fields(piece.english)
        if literal_fields(entry.msgstr) != wanted:
            return [f"the translation must be a Python string literal with the same fields {wanted}"]
        return []
    wanted = Counter(match.group(0) for match in FORMULA.finditer(piece.english))
    found = Counter(match.group(0) for match in FORMULA.finditer(entry.msgstr))
    return [f"formula {formula!r} is missing from the translation"
            + (f" ({count - found[formula]} of its {count} times)" if count > 1 else "")
            for formula, count in wanted.items() if found[formula] < count]


def check(assignment, language, root="."):
    """Everything that keeps the catalog from translating the current English source.

    Returns
    -------
    list of str
        One message per problem, naming the cell (its id, index and grade id).
    """
    path = catalog_path(assignment, language, root)
    if not path.exists():
        return [f"{path}: no catalog"]
    catalog = polib.pofile(str(path))
    entries = {entry.msgctxt: entry for entry in catalog if not entry.obsolete}
    problems = []
    wanted = pieces(assignment, root)
    for piece in wanted:
        problems += [f"{path}: {piece.context} ({piece.note.split(':')[0]}): {problem}"
                     for problem in entry_problems(piece, entries.get(piece.context))]
    known = {piece.context for piece in wanted} | {FEEDBACK}
    problems += [f"{path}: {context}: no such cell in the English source: run `coursekit i18n update`"
                 for context in entries if context not in known]
    for entry in catalog:
        if entry.msgctxt == FEEDBACK and not entry.obsolete:
            if entry.fuzzy or not entry.msgstr:
                problems.append(f"{path}: feedback {entry.msgid!r}: fuzzy or not translated")
            elif sorted(fields(entry.msgstr)) != sorted(fields(entry.msgid)):
                problems.append(f"{path}: feedback {entry.msgid!r}: the translation must keep the fields "
                                f"{sorted(fields(entry.msgid))}")
    for english, term, avoid in glossary(catalog):
        for entry in catalog:
            used = [word for word in avoid if not entry.obsolete and word in entry.msgstr]
            if used:
                problems.append(f"{path}: {entry.msgctxt}: uses {', '.join(used)} for {english!r}; "
                                f"the glossary says {term}")
    return problems
