"""``save_steps``: the reverse pass as one self-contained HTML page to step through, or a folder of PNGs."""

from __future__ import annotations

import html
import os
import re
from pathlib import Path
from typing import Any, Sequence

from autograd import Value

from . import style
from .renderer import Graph, render
from .save import save
from .steps import backward_steps

HTML_SUFFIXES = (".html", ".htm")
_ANCHOR_TIP = re.compile(r'(<a xlink:title="([^"]*)">)')
_ID = re.compile(r'\bid="([^"]*)"')


def save_steps(output: Value | Sequence[Graph], path: str | os.PathLike, /, **draw_options: Any) -> Path:
    """Write ``output``'s reverse pass (a Value, or the pictures ``backward_steps`` made) to ``path``.

    A ``.html`` path gets one self-contained page (inline SVG, CSS and a few lines of script; no network)
    with a slider, Previous/Next/Play buttons and the arrow keys; a path without a suffix (or an existing
    folder) gets ``step_00.png``, ``step_01.png``, ... ``draw_options`` go to ``backward_steps``.
    Returns the path written.

    >>> import tempfile, pathlib
    >>> from viz import save_steps
    >>> x = Value(2.0, label="x"); y = x.sin(); y.label = "y"
    >>> page = save_steps(y, pathlib.Path(tempfile.mkdtemp()) / "steps.html")
    >>> page.read_text(encoding="utf-8").count("<svg")
    2
    """
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a str or os.PathLike, got {type(path).__name__}: {path!r}")
    target = Path(path)
    as_folder = target.is_dir() or not target.suffix
    if not as_folder and target.suffix.lower() not in HTML_SUFFIXES:
        raise ValueError(f"save_steps writes a page ({', '.join(HTML_SUFFIXES)}) or a folder of PNGs (a path with "
                         f"no suffix), not {target.suffix!r}: {str(target)!r}")
    if isinstance(output, Value):
        pictures = backward_steps(output, **draw_options)
    else:
        pictures = list(output) if isinstance(output, (list, tuple)) else []
        if not pictures or not all(isinstance(p, Graph) and hasattr(p, "caption_lines") for p in pictures):
            raise TypeError(f"save_steps needs a Value or the list backward_steps returns, got {type(output).__name__}")
        if draw_options:
            raise TypeError(f"drawing options ({', '.join(sorted(draw_options))}) only apply when given a Value")
    if as_folder:
        target.mkdir(parents=True, exist_ok=True)
        width = max(2, len(str(len(pictures) - 1)))
        for k, picture in enumerate(pictures):
            save(picture, target / f"step_{k:0{width}d}.png")
        return target
    if not target.parent.is_dir():
        raise FileNotFoundError(f"the folder {str(target.parent)!r} does not exist")
    target.write_text(_page(pictures), encoding="utf-8")
    return target


def _page(pictures: Sequence[Graph]) -> str:
    """The HTML text of the step-through page for ``backward_steps`` pictures."""
    title = pictures[0].step_title or "Backpropagation, one step at a time"
    last = len(pictures) - 1
    sections = "\n".join(_section(k, picture) for k, picture in enumerate(pictures))
    return _PAGE.format(title=html.escape(title), last=last, sections=sections, js=_JS,
                        accent=style.HIGHLIGHT, fresh=style.FRESH_FILL, ink=style.INK, muted=style.MUTED,
                        data=style.DATA_COLOR)


def _section(k: int, picture: Graph) -> str:
    head, *phrases = picture.caption_lines
    items = "".join(f"<li>{html.escape(p)}</li>" for p in phrases)
    hidden = " hidden" if k else ""
    return (f'<section class="step" id="step-{k}"{hidden}>\n<div class="caption"><p><b>step {k}</b> '
            f'{html.escape(head)}</p><ul>{items}</ul></div>\n<div class="picture">{_inline_svg(k, picture)}</div>\n'
            f'</section>')


def _inline_svg(k: int, picture: Graph) -> str:
    """The picture as an ``<svg>`` element: caption label dropped (the page shows it), ids made unique per step,
    and each link tooltip repeated as a ``<title>``, which every browser shows on hover inside HTML."""
    bare = picture.copy()
    bare.attr(label="")
    svg = render(bare.source, "svg").decode("utf-8")
    svg = svg[svg.index("<svg"):]  # no XML prolog or DOCTYPE inside HTML
    svg = _ID.sub(lambda m: f'id="s{k}-{m.group(1)}"', svg)
    return _ANCHOR_TIP.sub(lambda m: f"{m.group(1)}<title>{m.group(2)}</title>", svg)


