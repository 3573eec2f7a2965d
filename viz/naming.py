"""The one naming of a graph's nodes that every view shows (``short_names``), and formulas in those names: ``d = b + c``."""

from __future__ import annotations

import itertools
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


def local_rule(child: Value, position: int, names: Mapping[Value, str]) -> str:
    """The op's rule for one operand in the graph's own names, ``∂J/∂e = −sin e``: the op table
    writes it (``Op.local_derivative``) from the parents' names and the node's constant.

    >>> x = Value(2.0, label="x"); y = x.sin(); y.label = "y"
    >>> local_rule(y, 0, {x: "x", y: "y"})
    '∂y/∂x = cos x'
    """
    parents = [names[p] for p in child.parents]
    derivative = child.op.local_derivative(position, parents, child.op_arg)
    return f"∂{names[child]}/∂{parents[position]} = {derivative}"
