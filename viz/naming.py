"""The one naming of a graph's nodes that every view shows (``short_names``), and formulas in those names: ``d = b + c``."""

from __future__ import annotations

import functools
import itertools
import re
import string
from typing import Iterator, Mapping

from autograd import Value

from .style import format_constant, visible
from .walk import graph_order

_MAX_TERMS = 4  # n-ary formulas longer than this are shortened with "…"


def _letters() -> Iterator[str]:
    for round_ in itertools.count():
        suffix = str(round_) if round_ else ""
        for letter in string.ascii_lowercase:
            yield letter + suffix


def short_names(order: list[Value]) -> dict[Value, str]:
    """One unique name per Value, the name every view shows (cards, tooltips, ``explain``, ``tree``,
    step captions, the explorer): its label; for an unlabelled constant leaf its value; else the next
    free letter in forward order (as a textbook writes a, b, c). A name already given gets ``#2``,
    ``#3`` (skipping any that is some node's own label), so no two nodes share a name.

    >>> x = Value(2.0, label="x"); y = (x * x).sin()
    >>> [short_names(topological_order(y))[v] for v in topological_order(y)]
    ['x', 'a', 'b']
    >>> x2 = Value(1.0, label="x"); x3 = Value(1.0, label="x#2"); z = x + x2 + x3
    >>> sorted(short_names(topological_order(z)).values())
    ['a', 'b', 'x', 'x#2', 'x#3']
    """
    taken = {v.label for v in order if v.label}  # labels keep their spelling; made-up names avoid them
    used: set[str] = set()
    letters = (name for name in _letters() if name not in taken)
    names: dict[Value, str] = {}
    for v in order:
        if v.label:
            name = v.label if v.label not in used else _next_free(v.label, used, taken)
        elif v.is_leaf:
            base = format_constant(v.data)
            name = base if base not in used and base not in taken else _next_free(base, used, taken)
        else:
            name = next(letters)
        used.add(name)
        names[v] = name
    return names


def _next_free(base: str, used: set[str], taken: set[str]) -> str:
    """``base#2``, ``base#3``, ...: the first that no node has yet and no other node is labelled."""
    for k in itertools.count(2):
        name = f"{base}#{k}"
        if name not in used and name not in taken:
            return name
    raise AssertionError("unreachable")


def named_graph(output: Value, what: str) -> tuple[list[Value], dict[Value, str]]:
    """The graph behind one output, in forward order, with ``short_names`` made printable on one line
    (``style.visible``); TypeError for a non-Value.

    >>> order, names = named_graph(Value(1.0, label="x") * 2.0, "tree")
    >>> [names[v] for v in order]
    ['x', 'a']
    """
    if not isinstance(output, Value):
        raise TypeError(f"{what} needs one Value, got {type(output).__name__}: {output!r}")
    order = graph_order([output])
    # Text views print names on one line: a label's control characters are shown as escapes ("\\n").
    return order, {v: visible(name) for v, name in short_names(order).items()}


def formula(v: Value, names: Mapping[Value, str]) -> str:
    """The right-hand side that computed ``v`` from its parents' names (``"sin(a)"``, ``"x^2"``):
    the op table's caption (``Op.caption``) in the graph's names.

    >>> x = Value(2.0, label="x"); y = 3 * x ** 2
    >>> names = short_names(topological_order(y))
    >>> formula(y, names), formula(y.parents[0], names)
    ('a × 3', 'x^2')
    """
    if v.op is None:
        return ""
    return v.op.caption([names[p] for p in v.parents], v.op_arg, format_constant, _MAX_TERMS)


@functools.lru_cache(maxsize=None)
def _symbols(operands: tuple[str, ...]) -> re.Pattern:
    """The operand names of a derivative text (and ``c``, its constant, and ``ˣ``, a superscript x)
    as whole words."""
    words = "|".join(re.escape(name) for name in (*operands, "c"))
    return re.compile(rf"(?<![A-Za-z])({words})(?![A-Za-z])|ˣ")


_NUM = r"-?\d+(?:\.\d+)?(?:e[+-]?\d+)?"
_ARITHMETIC = re.compile(rf"\(({_NUM})([−+])({_NUM})\)")  # (2−1) once c is a number
_POWER_ONE = re.compile(r"\^1(?![\d.e])")
_POWER_ZERO = re.compile(r"[^\s·^()/]+\^0(?![\d.e])")
_TIMES_ONE = re.compile(r"(?<![\w.#])1·")


def simplify(text: str) -> str:
    """Constant arithmetic left by substituting numbers into a rule, done: ``(2−1)`` → ``1``, ``x^1`` → ``x``,
    ``x^0`` → ``1``, ``1·x`` → ``x``; anything else stays as written.

    >>> simplify("2·x^(2−1)"), simplify("1·a^(1−1)"), simplify("0.5·x^(0.5−1)"), simplify("b·a^(b−1)")
    ('2·x', '1', '0.5·x^(-0.5)', 'b·a^(b−1)')
    """
    def compute(match: re.Match) -> str:
        a, b = float(match.group(1)), float(match.group(3))
        result = a - b if match.group(2) == "−" else a + b
        return format_constant(result) if result >= 0 else f"({format_constant(result)})"

    text = _POWER_ONE.sub("", _ARITHMETIC.sub(compute, text))
    return _TIMES_ONE.sub("", _POWER_ZERO.sub("1", text))


def local_rule(child: Value, position: int, names: Mapping[Value, str]) -> str:
    """The op's derivative text for one operand (``Op.rule_for``), in the graph's own names:
    ``∂J/∂e = −sin e``.

    >>> x = Value(2.0, label="x"); y = x.sin(); y.label = "y"
    >>> local_rule(y, 0, {x: "x", y: "y"})
    '∂y/∂x = cos x'
    """
    op = child.op
    text = op.rule_for(position, len(child.parents))
    if op.arity is None:  # n-ary rules speak of xᵢ, wᵢ: keep them, naming the node itself
        return text.replace("∂/∂", f"∂{names[child]}/∂", 1)
    mapping = dict(zip(op.operands, (names[p] for p in child.parents)))
    if child.op_arg is not None and not isinstance(child.op_arg, tuple):
        mapping.setdefault("c", format_constant(child.op_arg))

    def swap(match: re.Match) -> str:
        if match.group(0) == "ˣ":
            return f"^{mapping['x']}" if "x" in mapping else "ˣ"
        return mapping.get(match.group(1), match.group(1))

    symbols = _symbols(op.operands)
    head, _, rest = text.partition(" = ")
    target = symbols.sub(swap, head.replace("∂/∂", "", 1))
    return f"∂{names[child]}/∂{target} = {simplify(symbols.sub(swap, rest))}"