_CSS = """
:root {{ --accent: {accent}; --fresh: {fresh}; --ink: {ink}; --muted: {muted}; --data: {data}; }}
* {{ box-sizing: border-box; }}
body {{ margin: 0; background: #f5f7fa; color: var(--ink);
  font: 15px/1.45 Helvetica, Arial, sans-serif; }}
main {{ max-width: 1200px; margin: 0 auto; padding: 20px 24px 32px; }}
h1 {{ font-size: 20px; font-weight: 600; margin: 0 0 2px; }}
.hint {{ color: var(--muted); font-size: 13px; margin: 0 0 14px; }}
kbd {{ border: 1px solid #d3dae3; border-bottom-width: 2px; border-radius: 4px; padding: 0 5px;
  background: #fff; font: 12px Helvetica, Arial, sans-serif; }}
.controls {{ display: flex; align-items: center; gap: 10px; background: #fff; border: 1px solid #d3dae3;
  border-radius: 10px; padding: 10px 14px; margin-bottom: 14px; }}
button {{ font: inherit; font-size: 14px; color: var(--ink); background: #fff; border: 1px solid #c3c8cf;
  border-radius: 7px; padding: 5px 14px; cursor: pointer; min-width: 84px; }}
button:hover {{ border-color: var(--accent); color: var(--accent); }}
button:disabled {{ color: #c3c8cf; border-color: #e4e7eb; cursor: default; }}
button.play {{ background: var(--accent); border-color: var(--accent); color: #fff; }}
button.play:hover {{ filter: brightness(1.1); color: #fff; }}
button:focus-visible, input:focus-visible {{ outline: 2px solid var(--accent); outline-offset: 2px; }}
input[type=range] {{ flex: 1; accent-color: var(--accent); }}
.counter {{ min-width: 92px; text-align: right; color: var(--muted); font-variant-numeric: tabular-nums; }}
.counter b {{ color: var(--accent); }}
.step {{ background: #fff; border: 1px solid #d3dae3; border-radius: 10px; overflow: hidden; }}
.caption {{ padding: 12px 16px; border-bottom: 1px solid #e4e7eb; background: #fafbfc; min-height: 4.6em; }}
.caption p {{ margin: 0; }}
.caption p b {{ color: var(--accent); margin-right: 6px; }}
.caption ul {{ margin: 4px 0 0; padding-left: 22px; color: var(--data); font-size: 14px; }}
.picture {{ padding: 10px; text-align: center; overflow-x: auto; }}
.picture svg {{ max-width: 100%; height: auto; }}
"""

_JS = """
const steps = document.querySelectorAll(".step"), slider = document.getElementById("slider");
const prev = document.getElementById("prev"), next = document.getElementById("next");
const play = document.getElementById("play"), counter = document.getElementById("counter");
let current = 0, timer = null;
function show(k) {
  current = Math.max(0, Math.min(steps.length - 1, k));
  steps.forEach((s, i) => { s.hidden = i !== current; });
  slider.value = current;
  counter.innerHTML = "step <b>" + current + "</b> of " + (steps.length - 1);
  prev.disabled = current === 0;
  next.disabled = current === steps.length - 1;
  history.replaceState(null, "", "#step-" + current);  // a link or reload keeps the step
  if (timer && current === steps.length - 1) toggle();
}
function toggle() {
  if (timer) { clearInterval(timer); timer = null; }
  else {
    if (current === steps.length - 1) show(0);  // playing from the end starts over
    timer = setInterval(() => show(current + 1), 1000);
  }
  play.textContent = timer ? "Pause" : "Play";
}
prev.onclick = () => show(current - 1);
next.onclick = () => show(current + 1);
play.onclick = toggle;
slider.oninput = () => show(Number(slider.value));
document.addEventListener("keydown", (e) => {
  if (e.key === "ArrowLeft") { show(current - 1); e.preventDefault(); }
  else if (e.key === "ArrowRight") { show(current + 1); e.preventDefault(); }
  else if (e.key === " " && e.target.tagName !== "BUTTON") { toggle(); e.preventDefault(); }
});
show(Number(location.hash.replace("#step-", "")) || 0);
"""

_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>""" + _CSS + """</style>
</head>
<body>
<main>
<h1>{title}</h1>
<p class="hint">Gradients flow from the output back to the inputs. Step with <kbd>&larr;</kbd> <kbd>&rarr;</kbd>,
play with <kbd>space</kbd>, hover a node for its op and local derivative.</p>
<div class="controls">
<button id="prev" type="button">&larr; Previous</button>
<button id="play" class="play" type="button">Play</button>
<button id="next" type="button">Next &rarr;</button>
<input id="slider" type="range" min="0" max="{last}" value="0" aria-label="step">
<span id="counter" class="counter">step <b>0</b> of {last}</span>
</div>
{sections}
</main>
<script>{js}</script>
</body>
</html>
"""
