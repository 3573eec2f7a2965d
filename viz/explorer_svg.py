"""The explorer's picture: a snapshot laid out once by the bundled renderer, written as SVG whose
elements carry node ids, so a live view swaps texts and classes instead of laying out again.

Graphviz places the boxes and routes the edges (``-Tjson0``); this module writes the SVG itself, so
every value card has the same parts a page can address: ``g.vg-node[data-id][data-name]`` holding
``text.vg-data`` and ``text.vg-grad``, ``g.vg-op[data-id]`` for the op that made a node, and
``path.vg-edge[data-from][data-to]`` for each operand edge.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from html import escape
from typing import Any

from .renderer import render

MAX_LAYOUT_NODES = 2_000  # graphviz takes seconds beyond this, and nobody reads such a picture
# A layout slower than this (graphviz-pure on a wide fan-out graph can take minutes) is given up: the page
# then shows its live numbers without a picture instead of waiting.
LAYOUT_SECONDS = 20.0
CARD_HEIGHT = 50.0        # points: name, data and grad rows
_CHAR = 6.6               # a character's width at the cards' 11px font, in points (approximate)


_cache: OrderedDict[str, tuple[str | None, str | None]] = OrderedDict()  # structure key → (svg, why none)
_cache_lock = threading.Lock()


def with_layout(snap: dict[str, Any], have: str | None = None) -> dict[str, Any]:
    """Add ``svg`` to a snapshot whose structure differs from ``have`` (the one a view already shows),
    as every live view's server answers; layouts are kept for the last 32 structures.

    >>> from autograd import Value
    >>> from viz.snapshot import snapshot
    >>> snap = with_layout(snapshot(Value(2.0, label="x").sin()))
    >>> snap["svg"].startswith("<svg"), "svg" in with_layout(snapshot(Value(3.0, label="x").sin()), snap["structure"])
    (True, False)
    """
    key = snap["structure"]
    if have == key:
        return snap
    with _cache_lock:
        laid = _cache.get(key)
    if laid is None:
        laid = _laid_out(snap)
        with _cache_lock:
            _cache[key] = laid
            while len(_cache) > 32:  # the few graphs a learner moves between
                _cache.popitem(last=False)
    snap["svg"], note = laid
    if note is not None:
        snap["svg_note"] = note
    return snap


def _laid_out(snap: dict[str, Any]) -> tuple[str | None, str | None]:
    """(svg, None), or (None, why not) for a graph too big or too slow to lay out."""
    if len(snap["nodes"]) > MAX_LAYOUT_NODES:
        return None, f"{len(snap['nodes'])} nodes: too many to draw (at most {MAX_LAYOUT_NODES})"
    try:
        return layout_svg(snap), None
    except RuntimeError as exc:  # the renderer's time limit
        return None, f"{len(snap['nodes'])} nodes: laying the graph out took too long ({exc})"


def layout_svg(snap: dict[str, Any]) -> str:
    """The SVG for a snapshot's structure; the number texts are empty until a view fills them in.

    >>> from autograd import Value
    >>> from viz.snapshot import snapshot
    >>> x = Value(2.0, label="x"); svg = layout_svg(snapshot(x.sin()))
    >>> 'data-name="x"' in svg and 'class="vg-op"' in svg
    True
    """
    nodes = snap["nodes"]
    if len(nodes) > MAX_LAYOUT_NODES:
        raise ValueError(f"this graph has {len(nodes)} nodes; the explorer draws at most {MAX_LAYOUT_NODES}")
    placed = json.loads(render(_dot(nodes), "json0", timeout=LAYOUT_SECONDS))
    boxes = {o["name"]: _box(o) for o in placed.get("objects", [])}
    width, height = (float(t) for t in placed["bb"].split(",")[2:])
    names = [o["name"] for o in placed.get("objects", [])]
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="vg-graph" viewBox="0 0 {width:.1f} {height:.1f}" '
        f'width="{width:.1f}" height="{height:.1f}" data-structure="{escape(snap["structure"])}">',
        '<defs><marker id="vg-arrow" viewBox="0 0 8 8" refX="7" refY="4" markerWidth="7" markerHeight="7" markerUnits="userSpaceOnUse" '
        'orient="auto-start-reverse"><path d="M0,0.5 L8,4 L0,7.5 z" class="vg-arrowhead"/></marker></defs>',
        '<g class="vg-edges">',
    ]
    parts += [_edge(e, names, nodes, height) for e in placed.get("edges", [])]
    parts.append('</g><g class="vg-nodes">')
    for n in nodes:
        if n["op"] is not None:
            parts.append(_op(n, boxes[f"o{n['id']}"], height))
        parts.append(_card(n, boxes[f"v{n['id']}"], height))
    parts.append("</g></svg>")
    return "".join(parts)


def _dot(nodes: list[dict[str, Any]]) -> str:
    """Fixed-size boxes (so texts can change without moving anything) wired value → op → value."""
    lines = ["digraph explorer {", "rankdir=LR; nodesep=0.22; ranksep=0.34; pad=0.2;",
             "node [shape=box, fixedsize=true, label=\"\"]; edge [arrowhead=normal, arrowsize=0.6];"]
    for n in nodes:
        w, h = card_size(n)
        lines.append(f"v{n['id']} [width={w / 72:.3f}, height={h / 72:.3f}];")
        if n["op"] is not None:
            lines.append(f"o{n['id']} [width={_op_width(n) / 72:.3f}, height={22 / 72:.3f}];")
            lines += [f"v{p} -> o{n['id']};" for p in n["parents"]]
            lines.append(f"o{n['id']} -> v{n['id']};")
    lines.append("}")
    return "\n".join(lines)


def card_size(n: dict[str, Any]) -> tuple[float, float]:
    """A value card's (width, height) in points: wide enough for its name and for 4-decimal numbers."""
    if _is_constant(n):
        return max(30.0, _CHAR * len(n["name"]) + 14), 22.0
    return max(92.0, _CHAR * len(n["name"]) + 20), CARD_HEIGHT


