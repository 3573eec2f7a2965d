"""A small local web server for live views: 127.0.0.1 only, a secret token, a Host check and JSON routes.

It is the base of ``viz.explore`` and the playground. Security follows Jupyter's: the printed URL carries
a random ``token`` query parameter that every request must repeat (403 without it), and a ``Host`` header
other than ``127.0.0.1:PORT`` or ``localhost:PORT`` is 403, so a web page the learner visits can neither
guess its way in nor reach the server through DNS rebinding. A handler's exception is a JSON error
answer, never a dead server.

>>> server = LocalServer()
>>> @server.route("/api/hello")
... def hello(request):
...     return {"hello": request.query.get("name", "world")}
>>> server.start().port > 0
True
>>> import json, urllib.request
>>> json.load(urllib.request.urlopen(server.url_for("/api/hello", name="you")))
{'hello': 'you'}
>>> server.close()
"""

from __future__ import annotations

import hmac
import json
import math
import secrets
import sys
import threading
import traceback
import urllib.parse
import webbrowser
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable

from .quoting import cut, quoted

HOST = "127.0.0.1"
MAX_BODY_BYTES = 1_000_000   # a JSON request bigger than this is a mistake or an attack: 413
MAX_QUERY_FIELDS = 200       # parse_qs stops here, so a huge query string cannot cost much
QUEUE_SIZE = 128             # connections waiting to be accepted: a burst of requests gets no SYN retries
_METHODS = ("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS")


class HTTPError(Exception):
    """Raise in a handler to answer ``status`` with ``{"error": message}``.

    >>> HTTPError(400, "x must be a number").status
    400
    """

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass
class Request:
    """What a handler sees: ``method``, ``path``, ``query`` (last value of each name), the raw ``body``."""

    method: str
    path: str
    query: dict[str, str]
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)

    def json(self) -> Any:
        """The body as JSON; a 400 HTTPError that says why when it is not.

        >>> Request("POST", "/", {}, b'{"n": 3}').json()
        {'n': 3}
        """
        if not self.body:
            raise HTTPError(400, "this request needs a JSON body")
        try:
            return json.loads(self.body.decode("utf-8"))
        except RecursionError:
            raise HTTPError(400, "request body is JSON nested too deeply") from None
        except ValueError as error:  # not JSON, not UTF-8, or a number with thousands of digits
            raise HTTPError(400, f"request body is not valid JSON: {cut(str(error), 200)}") from None


@dataclass
class Response:
    """A non-JSON answer (a page, a script) or a JSON one with another status.

    >>> Response.json({"ok": True}, status=201).body
    b'{"ok":true}'
    """

    body: bytes
    content_type: str = "application/json"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def json(cls, payload: Any, status: int = 200) -> "Response":
        """``payload`` as compact JSON (NaN and infinities are refused: JSON has no such numbers)."""
        text = json.dumps(payload, separators=(",", ":"), allow_nan=False)
        return cls(text.encode("utf-8"), status=status)

    @classmethod
    def html(cls, text: str) -> "Response":
        """A page; inline scripts and styles only, nothing fetched from elsewhere."""
        policy = ("default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
                  "img-src data:; connect-src 'self'")
        return cls(text.encode("utf-8"), "text/html; charset=utf-8", headers={"Content-Security-Policy": policy})


Handler = Callable[[Request], Any]


