"""The student submitted an empty file under the notebook's name (empty-file.ipynb)."""

from pathlib import Path

EXPECTED = {"status": "failed", "reason": "is empty (0 bytes)", "lost": "all"}


def submission(correct, notebook, exercise):
    return {notebook: (Path(__file__).parent / "empty-file.ipynb").read_bytes()}
