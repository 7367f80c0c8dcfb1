"""The submission folder holds a note but no notebook."""

EXPECTED = {"status": "failed", "reason": "no notebook in", "lost": "all"}


def submission(correct, notebook, exercise):
    return {"notes.txt": b"I could not get the notebook to run, sorry.\n"}
