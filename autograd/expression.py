"""A safe parser for math expressions such as ``"cos(sin(x**2) + 3*x**2)"``: nothing is ever eval'ed.

Python's ``ast`` reads the text; only numbers, variable names, ``+ - * / **``, unary minus and the
engine's functions are accepted, and anything else is a ValueError that points at the offending text.
Errors while building the graph (``log(0)``) keep the engine's exception type and point there too.
"""

from __future__ import annotations

import ast
import io
import math
import tokenize
from dataclasses import dataclass
from typing import Any, Callable

from . import functional as F
from .ops import OPS
from .value import Value, as_float

CONSTANTS: dict[str, float] = {"pi": math.pi, "e": math.e}


def functions() -> dict[str, Callable[..., Any]]:
    """The functions an expression may call: every public op of the table (at this moment), and abs.

    >>> sorted(functions())[:4]
    ['abs', 'cos', 'elu', 'erf']
    """
    found: dict[str, Callable[..., Any]] = {op.name: getattr(F, op.name) for op in OPS.values() if op.public}
    found["abs"] = abs
    return found


def _arguments(name: str) -> int:
    """How many arguments a call may have: the op's operands, plus its optional constant."""
    op = OPS.get(name)
    if op is None:  # abs
        return 1
    return (op.arity or 1) + (op.parameter is not None)

_BINARY = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b,
    ast.Pow: lambda a, b: a ** b,
}
_MAX_LENGTH = 10_000


def _point_at(source: str, node: ast.AST | None, message: str, cls: type[Exception] = ValueError) -> Exception:
    col = getattr(node, "col_offset", None)
    if col is None:
        return cls(f"{message}\n  {source}")
    end = getattr(node, "end_col_offset", None) or col + 1
    return cls(f"{message}\n  {source}\n  {' ' * col}{'^' * max(1, end - col)}")


def _children(node: ast.AST) -> list[ast.AST]:
    """The operands of a node parse() accepted, in evaluation order."""
    if isinstance(node, ast.BinOp):
        return [node.left, node.right]
    if isinstance(node, ast.UnaryOp):
        return [node.operand]
    if isinstance(node, ast.Call):
        return list(node.args)
    return []


@dataclass(frozen=True)
class Expression:
    """A parsed expression: call ``evaluate`` with a value for each name in ``variables``.

    >>> e = parse("x * y + 1")
    >>> e.variables
    ('x', 'y')
    >>> e.evaluate(x=2, y=3).data
    7.0
    """

    source: str
    tree: ast.Expression
    variables: tuple[str, ...]

    def evaluate(self, **values: Value | float) -> Value:
        """Build the graph; numbers become leaf Values labelled with their variable's name."""
        missing = [name for name in self.variables if name not in values]
        if missing:
            raise ValueError(f"no value given for variable(s) {', '.join(missing)} in {self.source!r}")
        extra = sorted(set(values) - set(self.variables))
        if extra:
            raise ValueError(f"{', '.join(extra)} not used in {self.source!r} (its variables: {', '.join(self.variables)})")
        leaves = {
            name: v if isinstance(v, Value) else Value(as_float(v, f"variable {name}"), label=name)
            for name, v in values.items()
        }
        result = self._build(leaves)
        return result if isinstance(result, Value) else Value(result)

    def _build(self, leaves: dict[str, Value]) -> Any:
        # Post-order over an explicit stack, so a deeply nested expression cannot hit the recursion
        # limit. Safe by construction: parse() already rejected every node type not handled here.
        results: list[Any] = []
        stack: list[tuple[ast.AST, bool]] = [(self.tree.body, False)]
        while stack:
            node, operands_ready = stack.pop()
            if isinstance(node, ast.Constant):
                results.append(float(node.value))
            elif isinstance(node, ast.Name):
                results.append(leaves[node.id] if node.id in leaves else CONSTANTS[node.id])
            elif not operands_ready:
                stack.append((node, True))
                stack += [(child, False) for child in reversed(_children(node))]
            else:
                count = len(_children(node))
                operands = results[len(results) - count:]
                del results[len(results) - count:]
                results.append(self._apply(node, operands))
        return results[0]

    def _apply(self, node: ast.AST, operands: list[Any]) -> Any:
        """One operator or call; an engine error gets a caret under the text that caused it."""
        folding = not any(isinstance(x, Value) for x in operands)
        if folding:
            # Fold constants through a leaf Value: plain float arithmetic would give a complex
            # (-8)**0.5 or a bare "float division by zero" instead of the engine's checks.
            operands[0] = Value(operands[0])
        try:
            if isinstance(node, ast.UnaryOp):
                result = -operands[0] if isinstance(node.op, ast.USub) else operands[0]
            elif isinstance(node, ast.BinOp):
                result = _BINARY[type(node.op)](*operands)
            else:
                result = functions()[node.func.id](*operands)
        except (ArithmeticError, ValueError, TypeError) as exc:
            raise _point_at(self.source, node, str(exc), type(exc)) from None
        return result.data if folding else result


