"""``playground``: train a small MLP live in the browser and open any neuron's scalar graph, served on 127.0.0.1.

The page and the JSON API sit on ``viz.server.LocalServer`` (token in the printed URL, Host check).
The API (all answers JSON; ``?token=...`` on every request):

- ``GET /api/state`` → the run's state (``step``, ``train_loss``, ``test_loss``, ``train_accuracy``,
  ``test_accuracy``, ``curves``, ``network``, ``points``, ``heatmap``, ``neuron_maps``, ``playing`` ...);
  ``?pictures=0`` leaves out the heatmaps.
- ``POST /api/reset`` with a JSON config → the new run's state (a bad config: 400, nothing changes).
- ``POST /api/step`` with ``{"n": N}`` → the state after up to N more steps, ``steps_run`` saying how many:
  a request trains for about a second at most, letting go of the session between short chunks.
- ``POST /api/play`` / ``POST /api/pause`` → the state; while playing, training runs in a background thread.
- ``GET /api/neuron?layer=L&index=I&sample=S[&split=test]`` → ``viz.snapshot`` of that neuron's graph.
- ``GET /api/model`` → the trained model in nn's JSON format; ``GET /api/snippet`` → ``{"snippet": code}``.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import webbrowser
from importlib import resources
from typing import Any, Mapping, Sequence

from .explorer import layout_or_503
from .playground_config import check_config
from .playground_player import Player
from .playground_session import TrainingSession
from .quoting import quoted
from .server import HTTPError, LocalServer, Request, Response, ServedApp, finite_number

MAX_STEPS_PER_REQUEST = 1000
STEP_SECONDS = 1.0  # a step request trains for about this long at most (a big network: fewer than N steps)


class Playground(ServedApp):
    """A ``TrainingSession`` with its background ``Player`` and a ``LocalServer`` answering the JSON API.

    >>> pg = Playground({"points": 40, "hidden": [2]}).start()
    >>> import json, urllib.request
    >>> json.load(urllib.request.urlopen(pg.server.url_for("/api/state", pictures=0)))["step"]
    0
    >>> pg.close()
    """

    def __init__(self, config: Mapping[str, Any] | None = None, *, port: int = 0) -> None:
        self.session = TrainingSession(config)
        self.player = Player(self.session)
        self.server = LocalServer(port)
        routes = {
            "/": (self._page, ("GET",)),
            "/api/state": (self._state, ("GET",)),
            "/api/reset": (self._reset, ("POST",)),
            "/api/step": (self._step, ("POST",)),
            "/api/play": (self._play, ("POST",)),
            "/api/pause": (self._pause, ("POST",)),
            "/api/neuron": (self._neuron, ("GET",)),
            "/api/model": (self._model, ("GET",)),
            "/api/snippet": (self._snippet, ("GET",)),
        }
        for path, (handler, methods) in routes.items():
            self.server.add_route(path, handler, methods)

    def close(self) -> None:
        """Stop training and serving."""
        self.player.close()
        super().close()

    def state(self, pictures: bool = True) -> dict[str, Any]:
        """The session's state plus whether the background trainer is playing."""
        return {**self.session.state(pictures), "playing": self.player.playing}

    # ----- routes ----------------------------------------------------------------------------------
    def _state(self, request: Request) -> dict[str, Any]:
        return self.state(pictures=request.query.get("pictures", "1") != "0")

    def _reset(self, request: Request) -> dict[str, Any]:
        try:
            config = check_config(request.json())  # checked in full first: a bad config changes nothing
        except ValueError as exc:
            raise HTTPError(400, str(exc)) from None
        self.player.pause()
        self.session.reset(config)
        return self.state()

    def _step(self, request: Request) -> dict[str, Any]:
        body = request.json()
        n = body.get("n", 1) if isinstance(body, dict) else None
        if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= MAX_STEPS_PER_REQUEST:
            raise HTTPError(400, f'send {{"n": N}} with N a whole number from 1 to {MAX_STEPS_PER_REQUEST}, '
                                 f"got {json.dumps(body)[:80]}")
        try:
            done = self.session.step_within(n, STEP_SECONDS)
        except ValueError as exc:  # the run diverged: it needs a reset
            raise HTTPError(409, str(exc)) from None
        return {**self.state(), "steps_run": done}

    def _play(self, request: Request) -> dict[str, Any]:
        if self.session.error:
            raise HTTPError(409, f"{self.session.error}; reset to start again")
        self.player.play()
        return self.state()

    def _pause(self, request: Request) -> dict[str, Any]:
        self.player.pause()
        return self.state()

    def _neuron(self, request: Request) -> dict[str, Any]:
        query = request.query
        numbers = {name: _whole(name, query.get(name, default)) for name, default in
                   (("layer", None), ("index", None), ("sample", "0"))}
        # The explorer view asks again with x1=..., x2=... when its sliders move: the neuron at that point.
        at = {name: finite_number(name, query[name]) for name in ("x1", "x2") if name in query}
        target = _whole("target", query["target"]) if "target" in query else None
        try:
            snap = self.session.neuron_graph(**numbers, split=query.get("split", "train"), at=at, target=target,
                                             steps=query.get("steps") == "1")
        except (ValueError, ArithmeticError) as exc:  # ArithmeticError: x1=1e200 overflows a feature
            raise HTTPError(400, str(exc)) from None
        except ImportError:  # the explorer's snapshot is not installed alongside
            raise HTTPError(501, "neuron graphs need viz.snapshot, which this installation lacks") from None
        snap["editable"] = False
        snap["expression"] = f"neuron L{numbers['layer']}.N{numbers['index']}, sample {numbers['sample']}"
        return layout_or_503(snap, query.get("have"))  # the explorer view's picture, once per structure

    def _model(self, request: Request) -> Response:
        return Response(self.session.model_json().encode("utf-8"), "application/json",
                        headers={"Content-Disposition": 'attachment; filename="playground_model.json"'})

    def _snippet(self, request: Request) -> dict[str, str]:
        return {"snippet": self.session.snippet()}

    def _page(self, request: Request) -> Response:
        return Response.html(page_html(self.state()))


