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

from .grouping import in_order
from .renderer import render

MAX_LAYOUT_NODES = 2_000  # graphviz takes seconds beyond this, and nobody reads such a picture
# A layout slower than this (graphviz-pure on a wide fan-out graph can take minutes) is given up: the page
# then shows its live numbers without a picture instead of waiting.
LAYOUT_SECONDS = 20.0
CARD_HEIGHT = 50.0        # points: name, data and grad rows
_CHAR = 6.6               # a character's width at the cards' 11px font, in points (approximate)


_cache: OrderedDict[str, tuple[str | None, str | None]] = OrderedDict()  # structure key → (svg, why none)
_cache_lock = threading.Lock()
# One layout at a time in this process: a renderer is a CPU-bound process, and a request for a picture
# being laid out waits for that one instead of starting another.
_layout_lock = threading.Lock()


def with_layout(snap: dict[str, Any], have: str | None = None) -> dict[str, Any]:
    """Add ``svg`` to a snapshot whose picture differs from ``have`` (the one a view already shows),
    as every live view's server answers; layouts are kept for the last 32 pictures. A picture is one
    structure in one fold state (the snapshot's ``layout`` key; its ``structure`` when nothing folds).

    >>> from autograd import Value
    >>> from viz.snapshot import snapshot
    >>> snap = with_layout(snapshot(Value(2.0, label="x").sin()))
    >>> snap["svg"].startswith("<svg"), "svg" in with_layout(snapshot(Value(3.0, label="x").sin()), snap["structure"])
    (True, False)
    """
    key = snap.get("layout", snap["structure"])
    if have == key:
        return snap
    laid = _cached(key)
    if laid is None:
        if not _layout_lock.acquire(timeout=LAYOUT_SECONDS + 5):
            raise LayoutBusyError("another picture is still being laid out; ask again in a few seconds")
        try:
            laid = _cached(key)  # laid out while this request waited
            if laid is None:
                laid = _laid_out(snap)
                with _cache_lock:
                    _cache[key] = laid
                    while len(_cache) > 32:  # the few graphs and fold states a learner moves between
                        _cache.popitem(last=False)
        finally:
            _layout_lock.release()
    snap["svg"], note = laid
    if note is not None:
        snap["svg_note"] = note
    return snap


class LayoutBusyError(RuntimeError):
    """The one layout slot stayed taken (by other pictures) longer than a request should wait."""


def _cached(key: str) -> tuple[str | None, str | None] | None:
    with _cache_lock:
        return _cache.get(key)


def _laid_out(snap: dict[str, Any]) -> tuple[str | None, str | None]:
    """(svg, None), or (None, why not) for a graph too big or too slow to lay out."""
    count = drawn_count(snap)
    if count > MAX_LAYOUT_NODES:
        return None, f"{count} cards: too many to draw (at most {MAX_LAYOUT_NODES}){_fold_advice(snap)}"
    try:
        return layout_svg(snap), None
    except RuntimeError:  # the renderer's time limit (its own advice is for Python callers, not this page)
        return None, (f"{count} cards: laying this graph out took longer than {LAYOUT_SECONDS:g} s, so it is "
                      f"shown without a picture{_fold_advice(snap)}")


def _fold_advice(snap: dict[str, Any]) -> str:
    """What the page's learner can do about a graph too big to draw."""
    fold = snap.get("fold")
    coarser = [level for level in (fold or {}).get("levels", []) if level != fold["level"] and
               (fold["level"] == "none" or level == "layer")]
    if coarser:  # in the words of the page's show menu
        return "; choose " + " or ".join(f"“one card per {level}”" for level in coarser) + " in the show menu"
    return "; its numbers stay live without it"


def folded_ids(snap: dict[str, Any]) -> dict[int, str]:
    """Node id → the id (``g0``, ``g1``...) of the folded card it is drawn in, for the nodes a fold hides."""
    fold = snap.get("fold")
    if fold is None or fold["level"] == "none":
        return {}
    return {i: group["id"] for group in fold["groups"] for i in group["members"]}


def drawn_count(snap: dict[str, Any]) -> int:
    """How many cards (a value's, or a folded group's) the picture of a snapshot has."""
    hidden = folded_ids(snap)
    groups = snap["fold"]["groups"] if hidden else []
    return len(groups) + len(snap["nodes"]) - len(hidden)


