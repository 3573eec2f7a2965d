"""``tree``: the graph as an indented text tree, for terminals without graphics."""

from __future__ import annotations

from autograd import Value

from .naming import formula, named_graph
from .style import check_precision, format_number
from .walk import role


def tree(output: Value, *, show_data: bool = True, show_grad: bool = True, precision: int = 4) -> str:
    """Draw ``output`` and everything it depends on as a tree, output at the top.

    A node met a second time (a shared subexpression, or a variable used twice) is written once
    and marked ``↑ shown above`` where it appears again, so the tree grows with the graph, not
    with the number of paths through it.

    >>> x = Value(3.0, label="x"); y = x * x; y.label = "y"; y.backward()
    >>> print(tree(y, precision=1))
    y = x × x  data 9.0  grad 1.0
    ├── x  input  data 3.0  grad 6.0
    └── x  ↑ shown above
    """
    _, names = named_graph(output, "tree")
    check_precision(precision)
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
    # An explicit stack of (node, indent of its children, branch drawn before it): deep graphs are fine.
    stack: list[tuple[Value, str, str]] = [(output, "", "")]
    while stack:
        v, indent, branch = stack.pop()
        if v in shown and not (v.is_leaf and not v.label and not v.group):
            lines.append(f"{branch}{names[v]}  ↑ shown above")
            continue
        shown.add(v)
        lines.append(branch + describe(v))
        parents = v.parents
        for k in range(len(parents) - 1, -1, -1):  # pushed in reverse so the first operand prints first
            last = k == len(parents) - 1
            stack.append((parents[k], indent + ("    " if last else "│   "), indent + ("└── " if last else "├── ")))
    return "\n".join(lines)
