"""``explore``: a live page where a learner edits an expression, drags its inputs and watches every value
and gradient change. The Python engine does all the math; the page (``viz/static``) only shows snapshots.

API (every request needs the ``token`` from the printed URL):
``GET /api/snapshot?expr=...&x=3[&target=ID][&steps=1][&fold=LEVEL][&open=KEY,KEY][&have=LAYOUT]`` → the
snapshot, plus ``svg`` when its picture (``layout``: structure and fold state) differs from ``have``; a bad
expression or value is 400 with the parser's caret message. ``fold`` is ``none``, ``neuron``, ``layer`` or
``auto`` (the default: a big graph built with ``nn`` starts folded); ``open`` lists groups shown opened
(a key naming no group of the folded graph is 400).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import threading
from importlib import resources
from typing import Any, Sequence

from autograd import Value, parse

from .explorer_svg import LayoutBusyError, with_layout
from .quoting import quoted
from .replay import replay
from .server import HTTPError, LocalServer, Request, Response, ServedApp, finite_number
from .snapshot import GraphTooBigError, snapshot
from .walk import graph_order

RESERVED = frozenset({"expr", "target", "have", "steps", "token", "fold", "open"})  # query names that are not variables
DEFAULT_VALUE = 1.0  # a variable the request gives no value for (a name just typed into the expression)


class ExpressionSource:
    """Graphs built from expression text, one per request (so requests never share a Value)."""

    editable = True

    def __init__(self, expression: str, values: dict[str, float]):
        self.expression = parse(expression).source  # fail early, in the user's terms
        self.values = dict(values)
        self.lock = contextlib.nullcontext()  # nothing is shared between requests

    def build(self, query: dict[str, str]) -> tuple[Value, str]:
        text = query.get("expr", self.expression)
        try:
            expression = parse(text)
        except ValueError as exc:
            raise HTTPError(400, str(exc)) from None
        clash = RESERVED.intersection(expression.variables)
        if clash:
            raise HTTPError(400, f"{', '.join(sorted(clash))} cannot be a variable name here (it names a setting)")
        values = {name: finite_number(name, query[name]) if name in query else self.values.get(name, DEFAULT_VALUE)
                  for name in expression.variables}
        try:
            output = expression.evaluate(**values)
        except (ValueError, ArithmeticError, TypeError) as exc:  # TypeError: leaky_relu(x, x)'s slope
            raise HTTPError(400, str(exc)) from None
        return output, expression.source


class GraphSource:
    """A graph built in Python: its labelled leaves are the inputs; new values replay its forward pass."""

    editable = False

    def __init__(self, output: Value):
        self.output = output
        self.order = graph_order([output])
        self.lock = threading.Lock()  # one graph, many server threads: one replay at a time
        snap = snapshot(output)
        self.leaves = {item["name"]: self.order[item["id"]] for item in snap["inputs"]}

    def build(self, query: dict[str, str]) -> tuple[Value, None]:
        if "expr" in query:
            raise HTTPError(400, "this explorer shows a graph built in Python; its expression cannot be edited")
        new = {self.leaves[name]: finite_number(name, text) for name, text in query.items() if name in self.leaves}
        try:
            replay(self.order, new)
        except ValueError as exc:
            raise HTTPError(400, str(exc)) from None
        return self.output, None


def _target(output: Value, text: str | None) -> Value | None:
    """The node a request asks to differentiate (by id), None for the output."""
    if text is None:
        return None
    order = graph_order([output])
    tid = finite_number("target", text)
    if not (tid == int(tid) and 0 <= tid < len(order)):
        raise HTTPError(400, f"target must be a node id from 0 to {len(order) - 1}, got {quoted(text)}")
    return order[int(tid)]


def _fold_state(query: dict[str, str]) -> tuple[str, list[str]]:
    """The fold level (default ``auto``) and the opened groups a request asks for."""
    fold = query.get("fold", "auto")
    if fold not in ("none", "neuron", "layer", "auto"):
        raise HTTPError(400, f"fold must be none, neuron, layer or auto, got {quoted(fold)}")
    return fold, [key for key in query.get("open", "").split(",") if key]


def _check_opened(snap: dict[str, Any], asked: list[str]) -> None:
    """A 400 naming a group ``open`` asked for that the folded graph does not have (the snapshot drops it)."""
    fold = snap.get("fold")
    if fold is None or fold["level"] == "none":
        return  # nothing is folded: nothing to open
    missing = set(asked).difference(fold["open"])
    if missing:
        keys = ", ".join(g["key"] for g in fold["groups"][:3])
        raise HTTPError(400, f"open names a group this graph does not have: {quoted(min(missing))} "
                             f"(its folded cards are named like {keys})")


def layout_or_503(snap: dict[str, Any], have: str | None) -> dict[str, Any]:
    """``with_layout``, with a 503 when the one layout slot stays busy with other pictures."""
    try:
        return with_layout(snap, have)
    except LayoutBusyError as exc:
        raise HTTPError(503, str(exc)) from None


class Answers:
    """The explorer's answers, without a server: a graph source (an expression, or a graph built in Python)
    answering queries with snapshots. The page's ``/api/snapshot`` and the Jupyter widget both use it.

    >>> Answers("x**2", {"x": 3.0}).answer({"x": "4"})["nodes"][0]["grad"]
    8.0
    """

    def __init__(self, what: Value | str, values: dict[str, float] | None = None):
        values = values or {}
        if isinstance(what, Value):
            if values:
                raise TypeError("values are given by the graph's own leaves: drop the keyword inputs")
            self.source: ExpressionSource | GraphSource = GraphSource(what)
        elif isinstance(what, str):
            self.source = ExpressionSource(what, {k: float(v) for k, v in values.items()})
        else:
            raise TypeError(f"explore needs an expression (str) or a Value, got {type(what).__name__}: {what!r}")

    def answer(self, query: dict[str, str]) -> dict[str, Any]:
        """The snapshot for one request's query (what ``/api/snapshot`` sends)."""
        with self.source.lock:
            output, text = self.source.build(query)
            target = _target(output, query.get("target"))
            fold, expanded = _fold_state(query)
            try:
                snap = snapshot(output, target=target, steps=query.get("steps") == "1", fold=fold, expanded=expanded)
            except GraphTooBigError as exc:
                raise HTTPError(400, str(exc)) from None
            except ValueError as exc:  # a local derivative undefined here (sqrt at 0)
                raise HTTPError(400, str(exc)) from None
        _check_opened(snap, expanded)
        snap["expression"] = text
        snap["editable"] = self.source.editable
        return layout_or_503(snap, query.get("have"))


