"""Clusters and collapsing: which frame each drawn node sits in, and which Values fold into one node.

``nn`` tags every Value it creates with a dotted ``group`` such as ``"L1.N3"`` (neuron 3 of layer 1).
Each prefix of the tag is a frame (``L1`` around ``L1.N3``). Collapsing by ``"neuron"`` folds the
Values of each two-part tag into one node; by ``"layer"``, the Values of each first part.
"""

from __future__ import annotations

from autograd import Value

from .style import CLUSTER_STYLES, FONT, MUTED, escape
from .walk import is_parameter

_LEVELS = {"neuron": 2, "layer": 1}


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
    """

    def __init__(self, order: list[Value], outputs: list[Value], collapse: str | None, clusters: bool) -> None:
        self.collapse = collapse
        self.clusters = clusters
        self._level = _LEVELS.get(collapse or "", 0)
        self._key_cache: dict[str | None, str | None] = {None: None, "": None}
        self._path_cache: dict[str | None, tuple[str, ...]] = {None: (), "": ()}
        self._lines: dict[tuple[str, ...], list[str]] = {(): []}
        self.has_groups = False
        self.members: dict[str, list[Value]] = {}
        self._ids: dict[str, str] = {}
        for v in order:
            if v.group:
                self.has_groups = True
            key = self.key_of(v)
            if key is not None:
                self.members.setdefault(key, []).append(v)
        # Only modules fold: a tag without parameters (a loss's "loss") stays drawn node by node.
        for key in [k for k, vs in self.members.items() if not any(map(is_parameter, vs))]:
            del self.members[key]
            self._key_cache.update({v.group: None for v in order if self.key_of(v) == key})
        free = sum(1 if v.is_leaf else 2 for v in order if self.key_of(v) is None)  # a card, and its op node
        self.keys = list(self.members)
        for n, key in enumerate(self.keys):
            self._ids[key] = f"g{n}"
        self.drawn_count = free + len(self.keys)
        self._outputs = outputs
        self._order = order
        self._used_outside: set[Value] | None = None

    def key_of(self, v: Value) -> str | None:
        """The folded node ``v`` belongs to, or None if it is drawn on its own."""
        group = v.group
        try:
            return self._key_cache[group]
        except KeyError:
            parts = group.split(".")
            key = ".".join(parts[: self._level]) if self._level and len(parts) >= self._level else None
            self._key_cache[group] = key
            return key

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
        """Where the DOT line of a folded node goes: inside the frames of its enclosing tags."""
        return self._lines_at(self._path(key)[:-1])

    def sibling_order(self, rankdir: str) -> None:
        """Keep the folded neurons of each layer in their own order (N1 first, at the top or left).

        Folded layers follow one another and need nothing.
        """
        if self._level < 2:
            return
        siblings: dict[str, list[str]] = {}
        for key in self.keys:
            siblings.setdefault(key.rsplit(".", 1)[0], []).append(key)
        for keys in siblings.values():
            if len(keys) > 1:
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