class LocalServer:
    """A threaded HTTP server on 127.0.0.1 with token and Host checks; add routes, then ``start``/``serve``.

    Handlers return a dict/list (sent as JSON) or a ``Response``, and raise ``HTTPError`` for 4xx answers.
    """

    def __init__(self, port: int = 0, *, token: str | None = None, max_body: int = MAX_BODY_BYTES):
        self.token = token or secrets.token_urlsafe(24)
        self.max_body = max_body
        self.routes: dict[str, dict[str, Handler]] = {}
        self._httpd = _HTTPServer((HOST, port), _handler_class(self))
        self._httpd.daemon_threads = True  # a stuck client never blocks shutdown
        self.port: int = self._httpd.server_address[1]
        self.allowed_hosts = {f"127.0.0.1:{self.port}", f"localhost:{self.port}"}
        self._thread: threading.Thread | None = None

    def add_route(self, path: str, handler: Handler, methods: tuple[str, ...] = ("GET",)) -> None:
        """Answer ``methods`` on ``path`` (exact match) with ``handler``."""
        for method in methods:
            self.routes.setdefault(path, {})[method.upper()] = handler

    def route(self, path: str, methods: tuple[str, ...] = ("GET",)) -> Callable[[Handler], Handler]:
        """Decorator form of ``add_route``."""
        def register(handler: Handler) -> Handler:
            self.add_route(path, handler, methods)
            return handler
        return register

    @property
    def url(self) -> str:
        """The page's address, token included: the one URL to print and open."""
        return self.url_for("/")

    def url_for(self, path: str, **query: Any) -> str:
        """An address on this server with the token and ``query`` added."""
        params = urllib.parse.urlencode({**{k: str(v) for k, v in query.items()}, "token": self.token})
        return f"http://{HOST}:{self.port}{path}?{params}"

    def start(self) -> "LocalServer":
        """Serve from a background thread (for tests and notebooks); ``close()`` stops it."""
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.1},
                                        name=f"viz-server-{self.port}", daemon=True)
        self._thread.start()
        return self

    def serve(self, *, open_browser: bool = True) -> None:
        """Print the URL as the first stdout line, open a browser, serve until Ctrl-C, then shut down."""
        print(self.url, flush=True)
        if open_browser:
            try:
                webbrowser.open(self.url)
            except Exception as error:  # no browser is fine: the URL is printed
                print(f"could not open a browser ({error}); open the URL above", file=sys.stderr)
        try:
            self._httpd.serve_forever(poll_interval=0.2)
        except KeyboardInterrupt:
            print("stopped", file=sys.stderr)
        finally:
            self._httpd.server_close()

    def close(self) -> None:
        """Stop serving and free the port (idempotent)."""
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._httpd.server_close()

    def __enter__(self) -> "LocalServer":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def token_matches(self, given: str | None) -> bool:
        """Constant-time comparison, so timing reveals nothing about the token."""
        return given is not None and hmac.compare_digest(given.encode(), self.token.encode())


def finite_number(name: str, text: str) -> float:
    """A query parameter as a finite float, or a 400 naming it.

    >>> finite_number("x", "2.5")
    2.5
    >>> finite_number("x", "nan")
    Traceback (most recent call last):
    ...
    viz.server.HTTPError: x must be a finite number, got 'nan'
    """
    try:
        value = float(text)
    except ValueError:
        raise HTTPError(400, f"{name} must be a number, got {quoted(text)}") from None
    if not math.isfinite(value):
        raise HTTPError(400, f"{name} must be a finite number, got {quoted(text)}")
    return value


class ServedApp:
    """A page and its API on one ``LocalServer`` (kept in ``self.server``): the explorer and the playground.

    Subclasses register their routes on ``self.server``; this gives them ``url``, ``start`` and ``close``.

    >>> app = ServedApp(); app.server = LocalServer()
    >>> app.start().url.startswith("http://127.0.0.1:")
    True
    >>> app.close()
    """

    server: LocalServer

    @property
    def url(self) -> str:
        """The page's address with its token."""
        return self.server.url

    def start(self):
        """Serve from a background thread (notebooks, tests); ``close()`` stops."""
        self.server.start()
        return self

    def close(self) -> None:
        """Stop serving and free the port."""
        self.server.close()


class _HTTPServer(ThreadingHTTPServer):
    """The standard threaded server with a longer accept queue, quiet about clients that hang up."""

    request_queue_size = QUEUE_SIZE

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that went away (a closed tab) is routine, not a traceback in the learner's terminal."""
        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            return
        super().handle_error(request, client_address)


