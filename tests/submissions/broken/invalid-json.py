"""The notebook file is not valid JSON: it was edited by hand and cut off (invalid-json.ipynb)."""

from pathlib import Path

EXPECTED = {"status": "failed", "reason": "is not valid JSON", "lost": "all"}


def submission(correct, notebook, exercise):
    return {notebook: (Path(__file__).parent / "invalid-json.ipynb").read_bytes()}
