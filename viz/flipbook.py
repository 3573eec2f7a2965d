"""``save_steps``: the reverse pass as one self-contained HTML page to step through, or a folder of PNGs.

The page holds the graph laid out once (one inline SVG) and, per step, only what changes: the caption,
the node processed and the gradients it sets, as compact JSON. A few lines of script swap texts and
classes in place, so the page grows linearly with the graph and nothing moves while stepping.
"""

from __future__ import annotations

import html
import json
import os
import re
from pathlib import Path
from typing import Any, Sequence

from autograd import Value
from autograd.files import write_atomically

from . import style
from .cards import GradOverlay
from .flipbook_page import CSS, JS, PAGE
from .graph import draw
from .grouping import Grouping
from .renderer import render
from .save import save
from .steps import Pass, Step, backward_steps
from .style import format_number

HTML_SUFFIXES = (".html", ".htm")


def save_steps(output: Value | Sequence[Step], path: str | os.PathLike, /, **draw_options: Any) -> Path:
    """Write ``output``'s reverse pass (a Value, or the Steps ``backward_steps`` made) to ``path``.

    A ``.html`` path gets one self-contained page (inline SVG, CSS and a small script; no network)
    with a slider, Previous/Next/Play buttons, the arrow keys and a tooltip on hover; the graph is laid
    out once and each step only swaps texts and colours. A path without a suffix (or an existing
    folder) gets ``step_00.png``, ``step_01.png``, ... ``draw_options`` go to ``backward_steps``.
    The file is written atomically. Returns the path written.

    >>> import tempfile, pathlib
    >>> from viz import save_steps
    >>> x = Value(2.0, label="x"); y = x.sin(); y.label = "y"
    >>> page = save_steps(y, pathlib.Path(tempfile.mkdtemp()) / "steps.html")
    >>> page.read_text(encoding="utf-8").count("<svg")
    1
    """
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a str or os.PathLike, got {type(path).__name__}: {path!r}")
    target = Path(path)
    as_folder = target.is_dir() or not target.suffix
    if not as_folder and target.suffix.lower() not in HTML_SUFFIXES:
        raise ValueError(f"save_steps writes a page ({', '.join(HTML_SUFFIXES)}) or a folder of PNGs (a path with "
                         f"no suffix), not {target.suffix!r}: {str(target)!r}")
    steps = _as_steps(output, draw_options)
    if as_folder:
        target.mkdir(parents=True, exist_ok=True)
        width = max(2, len(str(len(steps) - 1)))
        for step in steps:
            save(step.picture, target / f"step_{step.index:0{width}d}.png")
        return target
    if not target.parent.is_dir():
        raise FileNotFoundError(f"the folder {str(target.parent)!r} does not exist")
    return write_atomically(target, page(steps))


def _as_steps(output: Any, draw_options: dict[str, Any]) -> list[Step]:
    """The Steps to save: made from a Value, or checked to be one whole pass as ``backward_steps`` returned it."""
    if isinstance(output, Value):
        return backward_steps(output, **draw_options)
    steps = list(output) if isinstance(output, (list, tuple)) else []
    if not steps or not all(isinstance(s, Step) for s in steps) or steps != steps[0].run.steps:
        raise TypeError(f"save_steps needs a Value or the whole list backward_steps returns, got "
                        f"{type(output).__name__}")
    if draw_options:
        raise TypeError(f"drawing options ({', '.join(sorted(draw_options))}) only apply when given a Value")
    return steps


def page(steps: Sequence[Step]) -> str:
    """The HTML text of the step-through page: one laid-out SVG and the steps' changes as JSON."""
    run = steps[0].run
    homes, shown = _drawn_ids(run)
    svg = _layout(run, shown)
    data = {"steps": [_changes(step, homes, shown, run.precision) for step in steps]}
    # "</" would end the script element early; JSON allows the escaped "<\/" in strings.
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
    title = run.title or "Backpropagation, one step at a time"
    return PAGE.format(title=html.escape(title), last=len(steps) - 1, svg=svg, data=payload, js=JS,
                       css=CSS.format(accent=style.HIGHLIGHT, fresh=style.FRESH_FILL, unknown=style.UNKNOWN_FILL,
                                      ink=style.INK, muted=style.MUTED, data=style.DATA_COLOR))