def _handler_class(server: LocalServer) -> type[BaseHTTPRequestHandler]:
    class _Handler(BaseHTTPRequestHandler):
        timeout = 15                     # a client that stalls mid-request loses its thread after this
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True   # headers and body go out as two writes: no 40 ms delayed-ACK stall
        server_version = "valuegrad"
        sys_version = ""

        def log_message(self, format: str, *args: Any) -> None:  # quiet: the CLI's stdout is the URL
            pass

        def _dispatch(self) -> None:
            try:
                response = _answer(server, self)
            except HTTPError as error:
                response = Response.json({"error": error.message}, status=error.status)
            except Exception as error:  # a bug in a handler: report it, keep serving
                traceback.print_exc(file=sys.stderr)
                response = Response.json({"error": f"internal error: {type(error).__name__}: {error}"}, 500)
            _send(self, response)

        do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = _dispatch

        def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
            """http.server's own refusals (unknown method, request line or headers too long, garbage) as
            JSON like every other answer, instead of its HTML page."""
            reason = message or self.responses.get(code, ("error",))[0]
            if self.request_version == "HTTP/0.9":  # an unreadable request line: still answer with a status line
                self.request_version = "HTTP/1.0"
            _send(self, Response.json({"error": f"{code}: {cut(reason, 200)}"}, status=code))

    return _Handler


def _answer(server: LocalServer, handler: BaseHTTPRequestHandler) -> Response:
    """Check Host and token, find the route, read the body, run the handler."""
    hosts = handler.headers.get_all("Host") or []
    if len(hosts) > 1:
        raise HTTPError(400, "a request may carry one Host header, this one has several")
    if not hosts or hosts[0] not in server.allowed_hosts:
        raise HTTPError(403, "forbidden: this server answers only to 127.0.0.1 and localhost at its port")
    if not handler.path.startswith("/") or handler.path.startswith("//"):
        raise HTTPError(400, "the request target must be a path such as /api/..., not a full URL")
    parts = urllib.parse.urlsplit(handler.path)
    try:
        pairs = urllib.parse.parse_qsl(parts.query, keep_blank_values=True, max_num_fields=MAX_QUERY_FIELDS)
    except ValueError:
        raise HTTPError(400, f"too many query parameters (at most {MAX_QUERY_FIELDS})") from None
    query = dict(pairs)
    if not server.token_matches(query.pop("token", None)):
        raise HTTPError(403, "forbidden: missing or wrong token (use the URL the server printed)")
    methods = server.routes.get(parts.path)
    if methods is None:
        raise HTTPError(404, f"no such page: {cut(parts.path)}")
    method = "GET" if handler.command == "HEAD" and "HEAD" not in methods else handler.command
    if method not in methods:  # HEAD: the GET answer's headers (_send leaves out the body)
        raise HTTPError(405, f"{parts.path} accepts {', '.join(sorted(methods))}, not {handler.command}")
    request = Request(method, parts.path, query, _read_body(server, handler), dict(handler.headers))
    result = methods[method](request)
    return result if isinstance(result, Response) else Response.json(result)


def _read_body(server: LocalServer, handler: BaseHTTPRequestHandler) -> bytes:
    if "Transfer-Encoding" in handler.headers:
        handler.close_connection = True
        raise HTTPError(411, "send a Content-Length; chunked bodies are not accepted")
    length_text = handler.headers.get("Content-Length", "0")
    try:
        length = int(length_text)
    except ValueError:
        handler.close_connection = True
        raise HTTPError(400, f"Content-Length is not a number: {quoted(length_text)}") from None
    if length < 0 or length > server.max_body:
        handler.close_connection = True  # unread body bytes must not be parsed as the next request
        raise HTTPError(413, f"request body of {length} bytes is over the {server.max_body}-byte limit")
    return handler.rfile.read(length) if length else b""


def _send(handler: BaseHTTPRequestHandler, response: Response) -> None:
    try:
        handler.send_response(response.status)
        headers = {
            "Content-Type": response.content_type,
            "Content-Length": str(len(response.body)),
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer",  # the token is in the URL: never leak it to another site
            **response.headers,
        }
        if response.status >= 400:  # a refused request's body may be unread: start afresh
            headers["Connection"] = "close"
            handler.close_connection = True
        for name, value in headers.items():
            handler.send_header(name, value)
        handler.end_headers()
        if handler.command != "HEAD":
            handler.wfile.write(response.body)
    except (BrokenPipeError, ConnectionResetError):
        pass  # the client went away; nothing to tell it
