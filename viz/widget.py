"""``Explorer``: the explorer inside a Jupyter notebook, an ``anywidget`` that mounts the standalone page's
own view module (``viz/static/explorer.js``); the kernel's Python engine does every recomputation.

Needs the ``jupyter`` extra (``pip install "valuegrad[jupyter]"``: anywidget and ipywidgets).
"""

from __future__ import annotations

import math
from importlib import resources
from typing import Any

try:
    import anywidget
    import traitlets
except ImportError as exc:  # pragma: no cover - exercised only where the extra is missing
    raise ImportError('viz.Explorer needs anywidget: pip install "valuegrad[jupyter]"') from exc

from autograd import Value

from .explorer import Answers
from .server import HTTPError

# The notebook's side of the view module: requests go to the kernel as widget messages, answers come back
# the same way; snapshots pushed by ``set()`` from Python are shown as they arrive.
_ADAPTER = r"""
function render({ model, el }) {
  const waiting = new Map();
  const me = Math.random().toString(36).slice(2);  // several views of one widget: answers go to the asker
  let sent = 0;
  const request = (params) => new Promise((resolve, reject) => {
    const id = me + ":" + (++sent);
    waiting.set(id, { resolve, reject });
    model.send({ type: "request", id, params });
  });
  const root = document.createElement("div");
  el.append(root);
  const first = { ...model.get("snapshot"), svg: model.get("svg") };
  const view = mount(root, { snapshot: first, request });
  const received = (msg) => {
    if (!msg || (msg.type !== "answer" && msg.type !== "show")) return;
    const asked = waiting.get(msg.id);
    if (asked) {
      waiting.delete(msg.id);
      if (msg.error !== undefined) asked.reject(new Error(msg.error)); else asked.resolve(msg.snapshot);
    } else if (msg.snapshot) {
      view.update(msg.snapshot);  // set() from Python, or another view of this widget moved
    }
  };
  model.on("msg:custom", received);
  // JupyterLab's own shortcuts (arrows move between cells) must not take the keys typed into the widget.
  el.addEventListener("keydown", (e) => e.stopPropagation());
  return () => model.off("msg:custom", received);
}
export default { render };
"""


def _static(name: str) -> str:
    return resources.files("viz").joinpath("static", name).read_text(encoding="utf-8")


class Explorer(anywidget.AnyWidget):
    """The explorer as a notebook widget: ``Explorer("cos(sin(x**2) + 3*x**2)", x=2)`` or
    ``Explorer(loss)`` for a graph built in Python (its labelled leaves are the inputs).

    Dragging an input in the page asks the kernel for a new snapshot; ``set(x=3)`` recomputes from
    Python and the page follows. ``snapshot`` is the snapshot shown now (without its SVG, which is
    ``svg``).

    >>> w = Explorer("x**2", x=3)
    >>> w.set(x=4).snapshot["nodes"][0]["grad"]
    8.0
    """

    _esm = _static("explorer.js") + _ADAPTER
    _css = _static("explorer.css")
    snapshot = traitlets.Dict().tag(sync=True)
    svg = traitlets.Unicode(None, allow_none=True).tag(sync=True)  # the layout, sent again only when it changes

    def __init__(self, what: Value | str, /, **inputs: float) -> None:
        answers = Answers(what, {name: _number(name, value) for name, value in inputs.items()})
        super().__init__()
        self._answers = answers
        self._query: dict[str, str] = {}
        self._show(answers.answer({}))
        self.on_msg(self._received)

    def set(self, **inputs: float) -> Explorer:
        """Give inputs new values and recompute; every view of the widget shows the new snapshot."""
        names = [item["name"] for item in self.snapshot["inputs"]]
        unknown = sorted(set(inputs) - set(names))
        if unknown:
            raise ValueError(f"no input named {', '.join(map(repr, unknown))}; the inputs are {', '.join(names)}")
        query = {**self._query, **{name: repr(_number(name, value)) for name, value in inputs.items()}}
        try:
            snap = self._answers.answer(query)
        except HTTPError as exc:
            raise ValueError(exc.message) from None
        self._query = query
        changed = snap["layout"] != self.snapshot.get("layout")  # a new structure or fold state: a new picture
        self._show(snap)
        self.send({"type": "show", "snapshot": snap if changed else _without_svg(snap)})
        return self

    def _show(self, snap: dict[str, Any]) -> None:
        with self.hold_sync():  # one message to the page for both
            if "svg" in snap:
                self.svg = snap["svg"]
            self.snapshot = _without_svg(snap)

    def _received(self, _widget: Any, content: Any, _buffers: Any) -> None:
        """A view asks for a snapshot (an input dragged, the expression edited, a node chosen as target)."""
        if not isinstance(content, dict) or content.get("type") != "request":
            return
        params = content.get("params") if isinstance(content.get("params"), dict) else {}
        query = {str(key): str(value) for key, value in params.items()}
        try:
            snap = self._answers.answer(query)
        except HTTPError as exc:
            self.send({"type": "answer", "id": content.get("id"), "error": exc.message})
            return
        self._query = {key: value for key, value in query.items() if key != "have"}
        self._show(snap)
        self.send({"type": "answer", "id": content.get("id"), "snapshot": snap})


def _without_svg(snap: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in snap.items() if key != "svg"}


def _number(name: str, value: Any) -> float:
    """An input's value as a finite float, or an error naming the input."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{name} must be a number, got {type(value).__name__}: {value!r}")
    if not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    return float(value)