def _is_constant(n: dict[str, Any]) -> bool:
    return n["role"] == "constant" and not n["label"]


def _op_width(n: dict[str, Any]) -> float:
    return max(26.0, _CHAR * len(n["text"]) + 14)


def _box(obj: dict[str, Any]) -> tuple[float, float, float, float]:
    """(centre x, centre y in graphviz's upward coordinates, width, height) in points."""
    x, y = (float(t) for t in obj["pos"].split(","))
    return x, y, float(obj["width"]) * 72, float(obj["height"]) * 72


def _edge(edge: dict[str, Any], names: list[str], nodes: list[dict[str, Any]], height: float) -> str:
    tail, head = names[edge["tail"]], names[edge["head"]]
    fields = edge["pos"].split()
    end = None
    if fields[0].startswith("e,"):
        end = fields.pop(0)[2:]
    points = [tuple(float(t) for t in f.split(",")) for f in fields]
    if end is not None:
        points.append(tuple(float(t) for t in end.split(",")))
    flip = [(x, height - y) for x, y in points]
    d = f"M{flip[0][0]:.1f},{flip[0][1]:.1f}"
    curve = flip[1:-1] if end is not None else flip[1:]
    d += "".join(f" C{a[0]:.1f},{a[1]:.1f} {b[0]:.1f},{b[1]:.1f} {c[0]:.1f},{c[1]:.1f}"
                 for a, b, c in zip(curve[0::3], curve[1::3], curve[2::3]))
    if end is not None:
        d += f" L{flip[-1][0]:.1f},{flip[-1][1]:.1f}"
    if tail.startswith("v"):  # operand edge: value → op of the child
        attrs = f'data-from="{tail[1:]}" data-to="{head[1:]}"'
    else:  # op → the value it makes
        attrs = f'data-from="{head[1:]}" data-to="{head[1:]}" data-result="1"'
    return f'<path class="vg-edge" {attrs} d="{d}" marker-end="url(#vg-arrow)"/>'


def _op(n: dict[str, Any], box: tuple[float, float, float, float], height: float) -> str:
    x, y, w, h = box
    top, left = height - y - h / 2, x - w / 2
    return (f'<g class="vg-op" data-id="{n["id"]}"><rect x="{left:.1f}" y="{top:.1f}" width="{w:.1f}" '
            f'height="{h:.1f}" rx="{h / 2:.1f}"/><text x="{x:.1f}" y="{top + h / 2 + 4:.1f}" '
            f'text-anchor="middle">{escape(n["text"])}</text></g>')


def _card(n: dict[str, Any], box: tuple[float, float, float, float], height: float) -> str:
    x, y, w, h = box
    top, left, right = height - y - h / 2, x - w / 2, x + w / 2
    head = (f'<g class="vg-node vg-role-{n["role"]}" data-id="{n["id"]}" data-name="{escape(n["name"])}">'
            f'<rect class="vg-card" x="{left:.1f}" y="{top:.1f}" width="{w:.1f}" height="{h:.1f}" rx="6"/>')
    if _is_constant(n):
        return head + f'<text class="vg-name" x="{x:.1f}" y="{top + 15:.1f}" text-anchor="middle">{escape(n["name"])}</text></g>'
    return head + "".join([
        f'<rect class="vg-heat" x="{left + 2:.1f}" y="{top + 33:.1f}" width="{w - 4:.1f}" height="15" rx="3"/>',
        f'<text class="vg-name" x="{x:.1f}" y="{top + 13:.1f}" text-anchor="middle">{escape(n["name"])}</text>',
        f'<text class="vg-caption" x="{left + 6:.1f}" y="{top + 28:.1f}">data</text>',
        f'<text class="vg-data" x="{right - 6:.1f}" y="{top + 28:.1f}" text-anchor="end"></text>',
        f'<text class="vg-caption vg-grad-caption" x="{left + 6:.1f}" y="{top + 44:.1f}">grad</text>',
        f'<text class="vg-grad" x="{right - 6:.1f}" y="{top + 44:.1f}" text-anchor="end"></text>',
        "</g>",
    ])
