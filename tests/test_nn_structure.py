"""nn's shape: its modules import each other without cycles (lazy imports included), its functions fit
on a screen, and it reaches the engine only through ``autograd``'s public names."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "nn"


def _trees() -> dict[str, ast.Module]:
    return {p.stem: ast.parse(p.read_text(encoding="utf-8")) for p in sorted(PACKAGE.glob("*.py"))}


def imports_of(tree: ast.Module) -> set[str]:
    """The nn modules a module imports anywhere in it (top level or inside functions)."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            if node.module:
                found.add(node.module.split(".")[0])
            else:
                found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("nn."):
            found.add(node.module.split(".")[1])
    return found


def test_nn_modules_import_each_other_without_cycles() -> None:
    graph = {name: imports_of(tree) for name, tree in _trees().items() if name != "__init__"}
    assert "serialization" in graph["module"] and "module" not in graph["serialization"]
    done: set[str] = set()

    def visit(module: str, path: tuple[str, ...]) -> None:
        assert module not in path, f"import cycle: {' -> '.join(path + (module,))}"
        if module in done:
            return
        for imported in graph.get(module, ()):
            visit(imported, path + (module,))
        done.add(module)

    for module in graph:
        visit(module, ())


def test_nn_function_bodies_fit_in_sixty_lines() -> None:
    long = []
    for name, tree in _trees().items():
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                first = node.body[1 if ast.get_docstring(node) and len(node.body) > 1 else 0].lineno
                if node.end_lineno - first + 1 > 60:
                    long.append(f"{name}.py:{node.name} ({node.end_lineno - first + 1} lines)")
    assert long == []


def test_nn_uses_only_autograds_public_names() -> None:
    import autograd

    private = []
    for name, tree in _trees().items():
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("autograd"):
                # autograd.files is the one place files are written (the project's atomic writer).
                if node.module not in ("autograd", "autograd.files"):
                    private.append(f"{name}.py imports {node.module}")
                elif node.module == "autograd":
                    private += [f"{name}.py imports {a.name}" for a in node.names if a.name not in autograd.__all__]
            elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "autograd":
                if node.attr not in autograd.__all__:
                    private.append(f"{name}.py uses autograd.{node.attr}")
    assert private == []