def _drawn_ids(run: Pass) -> tuple[dict[Value, str], dict[Value, str]]:
    """Where each Value is drawn (``draw`` names cards ``v{i}`` in graph order; a Value folded into a collapsed
    module is drawn as the module's card), and which Values have their gradient shown: all drawn on their own,
    and a module's one output."""
    collapse = run.options.get("collapse")
    grouping = Grouping(run.order, [run.output], collapse, run.options.get("clusters", True)) if collapse else None
    homes, shown = {}, {}
    for i, v in enumerate(run.order):
        key = grouping.key_of(v) if grouping else None
        homes[v] = f"v{i}" if key is None else grouping.node_id(key)
        if key is None or grouping.outputs_of(key) == [v]:
            shown[v] = homes[v]
    return homes, shown


def _changes(step: Step, homes: dict[Value, str], shown: dict[Value, str], precision: int) -> dict[str, Any]:
    """One step as the page replays it: caption, node processed (and its op), and each shown gradient it sets."""
    node = homes[step.node]
    # The seed (step 0) only sets the output's own gradient: nothing has flowed through its op yet.
    op = f"o{node[1:]}" if step.index > 0 and node.startswith("v") and not step.node.is_leaf else None
    return {
        "head": step.head, "lines": list(step.phrases), "node": node, "op": op, "flow": step.index > 0,
        "set": [[shown[v], format_number(g, precision), repr(g)] for v, g in step.sent if v in shown],
    }


def _layout(run: Pass, ids: dict[Value, str]) -> str:
    """The graph drawn once, every gradient cell present (with its widest text, so no text overflows when
    the page swaps it), then marked up for the script: node ids, names, tooltips, gradient cells."""
    widest: dict[Value, float] = {}
    for step in run.steps:
        for v, g in step.sent:
            shown = format_number(g, run.precision)
            if v not in widest or len(shown) > len(format_number(widest[v], run.precision)):
                widest[v] = g
    overlay = GradOverlay(widest, frozenset(widest), None, run.titles)
    graph = draw(run.output, _overlay=overlay, **run.options)
    graph.attr(label="")
    svg = render(graph.source, "svg").decode("utf-8")
    svg = svg[svg.index("<svg"):]  # no XML prolog or DOCTYPE inside HTML
    names = {ids[v]: run.names[v] for v in ids}
    return _mark_up(svg, names)


_COMMENT = re.compile(r"<!--.*?-->\n?", re.S)
_NODE = re.compile(r'<g id="[^"]*" class="node">\n<title>([^<]*)</title>\n')
_EDGE = re.compile(r'<g id="[^"]*" class="edge">\n<title>([^<]*)</title>\n')
_TIP = re.compile(r'<a xlink:title="([^"]*)">')
_CELL = re.compile(r'<polygon fill="' + style.FRESH_FILL + r'"([^>]*?)points="([^"]*)"/>\n<text ([^>]*)>')
_ANCHOR = re.compile(r'text-anchor="\w+" x="[^"]*"')


def _mark_up(svg: str, names: dict[str, str]) -> str:
    """Give graphviz's SVG what the script needs: ``id`` and ``data-name`` per card, the tooltip as ``data-tip``,
    ``data-from``/``data-to`` per edge, and the gradient cell's background and text as ``gradbg``/``grad``."""
    svg = _COMMENT.sub("", svg).replace("<title>autograd</title>\n", "")
    chunks = _NODE.split(svg)  # [head, name, body, name, body, ...]
    out = [_mark_edges(chunks[0])]
    for name, body in zip(chunks[1::2], chunks[2::2]):
        dot_name = html.unescape(name)
        kind = "op" if dot_name.startswith("o") and dot_name[1:].isdigit() else "card"
        tip = _TIP.search(body)
        attrs = f' data-name="{html.escape(names[dot_name])}"' if dot_name in names else ""
        attrs += f' data-tip="{tip.group(1)}"' if tip else ""
        body = _TIP.sub("<a>", body, count=1)
        body = _CELL.sub(_grad_cell, body, count=1)
        out.append(f'<g id="{html.escape(dot_name)}" class="node {kind}"{attrs}>\n' + _mark_edges(body))
    return "".join(out)


def _mark_edges(text: str) -> str:
    def edge(match: re.Match) -> str:
        source, _, target = html.unescape(match.group(1)).partition("->")
        return f'<g class="edge" data-from="{html.escape(source)}" data-to="{html.escape(target)}">\n'

    return _EDGE.sub(edge, text)


def _grad_cell(match: re.Match) -> str:
    """The gradient cell, its text anchored at the cell's right edge so any number swapped in stays aligned."""
    right = max(float(point.split(",")[0]) for point in match.group(2).split())
    text = _ANCHOR.sub(f'text-anchor="end" x="{right - 2:g}"', match.group(3), count=1)
    return f'<polygon class="gradbg" fill="none"{match.group(1)}points="{match.group(2)}"/>\n<text class="grad" {text}>'
