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
from .walk import as_outputs, as_parameter_test, as_value_set, graph_order, path_between

DEFAULT_MAX_NODES = 300
_RANKDIRS = ("LR", "TB", "RL", "BT")


def operand_labels(v: Value) -> tuple[str, list[str]] | None:
    """Where each operand's name goes and the names, for ops whose operand order matters, else None.

    The names are the op table's (``Op.operands``, the names its derivative text uses): a/b sit at
    the op (``headlabel``); an n-ary op's w1../x1.. sit at each operand's card (``taillabel``), where
    they stay legible however many operands converge on the op.

    >>> x = Value(2.0); operand_labels(x - x), operand_labels(x + x)
    (('headlabel', ['a', 'b']), None)
    """
    op = v.op
    if not op.ordered or op.arity == 1:  # one operand: nothing to tell apart
        return None
    if op.arity is not None:
        return "headlabel", list(op.operands)
    ps = v.parents
    n = len(ps) // len(op.operands)
    groups = [ps[k * n:(k + 1) * n] for k in range(len(op.operands))]
    if all(all(a is b for a, b in zip(groups[0], g)) for g in groups[1:]):  # Σ dᵢ·dᵢ: nothing to tell apart
        return None
    return "taillabel", op.operand_names(len(ps))


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
    params: Any = None,
    _overlay: GradOverlay | None = None,
) -> Graph:
    """Draw the graph behind ``output`` (a Value or a list of them) as a ``graphviz.Digraph``.

    Each Value is a card with its name (``viz.naming.short_names``, the names ``explain`` and ``tree``
    use), data and grad (rounded to ``precision`` decimals), coloured by role: inputs blue,
    parameters violet, constants small and grey, the output amber. Each op is a small node with its
    symbol. ``highlight`` marks Values, ``path=(a, b)`` marks every Value on a path from a to b,
    ``heatmap`` colours gradients by magnitude (with a legend). Hovering an op shows its derivative
    rule and the local derivatives' values there (``tooltips=False`` drops them). Values made inside
    an ``nn`` module are framed by neuron and layer; ``collapse="neuron"`` or ``"layer"`` draws each
    as one node, and the per-sample terms of a wide sum (a loss over a batch) as one node too.
    ``params`` says which leaves are parameters, as torchviz's does: a dict name → Value, a module
    (anything with ``parameters()``), or a list of Values; by default a leaf ``nn`` made for a module
    is one. Graphs with more than ``max_nodes`` nodes are refused (``None`` lifts the limit).
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
    is_param = as_parameter_test(params)
    order = graph_order(outputs)
    grouping = Grouping(order, outputs, collapse, clusters, is_param)
    if max_nodes is not None and grouping.drawn_count > max_nodes:
        raise ValueError(_too_big_message(grouping.drawn_count, max_nodes, collapse, grouping.has_groups))
    marked = _marked(order, highlight, path)
    heat = style.HeatScale([v.grad for v in order]) if heatmap and show_grad and _overlay is None else None
    card = Cards(set(outputs), short_names(order), show_data, show_grad, precision, heat, tooltips, clusters,
                 _overlay, is_param)
    graph = _empty_graph(rankdir, title)
    writer = _Writer(order, grouping, card, marked, rankdir, clusters, _overlay.active if _overlay else None)
    if writer.dense:  # layers joined neuron to neuron: room between the columns for the lines to fan out
        graph.graph_attr["ranksep"] = "1.4"
    if grouping.has_groups:
        # The last crossing-reduction pass rotates a frame's chained column (N13 … N16, N1 … N12;
        # w3, w1, w2): the order in_order asks for is the order a learner reads.
        graph.graph_attr["remincross"] = "false"
    body = writer.write()
    if heat is not None:
        body.append(f"legend [label={heat.legend(precision)}]")
        # Invisible edges place the legend one step past the outputs, at the end of the reading direction.
        writer.edges.extend(f"{writer.node_id(out)} -> legend [style=invis]" for out in outputs)
    body.extend(writer.edges)
    graph.body.extend(f"\t{line}\n" for line in body)
    return graph


def _marked(order: list[Value], highlight: Any, path: Any) -> set[Value]:
    """The Values ``highlight`` names and those on ``path``, checked."""
    marked = as_value_set(highlight, "highlight")
    if path is not None:
        if not isinstance(path, tuple) or len(path) != 2:
            raise TypeError(f"path must be a pair (start, end) of Values, got {path!r}")
        marked |= path_between(order, *path)
    return marked


def _empty_graph(rankdir: str, title: str | None) -> Graph:
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
    return graph


class _Writer:
    """The node lines (by frame) and edge lines of one drawing, written node by node."""

    def __init__(self, order: list[Value], grouping: Grouping, card: Cards, marked: set[Value], rankdir: str,
                 clusters: bool, flowing: Value | None) -> None:
        self.order, self.grouping, self.card, self.marked = order, grouping, card, marked
        self.rankdir, self.clusters, self.flowing = rankdir, clusters, flowing
        self.index = {v: i for i, v in enumerate(order)}
        self.edges: list[str] = []
        self._seen_edges: set[tuple[str, str]] = set()  # edges out of a folded node, each drawn once
        self._ordered: set[tuple[Value, ...]] = set()
        self.dense = _dense_pairs(order, grouping)

    def node_id(self, v: Value) -> str:
        key = self.grouping.key_of(v)
        return self.grouping.node_id(key) if key is not None else f"v{self.index[v]}"

    def write(self) -> list[str]:
        """Every node and frame line (edges collect in ``self.edges``)."""
        grouping = self.grouping
        for i, v in enumerate(self.order):
            key = grouping.key_of(v)
            if key is not None:
                self._folded_edges(v, grouping.node_id(key))
            else:
                self._value(v, i)
        for key in grouping.keys:
            hot = any(m in self.marked for m in grouping.members[key])
            grouping.lines_for_key(key).append(f"{grouping.node_id(key)} [label={self.card.module(grouping, key, hot)}]")
        grouping.sibling_order(self.rankdir)
        return grouping.emit()

    def _edge_once(self, source: str, target: str, attrs: str = "") -> bool:
        """Add ``source -> target`` unless that pair was drawn already; whether it was added."""
        if (source, target) in self._seen_edges:
            return False
        self._seen_edges.add((source, target))
        dense = (source, target) in self.dense
        extra = ", ".join(a for a in (attrs, _DENSE_ATTRS if dense else "") if a)
        self.edges.append(f"{source} -> {target}" + (f" [{extra}]" if extra else ""))
        return True

    def _folded_edges(self, v: Value, target: str) -> None:
        """A folded Value: one edge per distinct outside source into its node."""
        for p in v.parents:
            source = self.node_id(p)
            if source != target:
                self._edge_once(source, target, _HOT_ATTRS if v in self.marked and p in self.marked else "")

    def _value(self, v: Value, i: int) -> None:
        """A Value drawn on its own: its card, its op pill, the edges into the op."""
        lines = self.grouping.lines_for(v)
        hot = v in self.marked
        lines.append(f"v{i} [label={self.card.value(v, hot)}{self.card.value_tooltip(v)}]")
        if v.is_leaf:
            return
        lines.append(f"o{i} [{self.card.op(v, hot)}]")
        ws = _weights(v)
        if ws and ws not in self._ordered:  # a neuron's weights stand in order, w1 first (once per neuron)
            self._ordered.add(ws)
            lines.append(in_order([f"v{self.index[w]}" for w in ws], self.rankdir, self.clusters))
        side, operands = operand_labels(v) or ("", ())
        for j, p in enumerate(v.parents):
            source = self.node_id(p)
            attrs = self._operand_attrs(v, p, side, operands[j] if operands else "", hot)
            if self.grouping.key_of(p) is not None:  # from a folded node: one edge, however many of its Values are used
                if self.card.is_param(p) and not self._lit(v, p, hot):
                    attrs = _PARAMETER_EDGE_ATTRS
                self._edge_once(source, f"o{i}", attrs)
            else:
                self.edges.append(f"{source} -> o{i}" + (f" [{attrs}]" if attrs else ""))
        self.edges.append(f"o{i} -> v{i}{_HOT_EDGE if hot else ''}")

    def _lit(self, v: Value, p: Value, hot: bool) -> bool:
        """Whether the edge p → v is drawn highlighted: on the marked path, or where the gradient flows now."""
        return (hot and p in self.marked) or v is self.flowing

    def _operand_attrs(self, v: Value, p: Value, side: str, operand: str, hot: bool) -> str:
        attrs = []
        enters = self.grouping.enters_frame(p, v)
        # A name at the operand's card is noise when the card's title already says it ("w1"), and
        # would sit on the frame's own title when the edge comes from outside the frame.
        if operand and (side == "headlabel" or not (enters or self.card.title(p) == operand)):
            attrs.append(f'{side}="{operand}"{_OPERAND_FONT}')
        if self._lit(v, p, hot):
            attrs.append(_HOT_ATTRS)
        if enters:
            # One empty rank before a frame keeps it clear of the previous frame's column, so
            # layers sit side by side instead of stacking in a staircase.
            attrs.append("minlen=2")
        return ", ".join(attrs)


def _dense_pairs(order: list[Value], grouping: Grouping) -> set[tuple[str, str]]:
    """Pairs of folded nodes in two groups joined by many edges (16 neurons to 16): drawn thin and
    translucent, so a layer-to-layer bundle reads as lines rather than one solid bar."""
    if not grouping.keys:
        return set()
    pairs: dict[tuple[str, str], set[tuple[str, str]]] = {}
    for v in order:
        kv = grouping.key_of(v)
        if kv is None:
            continue
        for p in v.parents:
            kp = grouping.key_of(p)
            if kp is not None and kp != kv:
                outer = (kp.rsplit(".", 1)[0], kv.rsplit(".", 1)[0])
                pairs.setdefault(outer, set()).add((grouping.node_id(kp), grouping.node_id(kv)))
    return {edge for edges in pairs.values() if len(edges) > _DENSE_AT for edge in edges}


_DENSE_AT = 24  # more edges than this between two layers' neurons: thin, translucent lines
_DENSE_ATTRS = f'color="{style.EDGE}90", penwidth=0.5, arrowsize=0.35'
# A folded group's parameters used outside it (an L2 penalty over every weight): faint, and left out of
# the ranking, so the bundle neither dominates the picture nor stretches the layout.
_PARAMETER_EDGE_ATTRS = f'color="{style.EDGE}60", penwidth=0.5, arrowsize=0.35, style=dashed, constraint=false'


def _weights(v: Value) -> tuple[Value, ...] | None:
    """The weights of a neuron's weighted sum ``v`` (an n-ary linear op whose first operand group is
    ``w``): distinct parameters of its own group, else None."""
    op = v.op
    if not v.group or op.arity is not None or not op.linear or op.operands[0] != "w":
        return None
    ws = v.parents[: len(v.parents) // len(op.operands)]
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
