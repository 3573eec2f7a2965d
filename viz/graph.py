"""``draw``: a computation graph as a graphviz Digraph, one card per Value and one small node per op.

The DOT text is assembled directly as lines (the Digraph's public ``body``) rather than through a
method call per node, which keeps a 50,000-node graph well under two seconds.
"""

from __future__ import annotations

from typing import Any, Iterable

from autograd import Value

from . import style
from .cards import Cards, GradOverlay
from .grouping import Grouping, in_order
from .naming import short_names
from .renderer import Graph
from .style import escape
from .walk import as_outputs, as_value_set, graph_order, path_between

DEFAULT_MAX_NODES = 300
# Binary ops whose operands cannot be swapped: their edges say which operand is a and which is b,
# matching the names in the op's derivative text ("∂/∂a = 1/b").
ORDERED_OPERANDS = frozenset({"sub", "div", "pow"})
_RANKDIRS = ("LR", "TB", "RL", "BT")


def operand_labels(v: Value) -> tuple[str, list[str]] | None:
    """Where each operand's name goes and the names, for ops whose operand order matters, else None.

    a/b sit at the op (``headlabel``); a dot product's w1../x1.. sit at each operand's card
    (``taillabel``), where they stay legible however many operands converge on the op.

    >>> x = Value(2.0); operand_labels(x - x), operand_labels(x + x)
    (('headlabel', ['a', 'b']), None)
    """
    name = v.op.name
    if name in ORDERED_OPERANDS:
        return "headlabel", ["a", "b"]
    if name == "dot":
        ps = v.parents
        n = len(ps) // 2
        if all(a is b for a, b in zip(ps[:n], ps[n:])):  # Σ dᵢ·dᵢ: nothing to tell apart
            return None
        return "taillabel", [f"{side}{i}" for side in "wx" for i in range(1, n + 1)]
    return None


_OPERAND_FONT = f', labelfontsize=9, labeldistance=1.6, labelfontcolor="{style.DATA_COLOR}"'


def _check_options(rankdir: Any, collapse: Any, max_nodes: Any) -> None:
    if rankdir not in _RANKDIRS:
        raise ValueError(f"rankdir must be one of {', '.join(_RANKDIRS)}, got {rankdir!r}")
    if collapse not in (None, "neuron", "layer"):
        raise ValueError(f"collapse must be None, 'neuron' or 'layer', got {collapse!r}")
    if max_nodes is not None and (isinstance(max_nodes, bool) or not isinstance(max_nodes, int) or max_nodes < 1):
        raise ValueError(f"max_nodes must be a positive int or None (no limit), got {max_nodes!r}")


