"""``tree``: the graph as an indented text tree, for terminals without graphics."""

from __future__ import annotations

from autograd import Value

from .naming import formula, named_graph
from .style import check_precision, format_number
from .walk import role


MAX_NODES = 2000  # a text tree longer than this is a wall of text; draw(collapse=...) reads better
MAX_INDENT = 24  # levels deeper than this keep this indentation and say their depth, so lines stay short


def tree(output: Value, *, show_data: bool = True, show_grad: bool = True, precision: int = 4,
         max_nodes: int | None = MAX_NODES) -> str:
    """Draw ``output`` and everything it depends on as a tree, output at the top.

    A node met a second time (a shared subexpression, or a variable used twice) is written once
    and marked ``↑ shown above`` where it appears again, so the tree grows with the graph, not
    with the number of paths through it. Below ``MAX_INDENT`` levels the indentation stops growing
    and each line starts with its depth (``[depth 30]``). Graphs of more than ``max_nodes`` nodes
    are refused (``None`` lifts the limit), so the text stays proportional to the graph.

    >>> x = Value(3.0, label="x"); y = x * x; y.label = "y"; y.backward()
    >>> print(tree(y, precision=1))
    y = x × x  data 9.0  grad 1.0
    ├── x  input  data 3.0  grad 6.0
    └── x  ↑ shown above
    """
    order, names = named_graph(output, "tree")
    check_precision(precision)
    if max_nodes is not None and (isinstance(max_nodes, bool) or not isinstance(max_nodes, int) or max_nodes < 1):
        raise ValueError(f"max_nodes must be a positive int or None (no limit), got {max_nodes!r}")
    if max_nodes is not None and len(order) > max_nodes:
        raise ValueError(
            f"this graph has {len(order)} nodes, more than max_nodes={max_nodes} for a text tree; pass "
            f"max_nodes={len(order)} (or None) to print it anyway, or look at a smaller part"
        )
    outputs = {output}

    def describe(v: Value) -> str:
        text = names[v]
        kind = role(v, outputs)
        if kind == "constant" and not v.label:
            return f"{text}  constant"  # its name is its value already
        if v.op is not None:
            text += f" = {formula(v, names)}"
        else:
            text += f"  {kind}"
        if show_data:
            text += f"  data {format_number(v.data, precision)}"
        if show_grad:
            text += f"  grad {format_number(v.grad, precision)}"
        return text

    lines: list[str] = []
    shown: set[Value] = set()
    # An explicit stack of (node, indent of its children, branch drawn before it, depth): deep graphs are fine.
    stack: list[tuple[Value, str, str, int]] = [(output, "", "", 0)]
    while stack:
        v, indent, branch, depth = stack.pop()
        if depth > MAX_INDENT:
            branch += f"[depth {depth}] "
        if v in shown and not (v.is_leaf and not v.label and not v.group):
            lines.append(f"{branch}{names[v]}  ↑ shown above")
            continue
        shown.add(v)
        lines.append(branch + describe(v))
        parents = v.parents
        for k in range(len(parents) - 1, -1, -1):  # pushed in reverse so the first operand prints first
            last = k == len(parents) - 1
            deeper = depth < MAX_INDENT
            child_indent = indent + ("    " if last else "│   ") if deeper else indent
            stack.append((parents[k], child_indent, indent + ("└── " if last else "├── "), depth + 1))
    return "\n".join(lines)
