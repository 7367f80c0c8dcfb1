"""Feedback in the student's language: the English message of a failed check, looked up in the catalog.

The checks, the specs and the trusted judge write their messages in English. Where a
message is rendered for a student of a translated edition (``coursekit.check`` raising in
the kernel, the trusted judge's verdict), each of its lines is looked up in the
assignment's catalog: an entry of context ``summary/<function>`` translates a spec's summary
word for word; an entry of context ``feedback`` translates a pattern, whose ``{fields}``
match any text (``{label} has shape {got}, expected {want}.``) and are translated in turn
(a field made of parts joined by ``"; "`` part by part). A line that nothing matches stays
English, so that a message is never lost; ``untranslated`` lists them for the tests.

Only polib and the standard library (the checks and the trusted judge import this module, and
Otter's grading wheel takes what the checks import): nothing of ``coursekit.build``.
"""

import functools
import importlib.util
import re
from pathlib import Path

import polib

#: ``msgctxt`` of the hand-written pattern entries.
FEEDBACK = "feedback"
#: How deep a field of a pattern is translated in turn.
DEPTH = 4
#: Longer text is left as it is: matching nested patterns costs a time that grows fast with the length,
#: and the text of a failure can be a student's (an exception's message, up to 2000 characters).
MAX_LENGTH = 1000
FIELD = re.compile(r"\{(\w+)\}")
#: A word of English prose (what a translated field should not keep).
ENGLISH_WORD = re.compile(r"\b[A-Za-z]{3,}\b")


def fields(pattern):
    """The field names of a pattern, in order."""
    return FIELD.findall(pattern)


def compile_pattern(pattern):
    """A regular expression matching the English messages of ``pattern`` (each field non-greedy)."""
    parts = FIELD.split(pattern)
    regex = "".join(re.escape(part) if index % 2 == 0 else f"(?P<{part}>.+?)"
                    for index, part in enumerate(parts))
    return re.compile(regex, re.DOTALL)


class Translator:
    """The feedback entries of one catalog, applied to English messages."""

    def __init__(self, catalog):
        self.exact, self.patterns = {}, []
        for entry in catalog:
            if entry.obsolete or entry.fuzzy or not entry.msgstr:
                continue
            if entry.msgctxt == FEEDBACK and fields(entry.msgid):
                self.patterns.append((compile_pattern(entry.msgid), entry.msgstr))
            elif entry.msgctxt == FEEDBACK or (entry.msgctxt or "").startswith("summary/"):
                self.exact[entry.msgid] = entry.msgstr
        # the longest literal text first: of two readings as good, the most specific pattern wins
        self.patterns.sort(key=lambda item: -len(item[0].pattern))

    def text(self, english, depth=0):
        """The translation of one piece of text, or None when the catalog has none."""
        if english in self.exact:
            return self.exact[english]
        if depth >= DEPTH or len(english) > MAX_LENGTH:
            return None
        candidates = [self.fill(translation, match, depth) for regex, translation in self.patterns
                      for match in [regex.fullmatch(english)] if match]
        if candidates:  # where patterns nest, the reading that leaves the fewest English words wins
            return min(candidates, key=lambda candidate: candidate[1])[0]
        if "; " in english:
            parts = english.split("; ")
            translated = [self.text(part, depth + 1) for part in parts]
            if any(translated):
                return "；".join(t or p for t, p in zip(translated, parts))
        return None

    def fill(self, translation, match, depth):
        """The translated pattern with the matched fields, each translated in turn where it can be.

        Returns the text and how many English words of untranslated fields it keeps.
        """
        values, left = {}, 0
        for name, value in match.groupdict().items():
            translated = self.text(value, depth + 1)
            left += 0 if translated is not None else len(ENGLISH_WORD.findall(value))
            values[name] = value if translated is None else translated
        return FIELD.sub(lambda field: values[field.group(1)], translation), left

    def message(self, english):
        """Translate a message line by line; lines without a translation stay as they are."""
        return "\n".join(self.text(line) or line for line in english.split("\n"))

    def untranslated(self, english):
        """The lines of a message that the catalog does not translate."""
        return [line for line in english.split("\n") if line.strip() and self.text(line) is None]


def course_root():
    """The course whose catalogs are read: where the trusted ``reference`` package is installed from."""
    spec = importlib.util.find_spec("reference")
    if spec is None or not spec.origin:
        return None
    return Path(spec.origin).resolve().parent.parent


def catalog_file(root, assignment, language):
    """Path of ``assignment``'s catalog for ``language`` in the course ``root`` (``build.LOCALE``)."""
    return Path(root) / "source" / assignment / "locale" / f"{language}.po"


@functools.lru_cache(maxsize=16)
def translator(assignment, language):
    """The ``Translator`` of ``assignment``'s catalog in ``language``, or None when there is no catalog."""
    root = course_root()
    path = catalog_file(root, assignment, language) if root else None
    if path is None or not path.exists():
        return None
    return Translator(polib.pofile(str(path)))


def translate(message, assignment, language):
    """``message`` in ``language`` as far as ``assignment``'s catalog translates it (English without one)."""
    found = translator(assignment, language) if language else None
    return found.message(message) if found else message
