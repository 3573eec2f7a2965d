"""Readers of a package's shape shared by the structure tests: its internal imports and its long functions."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAX_BODY_LINES = 60


def modules(package: str) -> dict[str, ast.Module]:
    """Each module of ``package`` (a top-level folder of the repo), parsed, by file stem."""
    return {p.stem: ast.parse(p.read_text(encoding="utf-8")) for p in sorted((ROOT / package).glob("*.py"))}


def imports_within(package: str, tree: ast.Module) -> set[str]:
    """The modules of ``package`` that ``tree`` imports anywhere in it (top level or inside functions)."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            if node.module:
                found.add(node.module.split(".")[0])
            else:
                found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith(package + "."):
            found.add(node.module.split(".")[1])
    return found


def import_graph(package: str) -> dict[str, set[str]]:
    """Module → the package's modules it imports (``__init__`` left out: it may import everything)."""
    return {name: imports_within(package, tree) for name, tree in modules(package).items() if name != "__init__"}


def import_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle of ``graph`` as a path that returns to its start, or None.

    >>> import_cycle({"a": {"b"}, "b": {"a"}})
    ['a', 'b', 'a']
    >>> import_cycle({"a": {"b"}, "b": set()}) is None
    True
    """
    done: set[str] = set()

    def visit(module: str, path: tuple[str, ...]) -> list[str] | None:
        if module in path:
            return [*path, module][path.index(module):]
        if module in done:
            return None
        for imported in sorted(graph.get(module, ())):
            found = visit(imported, path + (module,))
            if found:
                return found
        done.add(module)
        return None

    for module in sorted(graph):
        found = visit(module, ())
        if found:
            return found
    return None


def long_functions(package: str, limit: int = MAX_BODY_LINES) -> list[str]:
    """``file:function (N lines)`` for every function whose body, docstring aside, is over ``limit`` lines."""
    long = []
    for name, tree in modules(package).items():
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                first = node.body[1 if ast.get_docstring(node) and len(node.body) > 1 else 0].lineno
                if node.end_lineno - first + 1 > limit:
                    long.append(f"{name}.py:{node.name} ({node.end_lineno - first + 1} lines)")
    return long
