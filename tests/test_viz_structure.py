"""viz's shape: it reads op facts from the op table (never op names), and its functions fit on a screen."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import autograd
from code_shape import long_functions
import nn.activations
import viz
from autograd import Value

explain_module = importlib.import_module("viz.explain")

PACKAGE = Path(__file__).resolve().parent.parent / "viz"
# Strings that happen to spell an op's name but mean something else: Graphviz's program and file format.
NOT_OP_NAMES = {"renderer.py": {"dot"}, "save.py": {"dot"}}


def string_constants(path: Path) -> list[tuple[int, str]]:
    """Every string constant in the module's code (docstrings, whose examples are prose, left out)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value) for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
        and node.body and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)
    }
    return [(node.lineno, node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings]


def test_viz_names_no_op_in_its_code():
    activations = set(nn.activations.ACTIVATIONS)
    found = []
    for path in sorted(PACKAGE.glob("*.py")):
        allowed = NOT_OP_NAMES.get(path.name, set())
        if path.name.startswith("playground"):  # the playground's choices are nn activation names
            allowed = allowed | activations
        found += [f"{path.name}:{line} {text!r}" for line, text in string_constants(path)
                  if text in autograd.OPS and text not in allowed]
    assert found == []


def test_the_check_catches_an_op_name(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text('"""Docs may say "dot"."""\nif op.name == "dot":\n    pass\n')
    assert [text for _, text in string_constants(sample) if text in autograd.OPS] == ["dot"]


def test_viz_function_bodies_fit_in_sixty_lines():
    assert long_functions("viz") == []


def test_explain_reads_the_engines_own_reverse_sweep(monkeypatch):
    calls = []
    real = autograd.reverse_sweep

    def counting(output, grad=1.0):
        calls.append(output)
        return real(output, grad)

    monkeypatch.setattr(explain_module, "reverse_sweep", counting)
    x = Value(0.7, label="x")
    y = ((x * x).sin() + 3 * x ** 2).cos() * x.exp() + x
    y.label = "y"
    table = viz.explain(y)
    assert calls == [y]
    y.backward()
    assert table.grad("x") == x.grad  # to the last bit: the same sweep summed in the same order
