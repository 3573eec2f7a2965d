"""Clusters and collapsing: which frame each drawn node sits in, and which Values fold into one node.

``nn`` tags every Value it creates with a dotted ``group`` such as ``"L1.N3"`` (neuron 3 of layer 1).
Each prefix of the tag is a frame (``L1`` around ``L1.N3``). Collapsing by ``"neuron"`` folds the
Values of each two-part tag into one node; by ``"layer"``, the Values of each first part. A group named
in ``expanded`` opens: its Values fold one level deeper (an open layer shows its neurons folded), or
are drawn one by one (an open neuron).
"""

from __future__ import annotations

import re
from typing import Callable, Iterable

from autograd import Value

from .style import CLUSTER_STYLES, FONT, MUTED, escape
from .walk import is_parameter

_LEVELS = {"neuron": 2, "layer": 1}
FOLD_TERMS_AT = 8  # in a folded view, a sum of at least this many per-sample terms draws them as one node


def natural_key(key: str) -> list:
    """Sort key that puts ``L1.N2`` before ``L1.N10`` (numbers compared as numbers).

    >>> sorted(["L1.N10", "L1.N2", "L1.N1"], key=natural_key)
    ['L1.N1', 'L1.N2', 'L1.N10']
    """
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", key)]


def in_order(ids: list[str], rankdir: str, framed: bool) -> str:
    """DOT that stands the nodes ``ids`` on one rank in this order, the first at the top (or left).

    Renderers may stack the nodes of a rank in any order (graphviz-pure flips them), and an invisible
    chain fixes it; inside a frame, dot and graphviz-pure both lay a left-to-right chain out bottom to
    top, so there the chain runs backwards.

    >>> in_order(["a", "b"], "LR", framed=True)
    '{ rank=same; b -> a [style=invis] }'
    """
    chain = reversed(ids) if framed and rankdir in ("LR", "RL") else ids
    return f"{{ rank=same; {' -> '.join(chain)} [style=invis] }}"


