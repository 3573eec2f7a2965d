"""``explain``: the chain-rule bookkeeping of one backward pass, as a table a learner can check by hand.

Forward: every node in the order it was computed. Backward, from the output: for each use of a node,
the local derivative (the op table's rule evaluated with an upstream gradient of 1), the upstream
gradient, and their product; a node used several times sums its contributions. Products and totals
come from ``autograd.reverse_sweep``, the sweep ``backward`` itself runs, so every total equals the
gradient ``backward`` computes by construction.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Iterator

from autograd import Value, local_gradients, reverse_sweep

from .naming import formula, local_rule, named_graph
from .style import check_precision, format_number, visible
from .walk import role


@dataclass(frozen=True)
class Step:
    """One forward step: ``name = formula``, its value, and its role (input, parameter, ...)."""

    name: str
    formula: str
    value: float
    role: str


@dataclass(frozen=True)
class Contribution:
    """One use of a node by a child: d(output)/d(node) gains ``local × upstream`` through it."""

    child: str
    child_formula: str
    rule: str
    local: float
    upstream: float
    product: float


@dataclass(frozen=True)
class Gradient:
    """d(output)/d(node): the sum of the node's contributions (the seed 1 for the output itself)."""

    name: str
    contributions: tuple[Contribution, ...]
    total: float


class Explanation:
    """Forward and backward pass of a graph; ``str()`` is a terminal table, also ``to_markdown()`` and HTML.

    ``forward`` is a list of ``Step``, ``backward`` a list of ``Gradient`` (output first); ``grad(name)``
    looks a total up by node name.
    """

    def __init__(self, output_name: str, forward: list[Step], backward: list[Gradient], precision: int) -> None:
        self.output_name = output_name
        self.forward = forward
        self.backward = backward
        self.precision = precision

    def grad(self, name: str) -> float:
        """d(output)/d(the node called ``name``), as summed in the table."""
        for g in self.backward:
            if g.name == name:
                return g.total
        raise KeyError(f"no node called {name!r}; names: {', '.join(g.name for g in self.backward)}")

    # ----- one row model, three renderings --------------------------------------------------------
    def _forward_rows(self) -> list[list[str]]:
        n = self.precision
        return [[s.name, s.formula or "(given)", s.role, format_number(s.value, n)] for s in self.forward]

    def _backward_rows(self) -> list[list[str]]:
        n, out = self.precision, self.output_name
        rows = []
        for g in self.backward:
            if not g.contributions:
                rows.append([f"∂{out}/∂{g.name}", "(seed)", "", "", "", format_number(g.total, n)])
                continue
            for k, c in enumerate(g.contributions):
                rows.append([
                    f"∂{out}/∂{g.name}" if k == 0 else "",
                    f"{c.child} = {c.child_formula}", c.rule,
                    format_number(c.local, n), format_number(c.upstream, n), format_number(c.product, n),
                ])
            if len(g.contributions) > 1:
                rows.append(["", "sum of the uses", "", "", "", format_number(g.total, n)])
        return rows

    _FORWARD_HEAD = ["node", "computed as", "role", "value"]
    _BACKWARD_HEAD = ["gradient", "used in", "local derivative", "local", "× upstream", "= product"]

    def __str__(self) -> str:
        out = self.output_name
        return "\n".join([
            f"Forward pass: each node from the ones before it, ending at {out}",
            _text_table(self._FORWARD_HEAD, self._forward_rows(), right={3}),
            "",
            f"Backward pass: ∂{out}/∂node = Σ over its uses of (local derivative × upstream gradient)",
            _text_table(self._BACKWARD_HEAD, self._backward_rows(), right={3, 4, 5}),
        ])

    def __repr__(self) -> str:
        return f"<Explanation of {self.output_name}: {len(self.forward)} nodes>"

    def to_markdown(self) -> str:
        """Both tables as GitHub-flavoured Markdown; names are HTML-escaped, so a label can neither
        inject markup nor break a table row."""
        out = _markdown_text(self.output_name)
        return "\n".join([
            f"**Forward pass** (ending at <code>{out}</code>)", "",
            _markdown_table(self._FORWARD_HEAD, self._forward_rows(), right={3}), "",
            f"**Backward pass**: ∂{out}/∂node = Σ over its uses of local derivative × upstream gradient", "",
            _markdown_table(self._BACKWARD_HEAD, self._backward_rows(), right={3, 4, 5}),
        ])

    def _repr_html_(self) -> str:
        out = html.escape(self.output_name)
        return (
            '<div style="font-family: Helvetica, Arial, sans-serif; font-size: 13px">'
            f"<p><b>Forward pass</b> (ending at <code>{out}</code>)</p>"
            + _html_table(self._FORWARD_HEAD, self._forward_rows(), right={3})
            + f"<p><b>Backward pass</b>: ∂{out}/∂node = Σ over its uses of local derivative × upstream gradient</p>"
            + _html_table(self._BACKWARD_HEAD, self._backward_rows(), right={3, 4, 5})
            + "</div>"
        )