def layout_svg(snap: dict[str, Any]) -> str:
    """The SVG for a snapshot's structure in its fold state; number texts are empty until a view fills them in.

    >>> from autograd import Value
    >>> from viz.snapshot import snapshot
    >>> x = Value(2.0, label="x"); svg = layout_svg(snapshot(x.sin()))
    >>> 'data-name="x"' in svg and 'class="vg-op"' in svg
    True
    """
    nodes = snap["nodes"]
    if drawn_count(snap) > MAX_LAYOUT_NODES:
        raise ValueError(f"this graph has {drawn_count(snap)} nodes to draw; the explorer draws at most {MAX_LAYOUT_NODES}")
    hidden = folded_ids(snap)
    groups = snap["fold"]["groups"] if hidden else []
    placed = json.loads(render(_dot(nodes, hidden, groups), "json0", timeout=LAYOUT_SECONDS, prefer_system_dot=True))
    boxes = {o["name"]: _box(o) for o in placed.get("objects", []) if "pos" in o}  # not the rank subgraphs
    width, height = (float(t) for t in placed["bb"].split(",")[2:])
    names = [o["name"] for o in placed.get("objects", [])]
    edges = [e for e in placed.get("edges", []) if e.get("style") != "invis"]
    dense = sum(names[e["tail"]][0] == names[e["head"]][0] == "g" for e in edges) > DENSE_EDGES
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="vg-graph" viewBox="0 0 {width:.1f} {height:.1f}" '
        f'width="{width:.1f}" height="{height:.1f}" data-structure="{escape(snap["structure"])}" '
        f'data-layout="{escape(snap.get("layout", snap["structure"]))}">',
        '<defs><marker id="vg-arrow" viewBox="0 0 8 8" refX="7" refY="4" markerWidth="7" markerHeight="7" markerUnits="userSpaceOnUse" '
        'orient="auto-start-reverse"><path d="M0,0.5 L8,4 L0,7.5 z" class="vg-arrowhead"/></marker></defs>',
        '<g class="vg-edges">',
    ]
    parts += [_edge(e, names, height, dense) for e in edges]
    parts.append('</g><g class="vg-nodes">')
    for n in nodes:
        if n["id"] in hidden:
            continue
        if n["op"] is not None:
            parts.append(_op(n, boxes[f"o{n['id']}"], height))
        parts.append(_card(n, boxes[f"v{n['id']}"], height))
    parts += [folded_card(g, boxes[g["id"]], height) for g in groups]
    parts.append("</g></svg>")
    return "".join(parts)


DENSE_EDGES = 40  # more edges than this between folded cards (16 neurons to 16): drawn thin and translucent


def _dot(nodes: list[dict[str, Any]], hidden: dict[int, str], groups: list[dict[str, Any]]) -> str:
    """Fixed-size boxes (so texts can change without moving anything) wired value → op → value; a
    folded card takes one edge from each distinct source outside it."""
    lines = ["digraph explorer {", "rankdir=LR; nodesep=0.22; ranksep=0.34; pad=0.2;",
             "node [shape=box, fixedsize=true, label=\"\"]; edge [arrowhead=normal, arrowsize=0.6];"]
    drawn = {n["id"]: hidden.get(n["id"], f"v{n['id']}") for n in nodes}
    once: set[tuple[str, str]] = set()
    for n in nodes:
        head = hidden.get(n["id"]) or (f"o{n['id']}" if n["op"] is not None else None)
        for p in n["parents"]:
            tail = drawn[p]
            if tail == head or (p in hidden and (tail, head) in once):
                continue
            once.add((tail, head))
            # A folded group's parameters used outside it (an L2 penalty): faint, and left out of the ranking.
            faint = p in hidden and nodes[p]["role"] == "parameter"
            lines.append(f"{tail} -> {head}" + (" [style=dashed, constraint=false];" if faint else ";"))
        if n["id"] in hidden:
            continue
        w, h = card_size(n)
        lines.append(f"v{n['id']} [width={w / 72:.3f}, height={h / 72:.3f}];")
        if n["op"] is not None:
            lines.append(f"o{n['id']} [width={_op_width(n) / 72:.3f}, height={22 / 72:.3f}];")
            lines.append(f"o{n['id']} -> v{n['id']};")
    for g in groups:
        w, h = folded_size(g)
        lines.append(f"{g['id']} [width={w / 72:.3f}, height={h / 72:.3f}];")
    lines += _sibling_order(groups)
    if sum(t[0] == h[0] == "g" for t, h in once) > DENSE_EDGES:  # room for a layer-to-layer bundle to fan out
        lines.append("ranksep=1.3;")
    lines.append("}")
    return "\n".join(lines)


