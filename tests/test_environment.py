"""The conda environment and pyproject.toml pin the same packages."""

import tomllib

from support.course import ROOT


def pip_section(path):
    """The pip requirements of a conda environment file (a list under ``- pip:``)."""
    lines, inside = [], False
    for line in path.read_text().splitlines():
        stripped = line.strip()
        if stripped == "- pip:":
            inside = True
        elif inside and stripped.startswith("- "):
            lines.append(stripped[2:])
        elif inside and stripped and not stripped.startswith("#"):
            inside = False
    return lines


def test_conda_environment_matches_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    conda = [r for r in pip_section(ROOT / "environment.yml") if r != "-e ."]
    assert sorted(conda) == sorted(project["dependencies"])
    assert all("==" in requirement for requirement in project["dependencies"]), "pin every dependency"


def test_conda_python_matches():
    assert "- python=3.11" in (ROOT / "environment.yml").read_text()
