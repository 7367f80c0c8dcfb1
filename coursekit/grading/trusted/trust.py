"""How far secure mode trusts a grade cell, read from the instructor's source of the cell.

A grade cell whose source calls ``coursekit.check`` is *verified*: the trusted judge decides it
outside the sandbox, from what ``check`` exported. Any other grade cell (plain asserts, a
numeric result for partial credit) is *kernel-reported*: graded by nbgrader's own rule on what
its sandboxed kernel showed. In-kernel (``--insecure``) every cell is kernel-reported.
Standard library only: the coordinator and the command line read it before anything runs.
"""

import ast

VERIFIED = "verified"
KERNEL_REPORTED = "kernel-reported"


def checked_exercises(source):
    """The exercise names a grade cell's source passes to ``check("name", ...)``, in order."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    names = []
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
                and (isinstance(node.func, ast.Name) and node.func.id == "check"
                     or isinstance(node.func, ast.Attribute) and node.func.attr == "check")):
            names.append(node.args[0].value)
    return list(dict.fromkeys(names))


def trust_of(source, secure=True):
    """``VERIFIED`` or ``KERNEL_REPORTED``: how a grade cell with the instructor's ``source`` is decided."""
    return VERIFIED if secure and checked_exercises(source) else KERNEL_REPORTED


def describe(trust):
    """What a trust level means, in a sentence for feedback and reports."""
    if trust == VERIFIED:
        return "verified: decided by coursekit's trusted judge, outside the student's sandbox"
    return ("kernel-reported: graded by nbgrader's rule on what the student's kernel showed "
            "(no coursekit.check in this cell)")