def _text_table(head: list[str], rows: list[list[str]], right: set[int]) -> str:
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]

    def line(cells: list[str]) -> str:
        return "  " + "  ".join(c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths))).rstrip()

    return "\n".join([line(head), "  " + "  ".join("─" * w for w in widths), *map(line, rows)])


def _markdown_text(text: str) -> str:
    """Text that Markdown shows as written: HTML escaped, one line, no table or emphasis syntax."""
    text = html.escape(visible(text), quote=False)
    return "".join("\\" + ch if ch in _MARKDOWN_SPECIAL else ch for ch in text)


_MARKDOWN_SPECIAL = frozenset("\\`*_[]|")


def _markdown_table(head: list[str], rows: list[list[str]], right: set[int]) -> str:
    cell = _markdown_text

    lines = ["| " + " | ".join(map(cell, head)) + " |",
             "|" + "|".join("---:" if i in right else "---" for i in range(len(head))) + "|"]
    lines += ["| " + " | ".join(map(cell, r)) + " |" for r in rows]
    return "\n".join(lines)


def _html_table(head: list[str], rows: list[list[str]], right: set[int]) -> str:
    def cells(tag: str, row: list[str]) -> str:
        return "".join(
            f'<{tag} style="text-align:{"right" if i in right else "left"}; padding:2px 8px">{html.escape(c)}</{tag}>'
            for i, c in enumerate(row)
        )

    body = "".join(f"<tr>{cells('td', r)}</tr>" for r in rows)
    return f'<table style="border-collapse:collapse"><thead><tr>{cells("th", head)}</tr></thead><tbody>{body}</tbody></table>'


@dataclass(frozen=True)
class NodeStep:
    """One node of the reverse pass: its complete gradient ``upstream``, and per operand the local
    derivative and the product ``local × upstream`` it sends back."""

    value: Value
    upstream: float
    locals: tuple[float, ...]
    products: tuple[float, ...]


def reverse_pass(order: list[Value], names: dict[Value, str], grads: dict[Value, float], what: str) -> Iterator[NodeStep]:
    """The engine's own reverse sweep (``autograd.reverse_sweep``), one step per node that has an op,
    with each operand's local derivative beside the product the sweep sends it.

    ``order`` is the graph in forward order (its output last) and ``grads`` starts with the output's
    seed; each step's products are added into it (a node's first contribution stored as is, later
    ones summed on) before the step is yielded, in the sweep's own order, and once the sweep is done
    every node's entry is replaced by the total the sweep computed, the number ``backward`` stores.

    >>> x = Value(2.0, label="x"); y = x * x; grads = {y: 1.0}
    >>> [s.products for s in reverse_pass([x, y], {x: "x", y: "y"}, grads, "doc")], grads[x]
    ([(2.0, 2.0)], 4.0)
    """
    output = order[-1]
    pending = [v for v in reversed(order) if v.op is not None]  # the sweep's order (reversed walk)
    done = 0
    try:
        for step in reverse_sweep(output, grads.get(output, 1.0)):
            v = step.node
            if v.op is None:  # leaves come last, each with its complete gradient
                grads[v] = step.grad
                continue
            for p, product in zip(v.parents, step.contributions):
                previous = grads.get(p)
                grads[p] = product if previous is None else previous + product
            grads[v] = step.grad
            done += 1
            yield NodeStep(v, step.grad, local_gradients(v), step.contributions)
    except ValueError as exc:  # sqrt at 0: no finite local derivative to tabulate
        v = pending[done] if done < len(pending) else output
        raise ValueError(
            f"{what}: the local derivative of {names[v]} = {formula(v, names)} is undefined or infinite "
            f"at {', '.join(f'{names[p]} = {p.data!r}' for p in v.parents[:4])}: {exc}"
        ) from exc


def explain(output: Value, *, precision: int = 4) -> Explanation:
    """The forward values and the backward chain-rule sums behind ``output``'s gradients.

    >>> x = Value(2.0, label="x"); y = x * x; y.label = "y"
    >>> e = explain(y)
    >>> e.grad("x")  # x is used twice: 2.0 + 2.0
    4.0
    >>> print(str(e).splitlines()[-1].split())
    ['sum', 'of', 'the', 'uses', '4.0000']
    """
    order, names = named_graph(output, "explain")
    check_precision(precision)
    outputs = {output}
    forward = [Step(names[v], formula(v, names), v.data, role(v, outputs)) for v in order]

    grads: dict[Value, float] = {output: 1.0}
    uses: dict[Value, list[Contribution]] = {}
    for node in reverse_pass(order, names, grads, "explain"):
        v = node.value
        child_formula = formula(v, names)
        for i, (p, local, product) in enumerate(zip(v.parents, node.locals, node.products)):
            uses.setdefault(p, []).append(
                Contribution(names[v], child_formula, local_rule(v, i, names), local, node.upstream, product)
            )
    backward = [Gradient(names[v], tuple(uses.get(v, ())), grads.get(v, 0.0)) for v in reversed(order)]
    return Explanation(names[output], forward, backward, precision)
