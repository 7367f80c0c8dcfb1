"""The grading engine's boundaries (docs/architecture.md), as import-linter and the interpreter see them."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BOOTSTRAP = ROOT / "coursekit" / "grading" / "bootstrap"


def test_the_import_contracts_are_kept():
    done = subprocess.run([str(Path(sys.executable).with_name("lint-imports"))], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "BROKEN" not in done.stdout and "KEPT" in done.stdout


def module_level_imports(path):
    """The top-level modules ``path`` imports outside any function or class."""
    names = []
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.Import):
            names += [alias.name.partition(".")[0] for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names.append((node.module or "").partition(".")[0] if not node.level else ".")
    return names


def test_what_runs_by_path_imports_the_standard_library_only_at_module_level():
    for path in sorted(BOOTSTRAP.glob("*.py")):
        foreign = [name for name in module_level_imports(path) if name not in sys.stdlib_module_names]
        assert not foreign, f"{path.name} imports {foreign} as it starts: it runs by path, before any of them"


def test_the_bootstrap_files_start_by_path_without_coursekit(tmp_path):
    """``python -I`` from elsewhere, as the kernelspecs run them: nothing but the file's folder."""
    code = ("import importlib.util, sys\n"
            "for name in ('processes', 'launcher', 'zygote'):\n"
            f"    path = {str(BOOTSTRAP)!r} + '/' + name + '.py'\n"
            "    spec = importlib.util.spec_from_file_location(name, path)\n"
            "    spec.loader.exec_module(importlib.util.module_from_spec(spec))\n"
            "loaded = [m for m in sys.modules if m.partition('.')[0] in ('coursekit', 'numpy', 'torch')]\n"
            "assert not loaded, loaded\n")
    subprocess.run([sys.executable, "-I", "-c", code], cwd=tmp_path, check=True, timeout=60)


@pytest.mark.slow
def test_the_grading_engine_type_checks():
    """mypy on ``coursekit/grading`` (``[tool.mypy]`` in pyproject.toml): some 20 s of CPU, less cached."""
    done = subprocess.run([str(Path(sys.executable).with_name("mypy"))], cwd=ROOT, capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
