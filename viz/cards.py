"""The HTML-like labels and tooltips of ``draw``: a card per Value, a pill per op, a card per folded module."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Mapping

from autograd import Value, local_gradients, topological_order

from . import style
from .grouping import Grouping
from .naming import formula, local_rule, short_names
from .style import ROLES, escape, format_constant, format_number, quote
from .walk import is_parameter, role

@dataclass(frozen=True)
class GradOverlay:
    """What a picture of a reverse pass in progress shows instead of ``.grad`` (used by ``backward_steps``).

    ``grads``: the gradient known so far per Value (absent: not known yet, shown as "?");
    ``fresh``: Values whose gradient just changed (emphasised); ``active``: the node whose
    contributions flow back now (its operand edges are highlighted); ``titles``: names for unlabelled
    nodes, so cards match the captions' "a", "b".
    """

    grads: Mapping[Value, float]
    fresh: frozenset[Value] = frozenset()
    active: Value | None = None
    titles: Mapping[Value, str] = field(default_factory=dict)


def op_text(v: Value) -> str:
    """How the op that made ``v`` is shown: the op's own description, and ``dotc``'s constants compactly.

    >>> x = Value(3.0)
    >>> op_text(x ** 2), op_text(x.leaky_relu(0.1)), op_text(dot([x, x], [2, 3]))
    ('^2', 'LeakyReLU(0.1)', '· [2, 3]')
    """
    op, arg = v.op, v.op_arg
    if isinstance(arg, tuple):
        shown = ", ".join(format_constant(c) for c in arg[:4])
        more = f", … {len(arg)} in all" if len(arg) > 4 else ""
        return f"{op.symbol} [{shown}{more}]"
    return op.describe(arg)


def op_tooltip(v: Value, names: Mapping[Value, str] | None = None) -> str:
    """What made ``v`` in the graph's own names (``short_names``), the op's derivative rule for each
    operand, and its value at this node.

    >>> x = Value(2.0, label="x"); print(op_tooltip(x * 3))
    a = x × 3 (op mulc)
    ∂a/∂x = 3, here 3
    """
    if names is None:
        names = short_names(topological_order(v))
    op = v.op
    lines = [f"{names[v]} = {formula(v, names)} (op {op.name})"]
    try:
        locals_ = local_gradients(v)
    except ValueError:  # sqrt at 0: the rule has no finite value here
        locals_ = None
    for i in range(min(len(v.parents), _TIP_TERMS)):
        here = "undefined" if locals_ is None else format_constant(locals_[i])
        lines.append(f"{local_rule(v, i, names)}, here {here}")
    if len(v.parents) > _TIP_TERMS:
        lines.append(f"… {len(v.parents)} operands in all")
    return "\n".join(lines)


def _tip_grad(g: float | None) -> str:
    return "? (not known yet)" if g is None else repr(g)


_TIP_TERMS = 4


class Cards:
    """Builds labels and tooltips for one drawing; the strings that never change are built once."""

    def __init__(self, outputs: set[Value], names: Mapping[Value, str], show_data: bool, show_grad: bool,
                 precision: int, heat: style.HeatScale | None, tooltips: bool, framed: bool,
                 overlay: GradOverlay | None = None, is_param: Callable[[Value], bool] = is_parameter) -> None:
        self.is_param = is_param
        self.outputs = outputs
        self.names = names  # short_names: the same name explain, tree and the step captions use
        self.overlay = overlay
        self.show_data, self.show_grad, self.precision = show_data, show_grad, precision
        self.heat = heat
        self.tooltips = tooltips
        self.framed = framed  # inside its group's frame a label drops the group prefix: "L1.N2.w1" -> "w1"
        self.heads = {}
        for name, r in ROLES.items():
            border = "2" if name == "output" else "1"
            self.heads[name, False] = (
                f'<<TABLE BORDER="{border}" CELLBORDER="0" CELLSPACING="1" CELLPADDING="2" STYLE="ROUNDED" '
                f'BGCOLOR="{r.fill}" COLOR="{r.border}">'
            )
            self.heads[name, True] = (
                f'<<TABLE BORDER="3" CELLBORDER="0" CELLSPACING="1" CELLPADDING="2" STYLE="ROUNDED" '
                f'BGCOLOR="{r.fill}" COLOR="{style.HIGHLIGHT}">'
            )
        self.data_caption = f'<TR><TD ALIGN="LEFT"><FONT POINT-SIZE="9" COLOR="{style.DATA_COLOR}">data</FONT></TD>'
        self.grad_caption = f'<TR><TD ALIGN="LEFT"><FONT POINT-SIZE="9" COLOR="{style.GRAD_COLOR}">grad</FONT></TD>'

    def _rows(self, v: Value) -> str:
        rows = ""
        if self.show_data:
            rows += f'{self.data_caption}<TD ALIGN="RIGHT">{format_number(v.data, self.precision)}</TD></TR>'
        if self.show_grad:
            if self.overlay is not None:
                return rows + self._overlay_row(v)
            g = v.grad
            bin_ = self.heat.index(g) if self.heat is not None else None
            cell = "" if bin_ is None else f' BGCOLOR="{style.HEAT[bin_]}"'
            text = format_number(g, self.precision)
            if bin_ is not None and style.HEAT_TEXT[bin_] != style.INK:
                text = f'<FONT COLOR="{style.HEAT_TEXT[bin_]}">{text}</FONT>'
            rows += f'{self.grad_caption}<TD ALIGN="RIGHT"{cell}>{text}</TD></TR>'
        return rows

    def _overlay_row(self, v: Value) -> str:
        g = self.overlay.grads.get(v)
        if g is None:  # not reached yet: a quiet grey "?"
            cell = f' BGCOLOR="{style.UNKNOWN_FILL}"'
            text = f'<FONT COLOR="{style.MUTED}">?</FONT>'
        elif v in self.overlay.fresh:
            cell = f' BGCOLOR="{style.FRESH_FILL}"'
            text = f'<FONT COLOR="{style.HIGHLIGHT}"><B>{format_number(g, self.precision)}</B></FONT>'
        else:
            cell, text = "", format_number(g, self.precision)
        return f'{self.grad_caption}<TD ALIGN="RIGHT"{cell}>{text}</TD></TR>'

    def grad_of(self, v: Value) -> float | None:
        """The gradient this drawing shows for ``v`` (None: not known yet)."""
        return v.grad if self.overlay is None else self.overlay.grads.get(v)

    def value(self, v: Value, hot: bool) -> str:
        kind = role(v, self.outputs, self.is_param)
        r = ROLES[kind]
        if kind == "constant":
            border = f'3" COLOR="{style.HIGHLIGHT}' if hot else f'1" COLOR="{r.border}'
            text = format_constant(v.data)
            if v.label:
                text = f"{escape(self.names[v])} = {text}"
            return (
                f'<<TABLE BORDER="{border}" CELLBORDER="0" CELLPADDING="1" STYLE="ROUNDED" BGCOLOR="{r.fill}">'
                f'<TR><TD><FONT POINT-SIZE="9" COLOR="{r.caption}">{text}</FONT></TD></TR></TABLE>>'
            )
        label = self.title(v)
        title = f'<TR><TD COLSPAN="2"><FONT COLOR="{r.caption}"><B>{escape(label)}</B></FONT></TD></TR>' if label else ""
        rows = self._rows(v)
        if not title and not rows:
            rows = '<TR><TD> </TD></TR>'
        return f"{self.heads[kind, hot]}{title}{rows}</TABLE>>"

    def title(self, v: Value) -> str:
        """The name a card shows (``short_names``): inside its group's frame without the group prefix."""
        label = self.names[v]
        if self.framed and v.group and label.startswith(v.group + "."):
            return label[len(v.group) + 1:]
        return label

    def value_tooltip(self, v: Value) -> str:
        if not self.tooltips:
            return ""
        kind = role(v, self.outputs, self.is_param)
        lines = [f"{self.names[v]} ({kind}{', in ' + v.group if v.group else ''})",
                 f"data = {v.data!r}", f"grad = {_tip_grad(self.grad_of(v))}"]
        if v.op is not None:
            lines.append(f"= {formula(v, self.names)} (made by {v.op.name})")
        return f", tooltip={quote(chr(10).join(lines))}"

    def op(self, v: Value, hot: bool) -> str:
        text = op_text(v)
        size = "12" if len(text) <= 2 else "10"
        border = f'color="{style.HIGHLIGHT}", penwidth=2.4' if hot else f'color="{style.OP_BORDER}"'
        tip = f", tooltip={quote(op_tooltip(v, self.names))}" if self.tooltips else ""
        return (
            f'label={quote(text)}, shape=box, style="rounded,filled", fillcolor="{style.OP_FILL}", {border}, '
            f'fontsize={size}, margin="0.06,0.02", width=0.3, height=0.26{tip}'
        )

    def module(self, grouping: Grouping, key: str, hot: bool) -> str:
        """The card of a folded neuron or layer (or of a wide sum's folded terms)."""
        if key in grouping.terms:
            return self._terms(grouping, key, hot)
        members = grouping.members[key]
        params = sum(map(self.is_param, members))
        outs = grouping.results_of(key)
        kind = "neuron" if grouping.collapse == "neuron" else "layer"
        rows = self._module_head(key, escape(grouping.detail_of(key)))
        if len(outs) == 1:
            rows += self._rows(outs[0])
        else:
            rows += f'<TR><TD COLSPAN="2"><FONT POINT-SIZE="9" COLOR="{style.DATA_COLOR}">{len(outs)} outputs</FONT></TD></TR>'
        tip = ""
        if self.tooltips:
            text = f"{key}: one {kind} folded into one node ({len(members)} Values, {params} parameters, {len(outs)} outputs)"
            tip = f", tooltip={quote(text)}"
        return f"{self.heads['module', hot]}{rows}</TABLE>>{tip}"

    def _module_head(self, title: str, detail: str) -> str:
        r = ROLES["module"]
        return (
            f'<TR><TD COLSPAN="2"><FONT COLOR="{r.caption}"><B>{escape(title)}</B></FONT></TD></TR>'
            f'<TR><TD COLSPAN="2"><FONT POINT-SIZE="9" COLOR="{style.DATA_COLOR}">{detail}</FONT></TD></TR>'
        )

    def _terms(self, grouping: Grouping, key: str, hot: bool) -> str:
        """The card of a wide sum's terms folded into one node: how many, and what each computes."""
        members = grouping.members[key]
        roots = grouping.outputs_of(key)
        each = term_formula(roots[0], members, self.names, grouping)
        rows = self._module_head(f"terms × {len(roots)}", f"each {escape(each)}")
        total = sum(v.data for v in roots)
        if self.show_data:
            rows += (f'{self.data_caption}<TD ALIGN="RIGHT">Σ {format_number(total, self.precision)}</TD></TR>')
        tip = ""
        if self.tooltips:
            text = (f"{len(roots)} terms of {self.names[grouping.terms[key]]} (one per sample), {len(members)} Values "
                    f"folded into one node; draw without collapse to see each")
            tip = f", tooltip={quote(text)}"
        return f"{self.heads['module', hot]}{rows}</TABLE>>{tip}"


def term_formula(root: Value, members: list[Value], names: Mapping[Value, str], grouping: Grouping) -> str:
    """What one folded term computes, written out from what feeds it: ``ReLU(1 − L3.N1)``.

    Nodes inside the term are expanded into the formula; a node outside is named by its folded
    node (``L3.N1``) or its own name.
    """
    folded = set(members)
    stack, seen = [root], {root}
    while stack:  # the term's own nodes, found from its root
        for p in stack.pop().parents:
            if p in folded and p not in seen:
                seen.add(p)
                stack.append(p)
    if len(seen) > 6:
        return f"{len(seen)} nodes"
    text: dict[Value, str] = {}
    for v in (m for m in members if m in seen):  # members are in forward order: parents first
        if v.op is None:
            text[v] = names[v]
            continue
        # An operand that is itself a formula gets parentheses unless the op writes its own: f(…).
        own_parentheses = "(□" in formula(v, {p: "□" for p in v.parents})
        shown = {}
        for p in v.parents:
            inner = text.get(p)
            if inner is None:
                shown[p] = grouping.key_of(p) or names[p]
            else:
                shown[p] = f"({inner})" if " " in inner and not own_parentheses else inner
        text[v] = formula(v, shown)
    return text[root]