def _sibling_order(groups: list[dict[str, Any]]) -> list[str]:
    """Folded neurons of one layer stand in number order, N1 at the top (the renderer would rotate them)."""
    siblings: dict[str, list[str]] = {}
    for g in groups:  # already in number order
        if g["kind"] == "neuron":
            siblings.setdefault(g["key"].rsplit(".", 1)[0], []).append(g["id"])
    lines = [in_order(ids, "LR", framed=False) for ids in siblings.values() if len(ids) > 1]
    return (["remincross=false;"] if lines else []) + lines


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


def _edge(edge: dict[str, Any], names: list[str], height: float, dense: bool) -> str:
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
    kind = "vg-edge"
    if tail.startswith("o"):  # op → the value it makes
        attrs = f'data-from="{head[1:]}" data-to="{head[1:]}" data-result="1"'
    else:  # operand edge: a value (or folded card) → the op of the child (or a folded card); ids or g-ids
        attrs = f'data-from="{_end(tail)}" data-to="{_end(head)}"'
        if dense and tail[0] == head[0] == "g":
            kind += " vg-dense"
        if edge.get("style") == "dashed":
            kind += " vg-faint"
    return f'<path class="{kind}" {attrs} d="{d}" marker-end="url(#vg-arrow)"/>'


def _end(name: str) -> str:
    """What an edge's end is called in the page: a node's id, or a folded card's ``g`` id."""
    return name if name.startswith("g") else name[1:]


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


def folded_size(group: dict[str, Any]) -> tuple[float, float]:
    """A folded card's (width, height) in points: its name, its detail line and its number rows."""
    width = max(124.0, _CHAR * len(group["key"]) + 24, 5.6 * len(group["detail"]) + 16)
    return min(width, 260.0), 28.0 + 16.0 * len(_rows(group)) + 4


def _rows(group: dict[str, Any]) -> list[tuple[str, str]]:
    """A folded card's number rows: (caption, class of the text a view fills in)."""
    if group["kind"] == "terms":
        return [("Σ data", "vg-data")]
    rows = [("data", "vg-data"), ("grad", "vg-grad")] if len(group["outputs"]) == 1 else [("outputs", "vg-count")]
    if group["params"]:
        rows.append(("‖∇params‖", "vg-pgrad"))
    return rows


def folded_card(group: dict[str, Any], box: tuple[float, float, float, float], height: float) -> str:
    """A folded neuron, layer or set of terms: ``g.vg-node.vg-group[data-group][data-name]``, focusable."""
    x, y, w, h = box
    top, left, right = height - y - h / 2, x - w / 2, x + w / 2
    key = escape(group["key"])
    detail = group["detail"] if len(group["detail"]) <= 44 else group["detail"][:43] + "…"
    parts = [f'<g class="vg-node vg-group vg-kind-{group["kind"]}" data-group="{group["id"]}" data-name="{key}" '
             f'tabindex="0" role="button" aria-label="{key}, folded {group["kind"]}: Enter for details, double-click to open">',
             f'<rect class="vg-card" x="{left:.1f}" y="{top:.1f}" width="{w:.1f}" height="{h:.1f}" rx="6"/>',
             f'<text class="vg-name" x="{x:.1f}" y="{top + 13:.1f}" text-anchor="middle">{key}</text>',
             f'<text class="vg-detail" x="{x:.1f}" y="{top + 25:.1f}" text-anchor="middle">{escape(detail)}</text>']
    for k, (caption, cls) in enumerate(_rows(group)):
        base = top + 42 + 16 * k
        if cls == "vg-grad":  # behind the gradient, the heat colour of its |grad| (as on a value's card)
            parts.append(f'<rect class="vg-heat" x="{left + 2:.1f}" y="{base - 11:.1f}" width="{w - 4:.1f}" height="15" rx="3"/>')
        fixed = str(len(group["outputs"])) if cls == "vg-count" else ""
        parts += [f'<text class="vg-caption vg-{cls[3:]}-caption" x="{left + 6:.1f}" y="{base:.1f}">{escape(caption)}</text>',
                  f'<text class="{cls}" x="{right - 6:.1f}" y="{base:.1f}" text-anchor="end">{fixed}</text>']
    parts.append("</g>")
    return "".join(parts)