def parse(source: str) -> Expression:
    """Check ``source`` against the whitelist and return an ``Expression``.

    >>> parse("cos(sin(x**2) + 3*x**2)").variables
    ('x',)
    >>> parse("__import__('os')")
    Traceback (most recent call last):
    ...
    ValueError: unknown function '__import__' (known: abs, cos, elu, erf, exp, gelu, leaky_relu, log, relu, sigmoid, sign, silu, sin, softplus, sqrt, tan, tanh)
      __import__('os')
      ^^^^^^^^^^
    """
    if not isinstance(source, str):
        raise TypeError(f"expression must be a str, got {type(source).__name__}")
    if len(source) > _MAX_LENGTH:
        raise ValueError(f"expression is {len(source)} characters long; the limit is {_MAX_LENGTH}")
    # One line, so every caret lines up under the text it points at.
    text = " ".join(source.splitlines()).strip()
    if not text:
        raise ValueError("expression is empty")
    _refuse_hidden_text(text)
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as exc:
        col = (exc.offset or 1) - 1
        raise ValueError(f"not a valid expression: {exc.msg}\n  {text}\n  {' ' * col}^") from None
    except (RecursionError, MemoryError):
        # CPython's parser gives up on very deep nesting (----x, 2**2**...**x) with these.
        raise ValueError(f"expression is nested too deeply to parse ({len(text)} characters)") from None
    variables: list[str] = []
    pending: list[ast.AST] = [tree.body]  # an explicit stack: deep nesting cannot overflow
    while pending:
        node = pending.pop()
        _check(text, node, variables)
        pending += _children(node)
    return Expression(text, tree, tuple(sorted(set(variables))))


def _check(text: str, node: ast.AST, variables: list[str]) -> None:
    if isinstance(node, ast.Constant):
        if type(node.value) not in (int, float):
            raise _point_at(text, node, f"only numbers are allowed as constants, found {node.value!r}")
        try:
            finite = math.isfinite(node.value)
        except OverflowError:  # an int beyond the float range
            finite = False
        if not finite:
            raise _point_at(text, node, "this number is too large for a float")
    elif isinstance(node, ast.Name):
        if not node.id.isidentifier() or node.id.startswith("_"):
            raise _point_at(text, node, f"name {node.id!r} is not allowed")
        if node.id in OPS and OPS[node.id].public or node.id == "abs":
            raise _point_at(text, node, f"{node.id!r} is a function: call it, as in {node.id}(x)")
        if node.id not in CONSTANTS:
            variables.append(node.id)
    elif isinstance(node, ast.BinOp):
        if type(node.op) not in _BINARY:
            raise _point_at(text, node, f"operator {type(node.op).__name__} is not supported (use + - * / **)")
    elif isinstance(node, ast.UnaryOp):
        if not isinstance(node.op, (ast.USub, ast.UAdd)):
            raise _point_at(text, node, f"unary {type(node.op).__name__} is not supported")
    elif isinstance(node, ast.Call):
        func = node.func
        if not isinstance(func, ast.Name):
            raise _point_at(text, func, "only plain function calls such as sin(x) are allowed")
        known = functions()
        if func.id not in known:
            raise _point_at(text, func, f"unknown function {func.id!r} (known: {', '.join(sorted(known))})")
        if node.keywords:
            raise _point_at(text, node.keywords[0].value, "keyword arguments are not supported")
        op = OPS.get(func.id)
        fewest = op.arity or 1 if op is not None else 1
        most = _arguments(func.id)
        if not (fewest <= len(node.args) <= most):
            wanted = f"{fewest} or {most} arguments" if most > fewest else f"{most} argument{'s' * (most > 1)}"
            raise _point_at(text, node, f"{func.id} takes {wanted}, got {len(node.args)}")
    else:
        raise _point_at(text, node, f"{type(node).__name__} is not allowed in an expression")


def _refuse_hidden_text(text: str) -> None:
    """Refuse what Python's reader would silently change: a comment drops the rest of the line
    (``x # note + 5`` is x), and non-ASCII names are NFKC-folded (``ℯ`` would become the constant e)."""
    for col, char in enumerate(text):
        if not char.isascii() and (char.isidentifier() or ("a" + char).isidentifier()):
            raise ValueError(f"expressions are plain ASCII (names: letters, digits, _); found {char!r} "
                             f"(U+{ord(char):04X})\n  {text}\n  {' ' * col}^")
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError):
        return  # ast.parse reports it with its own caret
    for token in tokens:
        if token.type == tokenize.COMMENT:
            col = token.start[1]
            raise ValueError(f"comments (#) are not allowed in an expression: they would hide the rest of the line"
                             f"\n  {text}\n  {' ' * col}^")


def evaluate(source: str, **values: Value | float) -> Value:
    """Parse ``source`` and build its graph from the given variable values.

    >>> evaluate("x**2 + 1", x=3).data
    10.0
    """
    return parse(source).evaluate(**values)