def _whole(name: str, text: str | None) -> int:
    try:
        return int(text)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise HTTPError(400, f"{name} must be a whole number, got {quoted(text)}") from None


def _static(name: str, missing: str | None = None) -> str:
    path = resources.files("viz").joinpath("static", name)
    if missing is not None and not path.is_file():
        return missing
    return path.read_text(encoding="utf-8")


def page_html(first: dict[str, Any]) -> str:
    """The page with its script, styles and first state inlined: one request, nothing from elsewhere.

    The explorer's view module goes in first, so a clicked neuron's graph is shown by the same view.
    """
    parts = {
        "EXPLORER_STYLE": _static("explorer.css", missing=""),
        "STYLE": _static("playground.css"),
        "EXPLORER": _static("explorer.js", missing=""),
        "SCRIPT": _static("playground.js"),
        "FIRST": json.dumps(first, separators=(",", ":"), allow_nan=False).replace("</", "<\\/"),
    }
    # One pass, so a marker that happens to appear inside an inserted part is left alone.
    return re.sub(r"/\*([A-Z_]+)\*/", lambda m: parts.get(m.group(1), m.group(0)), _static("playground.html"))


def playground(config: Mapping[str, Any] | None = None, *, port: int = 0, open_browser: bool = True,
               block: bool = True) -> Playground:
    """Open the playground (``config``: the first run's settings, see ``viz.playground_config``).

    Serves on 127.0.0.1 until Ctrl-C; with ``block=False`` it serves from a background thread and
    returns the ``Playground`` (call ``close()``).

    >>> pg = playground({"points": 40}, open_browser=False, block=False)
    >>> pg.url.startswith("http://127.0.0.1:") and "token=" in pg.url
    True
    >>> pg.close()
    """
    pg = Playground(config, port=port)
    if not block:
        pg.start()
        if open_browser:
            webbrowser.open(pg.url)
        return pg
    try:
        pg.server.serve(open_browser=open_browser)
    finally:
        pg.player.close()
    return pg


def command(argv: Sequence[str]) -> int:
    """``python -m viz playground [--port N] [--no-browser]`` (called by ``viz.cli``)."""
    parser = argparse.ArgumentParser(prog="python -m viz playground",
                                     description="Train a small MLP live in the browser; click a neuron to see its graph.")
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: any free port)")
    parser.add_argument("--no-browser", action="store_true", help="print the URL but do not open a browser")
    args = parser.parse_args(argv)
    if not 0 <= args.port <= 65535:
        parser.error(f"--port must be from 0 to 65535, got {args.port}")
    try:
        playground(port=args.port, open_browser=not args.no_browser)
    except OSError as exc:  # the port is taken, say
        print(f"error: cannot serve on port {args.port}: {exc}", file=sys.stderr)
        return 1
    return 0
