"""The solution cell installs an AST transformer that turns every later ``check(...)`` call into ``None``.

The hidden test never runs: stock nbgrader gives full marks; secure mode finds no export: zero.
"""

from _attack import submission as attack

EXPECTED = {"status": "scored", "lost": "exercise", "message": "exported nothing"}

ATTACK = '''
import ast as _ast


class _NoChecks(_ast.NodeTransformer):
    def visit_Call(self, node):
        name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
        if name == "check":
            return _ast.copy_location(_ast.Constant(None), node)
        return self.generic_visit(node)


get_ipython().ast_transformers.append(_NoChecks())  # noqa: F821
'''


def submission(correct, notebook, exercise):
    return attack(correct, notebook, exercise, ATTACK)
