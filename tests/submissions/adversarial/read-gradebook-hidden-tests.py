"""The solution opens the gradebook (``../../../gradebook.db``), prints the hidden tests stored
there and runs whatever version of the solution the gradebook holds.

Stock nbgrader lets it read the hidden tests; in the sandbox there is no gradebook: zero.
"""

from _attack import submission as attack

EXPECTED = {"status": "scored", "lost": "exercise"}

ATTACK = '''
import os as _os
import sqlite3 as _sqlite3

for _path in ("../../../gradebook.db", "../../gradebook.db", "../gradebook.db", "gradebook.db"):
    if not _os.path.exists(_path):
        continue
    _db = _sqlite3.connect(_path)
    try:
        for (_source,) in _db.execute("SELECT source FROM source_cell WHERE name = ?", ("{exercise}",)):
            exec(_source.replace("raise NotImplementedError()", ""))
        print("hidden tests:", [row[0] for row in _db.execute(
            "SELECT source FROM source_cell WHERE name LIKE 'test_%'")][:1])
    finally:
        _db.close()
'''


def submission(correct, notebook, exercise):
    return attack(correct, notebook, exercise, ATTACK)