class Grouping:
    """The frames and folded nodes of one drawing.

    >>> a = Value(1.0, label="L1.N1.w1"); a.group = "L1.N1"
    >>> b = a * 2; b.group = "L1.N1"
    >>> Grouping([a, Value(2.0), b], [b], "neuron", True).drawn_count  # the neuron, and the constant 2
    2
    >>> Grouping([a, Value(2.0), b], [b], "neuron", True, expanded={"L1.N1"}).drawn_count  # a, 2, b and b's op
    4
    """

    def __init__(self, order: list[Value], outputs: list[Value], collapse: str | None, clusters: bool,
                 is_param: Callable[[Value], bool] = is_parameter, expanded: Iterable[str] = ()) -> None:
        self.collapse = collapse
        self.expanded = frozenset(expanded)
        self.is_param = is_param
        self.clusters = clusters
        self._level = _LEVELS.get(collapse or "", 0)
        self._key_cache: dict[str | None, str | None] = {None: None, "": None}
        self._path_cache: dict[str | None, tuple[str, ...]] = {None: (), "": ()}
        self._lines: dict[tuple[str, ...], list[str]] = {(): []}
        self._folded: dict[Value, str] = {}  # per-Value keys: the per-sample terms of a wide sum
        self.terms: dict[str, Value] = {}  # a folded terms node -> the sum its terms feed
        self.has_groups = any(v.group for v in order)
        self.members: dict[str, list[Value]] = {}
        for v in order:
            key = self.key_of(v)
            if key is not None:
                self.members.setdefault(key, []).append(v)
        # Only modules fold: a tag without parameters (a loss's "loss") stays drawn node by node.
        for key in [k for k, vs in self.members.items() if not any(map(is_param, vs))]:
            del self.members[key]
            self._key_cache.update({v.group: None for v in order if self.key_of(v) == key})
        if self._level:
            self._fold_terms(order)
        free = sum(1 if v.is_leaf else 2 for v in order if self.key_of(v) is None)  # a card, and its op node
        # Neurons in number order (N1 … N16), whatever order the graph met them in; folded terms last.
        self.keys = sorted(self.members, key=lambda k: (k in self.terms, natural_key(k)))
        self._ids = {key: f"g{n}" for n, key in enumerate(self.keys)}
        self.drawn_count = free + len(self.keys)
        self._outputs = outputs
        self._order = order
        self._used_outside: set[Value] | None = None

    def _fold_terms(self, order: list[Value]) -> None:
        """Fold the terms of each wide sum (a loss's per-sample margins) into one node per sum.

        A term is a free parent of the sum, together with the free nodes only it uses (each sample's
        own ``1 − y·ŷ``); nodes several terms share (a constant 1) stay drawn on their own.
        """
        children: dict[Value, list[Value]] = {}
        for v in order:
            for p in v.parents:
                children.setdefault(p, []).append(v)
        wide = 0  # wide sums met so far: an expanded one keeps the names of the others
        for v in order:
            if v.op is None or v.op.arity is not None or self.key_of(v) is not None:
                continue
            roots = [p for p in dict.fromkeys(v.parents) if not p.is_leaf and self.key_of(p) is None]
            if len(roots) < FOLD_TERMS_AT:
                continue
            wide += 1
            key = f"{len(roots)} terms" + (f" ({wide})" if wide > 1 else "")
            if key in self.expanded:
                continue
            members, stack = set(roots), list(roots)
            while stack:
                for p in stack.pop().parents:
                    if p not in members and self.key_of(p) is None and all(c in members for c in children[p]):
                        members.add(p)
                        stack.append(p)
            self.terms[key] = v
            self.members[key] = [u for u in order if u in members]
            self._folded.update(dict.fromkeys(members, key))

    def key_of(self, v: Value) -> str | None:
        """The folded node ``v`` belongs to, or None if it is drawn on its own."""
        if self._folded:
            key = self._folded.get(v)
            if key is not None:
                return key
        group = v.group
        try:
            return self._key_cache[group]
        except KeyError:
            self._key_cache[group] = key = self._fold_of(group)
            return key

    def _fold_of(self, group: str) -> str | None:
        """The outermost prefix of ``group``, at the folding level or deeper, that is not expanded."""
        parts = group.split(".")
        if self._level:
            for depth in range(self._level, len(parts) + 1):
                key = ".".join(parts[:depth])
                if key not in self.expanded:
                    return key
        return None

    def node_id(self, key: str) -> str:
        """The DOT id of a folded node."""
        return self._ids[key]

    def outputs_of(self, key: str) -> list[Value]:
        """Members of a folded node that something outside it uses (or that are outputs)."""
        if self._used_outside is None:
            used = self._used_outside = {v for v in self._outputs if self.key_of(v) is not None}
            for v in self._order:
                kv = self.key_of(v)
                used.update(p for p in v.parents if self.key_of(p) not in (None, kv))
        return [m for m in self.members[key] if m in self._used_outside]

    def results_of(self, key: str) -> list[Value]:
        """What a folded group computes for the rest of the graph: its outputs that are not parameters (a
        penalty over every weight uses the parameters too, but they are not what the group computes)."""
        return [o for o in self.outputs_of(key) if not self.is_param(o)]

    def detail_of(self, key: str) -> str:
        """A folded neuron's or layer's one-line summary: ``"3 params · tanh"``."""
        acts = dict.fromkeys("linear" if o.op is None or o.op.linear else o.op.name for o in self.results_of(key))
        params = sum(map(self.is_param, self.members[key]))
        return f"{params} params · {', '.join(acts)}"

    def _path(self, group: str | None) -> tuple[str, ...]:
        """The frames around a node tagged ``group``: each dotted prefix, outermost first."""
        if not self.clusters:
            return ()
        try:
            return self._path_cache[group]
        except KeyError:
            parts = group.split(".")
            path = tuple(".".join(parts[: k + 1]) for k in range(len(parts)))
            self._path_cache[group] = path
            return path

    def enters_frame(self, parent: Value, child: Value) -> bool:
        """True when the edge parent → child crosses into a different outermost frame than the parent's."""
        if not self.clusters:
            return False
        inner = self._path(child.group)
        return bool(inner) and inner[0] != (self._path(parent.group) or ("",))[0]

    def _lines_at(self, path: tuple[str, ...]) -> list[str]:
        lines = self._lines.get(path)
        if lines is None:
            for k in range(1, len(path)):  # register the enclosing frames, so emit() can find them
                self._lines.setdefault(path[:k], [])
            lines = self._lines[path] = []
        return lines

    def lines_for(self, v: Value) -> list[str]:
        """Where the DOT lines of ``v``'s own card and op node go."""
        return self._lines_at(self._path(v.group))

    def lines_for_key(self, key: str) -> list[str]:
        """Where the DOT line of a folded node goes: inside the frames of its enclosing tags (folded
        terms: in the frame of the sum they feed)."""
        if key in self.terms:
            return self._lines_at(self._path(self.terms[key].group))
        return self._lines_at(self._path(key)[:-1])

    def sibling_order(self, rankdir: str) -> None:
        """Keep the folded neurons of each layer in their own order (N1 first, at the top or left).

        Folded layers follow one another and need nothing.
        """
        if self._level < 2:
            return
        siblings: dict[str, list[str]] = {}
        for key in self.keys:
            if key not in self.terms:
                siblings.setdefault(key.rsplit(".", 1)[0], []).append(key)
        for keys in siblings.values():
            if len(keys) > 1:  # N1, N2, ..., N10 in number order, whatever order the graph met them in
                keys = sorted(keys, key=natural_key)
                self.lines_for_key(keys[0]).append(in_order([self._ids[k] for k in keys], rankdir, self.clusters))

    def emit(self) -> list[str]:
        """Every node line, each frame as a nested ``subgraph cluster_...``, in first-seen order."""
        children: dict[tuple[str, ...], list[tuple[str, ...]]] = {}
        for path in self._lines:
            if path:
                children.setdefault(path[:-1], []).append(path)
        out: list[str] = []
        counter = 0
        stack: list[tuple[str, ...] | None] = [()]
        while stack:  # depth-first without recursion; None closes the frame opened before it
            path = stack.pop()
            if path is None:
                out.append("}")
                continue
            if path:
                frame_style = CLUSTER_STYLES[min(len(path), len(CLUSTER_STYLES)) - 1]
                out.append(
                    f"subgraph cluster_{counter} {{ label=<{escape(path[-1])}> labeljust=l fontname=\"{FONT}\" "
                    f'fontsize=10 fontcolor="{MUTED}" {frame_style}'
                )
                counter += 1
            out.extend(self._lines[path])
            if path:
                stack.append(None)
            stack.extend(reversed(children.get(path, [])))
        return out