def draw(
    output: Value | Iterable[Value],
    *,
    rankdir: str = "LR",
    show_data: bool = True,
    show_grad: bool = True,
    precision: int = 4,
    highlight: Iterable[Value] | Value | None = None,
    path: tuple[Value, Value] | None = None,
    heatmap: bool = False,
    clusters: bool = True,
    collapse: str | None = None,
    max_nodes: int | None = DEFAULT_MAX_NODES,
    tooltips: bool = True,
    title: str | None = None,
    _overlay: GradOverlay | None = None,
) -> Graph:
    """Draw the graph behind ``output`` (a Value or a list of them) as a ``graphviz.Digraph``.

    Each Value is a card with its label, data and grad (rounded to ``precision`` decimals), coloured
    by role: inputs blue, parameters violet, constants small and grey, the output amber. Each op is a
    small node with its symbol. ``highlight`` marks Values, ``path=(a, b)`` marks every Value on a path
    from a to b, ``heatmap`` colours gradients by magnitude (with a legend). Hovering an op shows its
    derivative rule and the local derivatives' values there (``tooltips=False`` drops them). Values
    made inside an ``nn`` module are framed by neuron and layer; ``collapse="neuron"`` or ``"layer"``
    draws each as one node. Graphs with more than ``max_nodes`` nodes are refused (``None`` lifts the limit).
    (``_overlay`` is internal: ``backward_steps`` shows a reverse pass in progress with it.)

    >>> x = Value(2.0, label="x"); y = x * x + 3; y.backward()
    >>> g = draw(y, precision=2)
    >>> "4.00" in g.source and "7.00" in g.source
    True
    """
    outputs = as_outputs(output)
    _check_options(rankdir, collapse, max_nodes)
    style.check_precision(precision)
    style.check_title(title)
    order = graph_order(outputs)
    grouping = Grouping(order, outputs, collapse, clusters)
    if max_nodes is not None and grouping.drawn_count > max_nodes:
        raise ValueError(_too_big_message(grouping.drawn_count, max_nodes, collapse, grouping.has_groups))
    marked = as_value_set(highlight, "highlight")
    if path is not None:
        if not isinstance(path, tuple) or len(path) != 2:
            raise TypeError(f"path must be a pair (start, end) of Values, got {path!r}")
        marked |= path_between(order, *path)
    heat = style.HeatScale([v.grad for v in order]) if heatmap and show_grad and _overlay is None else None
    card = Cards(set(outputs), short_names(order), show_data, show_grad, precision, heat, tooltips, clusters, _overlay)
    flowing = _overlay.active if _overlay is not None else None

    graph = Graph(
        name="autograd",
        format="svg",
        graph_attr={
            "rankdir": rankdir, "fontname": style.FONT, "fontsize": "11", "bgcolor": "white",
            "nodesep": "0.18", "ranksep": "0.32", "pad": "0.25", "outputorder": "edgesfirst", "newrank": "true",
        },
        node_attr={"fontname": style.FONT, "fontsize": "11", "shape": "plain", "fontcolor": style.INK},
        edge_attr={
            "fontname": style.FONT, "fontsize": "8", "fontcolor": style.MUTED, "color": style.EDGE,
            "arrowsize": "0.55", "penwidth": "1.1",
        },
    )
    if title:
        graph.attr(label=f"<<B>{escape(title)}</B>>", labelloc="t", labeljust="l", fontsize="13")

    index = {v: i for i, v in enumerate(order)}
    edges: list[str] = []
    seen_group_edges: set[tuple[str, str]] = set()
    ordered: set[tuple[Value, ...]] = set()

    def node_id(v: Value) -> str:
        key = grouping.key_of(v)
        return grouping.node_id(key) if key is not None else f"v{index[v]}"

    for i, v in enumerate(order):
        key = grouping.key_of(v)
        if key is not None:  # collapsed: one edge per distinct outside source into the group's node
            target = grouping.node_id(key)
            for p in v.parents:
                source = node_id(p)
                if source != target and (source, target) not in seen_group_edges:
                    seen_group_edges.add((source, target))
                    hot = v in marked and p in marked
                    edges.append(f"{source} -> {target}{_HOT_EDGE if hot else ''}")
            continue
        lines = grouping.lines_for(v)
        hot_v = v in marked
        lines.append(f"v{i} [label={card.value(v, hot_v)}{card.value_tooltip(v)}]")
        if v.is_leaf:
            continue
        lines.append(f"o{i} [{card.op(v, hot_v)}]")
        ws = _weights(v)
        if ws and ws not in ordered:  # a neuron's weights stand in order, w1 first (once per neuron)
            ordered.add(ws)
            lines.append(in_order([f"v{index[w]}" for w in ws], rankdir, clusters))
        side, operands = operand_labels(v) or ("", ())
        for j, p in enumerate(v.parents):
            attrs = []
            enters = grouping.enters_frame(p, v)
            # A name at the operand's card is noise when the card's title already says it ("w1"), and
            # would sit on the frame's own title when the edge comes from outside the frame.
            if operands and (side == "headlabel" or not (enters or card.title(p) == operands[j])):
                attrs.append(f'{side}="{operands[j]}"{_OPERAND_FONT}')
            if (hot_v and p in marked) or v is flowing:
                attrs.append(_HOT_ATTRS)
            if enters:
                # One empty rank before a frame keeps it clear of the previous frame's column, so
                # layers sit side by side instead of stacking in a staircase.
                attrs.append("minlen=2")
            edges.append(f"{node_id(p)} -> o{i}" + (f" [{', '.join(attrs)}]" if attrs else ""))
        edges.append(f"o{i} -> v{i}{_HOT_EDGE if hot_v else ''}")

    for key in grouping.keys:
        grouping.lines_for_key(key).append(
            f"{grouping.node_id(key)} [label={card.module(grouping, key, any(m in marked for m in grouping.members[key]))}]"
        )
    grouping.sibling_order(rankdir)
    body = grouping.emit()
    if heat is not None:
        body.append(f"legend [label={heat.legend(precision)}]")
        # Invisible edges place the legend one step past the outputs, at the end of the reading direction.
        edges.extend(f"{node_id(out)} -> legend [style=invis]" for out in outputs)
    body.extend(edges)
    graph.body.extend(f"\t{line}\n" for line in body)
    return graph


def _weights(v: Value) -> tuple[Value, ...] | None:
    """The weights of a neuron's dot product ``v``: distinct parameters of its own group, else None."""
    name = v.op.name
    if not v.group or name not in ("dot", "dotc"):
        return None
    ws = v.parents if name == "dotc" else v.parents[: len(v.parents) // 2]
    if len(set(ws)) == len(ws) > 1 and all(w.is_leaf and w.group == v.group for w in ws):
        return ws
    return None


_HOT_ATTRS = f'color="{style.HIGHLIGHT}", penwidth=2.4'
_HOT_EDGE = f" [{_HOT_ATTRS}]"


def _too_big_message(count: int, limit: int, collapse: str | None, has_groups: bool) -> str:
    advice = []
    if has_groups and collapse != "layer":
        advice.append("collapse='layer'" if collapse == "neuron" else "collapse='neuron' or collapse='layer'")
    advice.append(f"max_nodes={count} (or None) to draw it anyway")
    return (
        f"this graph has {count} nodes to draw, more than max_nodes={limit}, and would be an unreadable wall; "
        f"pass {' or '.join(advice)}, or draw a smaller part (one sample, one neuron)"
    )
