"""What the prewarmed kernels import before a submission's first cell: the course's heavy modules.

Read by the coordinator (the snapshot lists an assignment's modules) and by the kernels' supply
(``warm``); kept apart from both so that neither pulls in the other's machinery.
"""


#: Modules a kernel has imported before it is handed to a submission when nothing more is known
#: (none: what is prewarmed is what the assignment's notebooks import, ``notebook_modules``).
PREWARMED_MODULES: tuple[str, ...] = ()
#: What a notebook that imports ``coursekit`` (its hidden tests call ``coursekit.check``) gets too:
#: ``coursekit.check`` imports numpy and torch (its specs build torch models).
CHECK_MODULES = ("numpy", "torch", "coursekit.check")
#: What a notebook that imports torch itself gets too: ``torch._dynamo`` is what torch imports on
#: the first optimizer a notebook creates, seconds of CPU (a notebook without torch never does).
TORCH_NOTEBOOK_MODULES = ("torch._dynamo",)


def prelude(modules=PREWARMED_MODULES):
    """The silent code that imports ``modules`` without binding any name."""
    return "; ".join(f"__import__({name!r})" for name in modules) or "pass"


def notebook_modules(paths, base=PREWARMED_MODULES):
    """``base`` and the modules the notebooks at ``paths`` import (that this interpreter has), nothing else.

    These are what the instructor's notebook needs anyway; importing them once per template
    (or ahead of need, in secure mode) takes that time out of every submission's grading.
    """
    import ast
    import importlib.util
    import os

    import nbformat

    found = []
    paths = [paths] if isinstance(paths, (str, os.PathLike)) else paths
    cells = [cell for path in paths for cell in nbformat.read(path, as_version=4).cells]
    for cell in cells:
        try:
            tree = ast.parse(cell.source) if cell.cell_type == "code" else None
        except SyntaxError:  # IPython syntax (magics): not worth transforming for this
            continue
        for node in ast.walk(tree) if tree else ():
            if isinstance(node, ast.Import):
                found += [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                found.append(node.module)
    if any(name == "coursekit" or name.startswith("coursekit.") for name in found):
        found += CHECK_MODULES
    if any(name == "torch" or name.startswith("torch.") for name in found):
        found += TORCH_NOTEBOOK_MODULES
    extra = []
    for name in dict.fromkeys(found):
        try:  # the top-level package only: finding a submodule would import its package here
            present = importlib.util.find_spec(name.partition(".")[0]) is not None
        except (ImportError, ValueError):
            present = False
        if present and name not in base:
            extra.append(name)
    return (*base, *extra)
