"""nn's shape: its modules import each other without cycles (lazy imports included), its functions fit
on a screen, and it reaches the engine only through ``autograd``'s public names."""

from __future__ import annotations

import ast

from code_shape import import_cycle, import_graph, long_functions, modules


def _trees() -> dict[str, ast.Module]:
    return modules("nn")


def test_nn_modules_import_each_other_without_cycles() -> None:
    graph = import_graph("nn")
    assert "serialization" in graph["module"] and "module" not in graph["serialization"]
    assert import_cycle(graph) is None


def test_nn_function_bodies_fit_in_sixty_lines() -> None:
    assert long_functions("nn") == []


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
