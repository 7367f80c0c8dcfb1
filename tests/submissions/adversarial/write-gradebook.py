"""The solution opens the gradebook and writes to it: a table of its own and manual scores for everyone.

Stock nbgrader lets it; in the sandbox there is no gradebook to write, and the exercise scores zero.
"""

from _attack import submission as attack

EXPECTED = {"status": "scored", "lost": "exercise"}

ATTACK = '''
import glob as _glob
import sqlite3 as _sqlite3

for _path in _glob.glob("../../../gradebook.db") + _glob.glob("/**/gradebook.db"):
    try:
        _db = _sqlite3.connect(_path)
        _db.execute("CREATE TABLE IF NOT EXISTS pwned (who TEXT)")
        _db.execute("INSERT INTO pwned VALUES ('write-gradebook')")
        _db.execute("UPDATE grade SET manual_score = 1000")
        _db.commit()
        _db.close()
    except _sqlite3.Error:
        pass
'''


def submission(correct, notebook, exercise):
    return attack(correct, notebook, exercise, ATTACK)
