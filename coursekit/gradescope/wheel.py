"""The grading wheel: what an Otter autograder installs to run the hidden checks.

The hidden test of every grade cell calls ``coursekit.check``, which in a plain
kernel compares the student's function with ``reference`` on fresh inputs. The
autograder therefore installs a wheel ``coursekit-grading`` holding the
``reference`` package and the part of ``coursekit`` that the checks import
(followed import by import from ``coursekit.check``, every spec module and the
Otter plugin), nothing of the grading engine, and the pinned releases of the
third-party packages that those modules and the notebook import.
"""

import ast
import importlib.metadata
import importlib.util
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

from coursekit.build import environment
from coursekit.lint import parse

#: Distribution name of the grading wheel.
DISTRIBUTION = "coursekit-grading"
#: Modules of ``coursekit`` the checks start from (their imports are followed).
ROOTS = ("coursekit", "coursekit.check", "coursekit.gradescope.plugin")
#: Where the PyTorch project serves its CPU-only builds (Gradescope has no GPU).
TORCH_CPU_INDEX = "https://download.pytorch.org/whl/cpu"


def package_folder(name):
    """The folder of an installed package (``coursekit``, ``reference``)."""
    return Path(importlib.util.find_spec(name).origin).parent


def module_file(name):
    """The source file of module ``name``, or None when it is not one of ours."""
    try:
        spec = importlib.util.find_spec(name)
    except ModuleNotFoundError:  # ``from package import name`` where name is no module
        return None
    return Path(spec.origin) if spec and spec.origin and spec.origin.endswith(".py") else None


def imported_names(tree):
    """Every module name a syntax tree imports (absolute imports, at any depth)."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return names


def kit_modules():
    """The ``coursekit`` modules the checks need: the roots, every spec, and what they import."""
    specs = package_folder("coursekit.specs")
    spec_modules = [f"coursekit.specs.{p.stem}" for p in specs.glob("*.py") if p.stem != "__init__"]
    todo = [*ROOTS, "coursekit.specs", *spec_modules]
    found = {}
    while todo:
        name = todo.pop()
        if name in found or not name.startswith("coursekit"):
            continue
        path = module_file(name)
        if path is None:
            continue
        found[name] = path
        parents = [".".join(name.split(".")[:i]) for i in range(1, name.count(".") + 1)]
        todo += parents + sorted(n for n in imported_names(ast.parse(path.read_text()))
                                  if n.startswith("coursekit"))
    return found


def third_party(names):
    """The top-level modules of ``names`` outside the standard library, ``coursekit`` and ``reference``."""
    tops = {name.split(".")[0] for name in names}
    return sorted(t for t in tops if t not in sys.stdlib_module_names and t not in ("coursekit", "reference"))


def pins(modules, root):
    """``name==version`` for the distributions providing ``modules``.

    The version is the course's pin in ``pyproject.toml`` when it has one, else the
    installed version.
    """
    declared = tomllib.loads((Path(root) / "pyproject.toml").read_text())["project"]["dependencies"]
    pinned = {d.split("==")[0].strip().lower(): d.strip() for d in declared if "==" in d}
    providers = importlib.metadata.packages_distributions()
    found = {}
    for module in modules:
        for dist in providers.get(module, []):
            found[dist.lower()] = pinned.get(dist.lower(), f"{dist}=={importlib.metadata.version(dist)}")
    return [found[d] for d in sorted(found)]


def notebook_imports(nb):
    """Top-level third-party modules the notebook's code cells import."""
    trees = [parse(cell.source) for cell in nb.cells if cell.cell_type == "code"]
    return third_party(name for tree in trees if tree is not None for name in imported_names(tree))


def stage(folder):
    """Copy the wheel's packages into ``folder``; return the source files copied."""
    copied = []
    kit = package_folder("coursekit").parent
    for path in kit_modules().values():
        target = folder / path.relative_to(kit)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, target)
        copied.append(target)
    reference = package_folder("reference")
    shutil.copytree(reference, folder / "reference", ignore=shutil.ignore_patterns("__pycache__"))
    copied += sorted((folder / "reference").rglob("*.py"))
    return copied


def build_wheel(root, out):
    """Build the grading wheel into ``out``; return its path.

    Parameters
    ----------
    root : str or Path
        The course directory (its ``pyproject.toml`` gives the version and the pins).
    out : Path
        Folder for the wheel.
    """
    out = Path(out).resolve()
    project = tomllib.loads((Path(root) / "pyproject.toml").read_text())["project"]
    staging = out / "wheel-build"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    files = stage(staging)
    requires = pins(third_party(n for path in files for n in imported_names(ast.parse(path.read_text()))),
                    root)
    (staging / "pyproject.toml").write_text(
        '[build-system]\nrequires = ["setuptools>=68"]\nbuild-backend = "setuptools.build_meta"\n\n'
        f'[project]\nname = "{DISTRIBUTION}"\nversion = "{project["version"]}"\n'
        f'description = "The checks of {project["name"]}: coursekit.check, its specs and the reference"\n'
        f'requires-python = "{project["requires-python"]}"\ndependencies = {requires!r}\n\n'
        '[tool.setuptools.packages.find]\ninclude = ["coursekit*", "reference*"]\n'.replace("'", '"'))
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                    "--wheel-dir", str(out), str(staging)], check=True, env=environment(),
                   stdout=subprocess.DEVNULL)
    shutil.rmtree(staging)
    wheel, = out.glob(f"{DISTRIBUTION.replace('-', '_')}-*.whl")
    return wheel, requires


def requirements(nb, wheel_requires, wheel_name, root, autograder_dir="/autograder"):
    """The autograder's ``requirements.txt``: torch's CPU build, the notebook's pins, the wheel."""
    lines = sorted(line for line in set(pins(notebook_imports(nb), root)) | set(wheel_requires)
                   if not line.startswith("otter-grader=="))  # otter generate adds its own
    torch = [line for line in lines if line.lower().startswith("torch==")]
    out = [f"--extra-index-url {TORCH_CPU_INDEX}"] if torch else []
    out += [f"{line}+cpu" if line in torch else line for line in lines]
    return "\n".join([*out, f"{autograder_dir}/source/files/{wheel_name}"]) + "\n"