class ExplorerServer(ServedApp):
    """The explorer's server: a page at ``/`` and ``/api/snapshot``; ``url`` to open, ``close()`` to stop.

    >>> ex = ExplorerServer("x**2", {"x": 3.0}).start()
    >>> import json, urllib.request
    >>> json.load(urllib.request.urlopen(ex.server.url_for("/api/snapshot", x=4)))["nodes"][0]["grad"]
    8.0
    >>> ex.close()
    """

    def __init__(self, what: Value | str, values: dict[str, float] | None = None, *, port: int = 0):
        self.answers = Answers(what, values)
        self.source = self.answers.source
        self.server = LocalServer(port)
        self.server.add_route("/", self._page)
        self.server.add_route("/api/snapshot", self._snapshot)

    def answer(self, query: dict[str, str]) -> dict[str, Any]:
        """The snapshot for one request's query (what ``/api/snapshot`` sends)."""
        return self.answers.answer(query)

    def _snapshot(self, request: Request) -> dict[str, Any]:
        return self.answer(request.query)

    def _page(self, request: Request) -> Response:
        first = self.answer({})
        return Response.html(page_html(first))


def _static(name: str) -> str:
    return resources.files("viz").joinpath("static", name).read_text(encoding="utf-8")


def page_html(first: dict[str, Any]) -> str:
    """The standalone page: the view module, its styles and the first snapshot inlined (one request, offline)."""
    data = json.dumps(first, separators=(",", ":"), allow_nan=False).replace("</", "<\\/")
    return (_static("explorer.html")
            .replace("/*STYLE*/", _static("explorer.css"))
            .replace("/*MODULE*/", _static("explorer.js"))
            .replace("/*FIRST*/", data))


def explore(what: Value | str, *, port: int = 0, open_browser: bool = True, block: bool = True,
            **inputs: float) -> ExplorerServer:
    """Open the explorer on an expression (``explore("x**2 + y", x=2, y=1)``) or on a graph built in Python
    (``explore(loss)``: its labelled leaves become the sliders). Serves on 127.0.0.1 until Ctrl-C; with
    ``block=False`` it serves from a background thread and returns the ``ExplorerServer`` (call ``close()``).

    >>> ex = explore("sin(x)", x=1, open_browser=False, block=False)
    >>> ex.url.startswith("http://127.0.0.1:")
    True
    >>> ex.close()
    """
    explorer = ExplorerServer(what, inputs, port=port)
    if not block:
        explorer.start()
        if open_browser:
            import webbrowser
            webbrowser.open(explorer.url)
        return explorer
    explorer.server.serve(open_browser=open_browser)
    return explorer


def command(argv: Sequence[str]) -> int:
    """``python -m viz explore EXPRESSION NAME=VALUE ... [--port N] [--no-browser]`` (called by ``viz.cli``)."""
    from .cli import _values  # the one NAME=VALUE reader

    parser = argparse.ArgumentParser(prog="python -m viz explore",
                                     description="Serve a live page to explore an expression's graph.")
    parser.add_argument("expression", help='a math expression in quotes, such as "cos(sin(x**2) + 3*x**2)"')
    parser.add_argument("values", nargs="*", metavar="NAME=VALUE", help="a starting value per variable")
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: a free one)")
    parser.add_argument("--no-browser", action="store_true", help="only print the URL")
    args = parser.parse_args(argv)
    if not 0 <= args.port <= 65535:
        parser.error(f"--port must be from 0 to 65535, got {args.port}")
    values = _values(parser, args.values)
    try:
        explorer = ExplorerServer(args.expression, values, port=args.port)
    except ValueError as exc:
        parser.error(str(exc))
    except OSError as exc:  # the port is taken
        parser.error(f"cannot listen on 127.0.0.1:{args.port}: {exc.strerror or exc}")
    explorer.server.serve(open_browser=not args.no_browser)
    return 0


__all__ = ["explore", "ExplorerServer", "Answers", "page_html", "command"]
