"""Finding a dot-compatible executable and running it: the only place viz starts a subprocess.

Order of preference: the ``VALUEGRAD_DOT`` environment variable, the ``graphviz-pure`` executable
installed with this package (the interpreter's scripts folder first, since a venv's python may run
without its ``bin`` on PATH, then PATH), then Graphviz's own ``dot``. graphviz-pure renders SVG,
PNG and JPEG but not PDF, so other formats go to a system ``dot``. A caller that needs a layout quickly
(the explorer, laying out while a learner waits) may ask for the system ``dot`` first: on graphs with a
wide fan-out it is many times faster (a 60-term sum: 0.3 s against 5 s), with the same layout.
"""

from __future__ import annotations

import itertools
import os
import re
import secrets
import shutil
import subprocess
import sysconfig
import threading
from pathlib import Path
from typing import Any

import graphviz
from graphviz.backend import dot_command

ENV_VAR = "VALUEGRAD_DOT"
PURE_NAME = "graphviz-pure"
# What graphviz-pure 0.2 can write (it answers an unknown -T with this list).
PURE_FORMATS = frozenset(
    "canon dot dot_json gv jpe jpeg jpg json json0 plain plain-ext png svg xdot xdot1.2 xdot1.4 xdot_json".split()
)


class RendererNotFoundError(RuntimeError):
    """No executable that can write the requested format was found."""


def _scripts_dir() -> str | None:
    return sysconfig.get_path("scripts")


def find_renderer(format: str = "svg", *, prefer_system_dot: bool = False) -> Path:
    """The executable that will render ``format``, following the documented order of preference
    (``prefer_system_dot``: Graphviz's own ``dot`` before graphviz-pure when both are there).

    >>> find_renderer("svg").exists()
    True
    """
    fmt = format.lower()
    override = os.environ.get(ENV_VAR, "").strip()
    if override:
        found = shutil.which(override)
        if found is None:
            raise RendererNotFoundError(
                f"{ENV_VAR}={override!r} is not an executable file; point it at a Graphviz 'dot' "
                f"(or graphviz-pure) executable, or unset it"
            )
        if Path(found).name.startswith(PURE_NAME) and fmt not in PURE_FORMATS:
            raise RendererNotFoundError(_needs_dot(
                fmt, f"{ENV_VAR} points at graphviz-pure", f"and point {ENV_VAR} at its dot, or unset {ENV_VAR}"
            ))
        return Path(found)
    if prefer_system_dot and shutil.which("dot"):
        return Path(shutil.which("dot"))
    pure = None
    scripts = _scripts_dir()
    if scripts:
        pure = shutil.which(PURE_NAME, path=scripts)
    pure = pure or shutil.which(PURE_NAME)
    if pure and fmt in PURE_FORMATS:
        return Path(pure)
    system_dot = shutil.which("dot")
    if system_dot:
        return Path(system_dot)
    if pure:
        raise RendererNotFoundError(_needs_dot(fmt, "it was not found", f"or set {ENV_VAR} to a dot executable"))
    raise RendererNotFoundError(
        "no Graphviz renderer found: reinstall valuegrad's dependency graphviz-pure "
        f"(pip install graphviz-pure), install Graphviz (apt install graphviz), or set {ENV_VAR} to a dot executable"
    )


def _needs_dot(fmt: str, why: str, then: str) -> str:
    return (
        f"{fmt.upper()} output needs Graphviz's own 'dot' program, but {why}: the bundled graphviz-pure "
        f"renderer writes svg, png, jpg and dot but not {fmt}. Save as .svg or .png, or install Graphviz "
        f"(apt install graphviz, brew install graphviz, conda install graphviz) {then}."
    )


DEFAULT_TIMEOUT = 120.0  # seconds: a layout that takes longer is a runaway, not a picture
MAX_PIXELS = 60_000_000  # a bitmap larger than this (about 240 MB in memory) is refused before rendering
BITMAP_FORMATS = frozenset({"png", "jpg", "jpeg", "jpe", "gif", "bmp", "tif", "tiff", "webp"})
GRAPHVIZ_DPI = 96.0  # what a renderer uses when no dpi is given


def render(source: str, format: str, dpi: float | None = None, *, timeout: float | None = DEFAULT_TIMEOUT,
           prefer_system_dot: bool = False) -> bytes:
    """Lay out DOT ``source`` and return the picture as bytes in ``format`` (``"svg"``, ``"png"``, ...).

    ``dpi`` sets the resolution of bitmap formats (graphviz's default is 96). A bitmap whose laid-out
    size times ``dpi`` would exceed ``MAX_PIXELS`` is refused before it is drawn; a renderer still
    running after ``timeout`` seconds is stopped (``None``: wait for ever). ``prefer_system_dot``: see
    ``find_renderer``.

    >>> render("digraph { a -> b }", "svg")[:5]
    b'<?xml'
    """
    fmt = format.lower()
    if fmt in BITMAP_FORMATS:
        _check_bitmap_size(source, dpi, timeout)
    command = [f"-T{fmt}"] + ([f"-Gdpi={float(dpi):g}"] if dpi is not None else [])
    return _run(command, source, fmt, timeout, prefer_system_dot)


def _run(arguments: list[str], source: str, fmt: str, timeout: float | None, prefer_system_dot: bool = False) -> bytes:
    """Run the renderer for ``fmt`` with ``arguments`` on ``source``; its stdout, or a clear error."""
    exe = find_renderer(fmt, prefer_system_dot=prefer_system_dot)
    try:
        done = subprocess.run([str(exe), *arguments], input=source.encode("utf-8"), capture_output=True,
                              check=False, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise RuntimeError(
            f"{exe.name} was still rendering {fmt} after {timeout:g} seconds and was stopped; draw a smaller "
            "graph (collapse='neuron' or 'layer'), or pass a longer timeout"
        ) from None
    except OSError as exc:
        raise RendererNotFoundError(f"could not run the renderer {exe}: {exc}") from None
    if done.returncode != 0:
        # Warnings about font metrics are routine for graphviz-pure; only a failure is worth showing.
        message = done.stderr.decode("utf-8", "replace").strip()
        raise RuntimeError(f"{exe.name} failed to render {fmt} (exit code {done.returncode}): {message}")
    return done.stdout


def _check_bitmap_size(source: str, dpi: float | None, timeout: float | None) -> None:
    """Refuse a bitmap of more than ``MAX_PIXELS`` pixels, from the layout's size in inches (a cheap
    text layout first: a renderer asked for a gigapixel picture tries to allocate it)."""
    first = _run(["-Tplain"], source, "plain", timeout).split(b"\n", 1)[0].split()
    width, height = float(first[2]), float(first[3])  # "graph scale width height", in inches
    resolution = GRAPHVIZ_DPI if dpi is None else float(dpi)
    pixels = width * resolution * height * resolution
    if pixels > MAX_PIXELS:
        largest = int((MAX_PIXELS / max(width * height, 1e-9)) ** 0.5)
        raise ValueError(
            f"this picture is {width:.1f} × {height:.1f} inches: at {resolution:g} dpi it would be "
            f"{width * resolution:,.0f} × {height * resolution:,.0f} pixels, more than {MAX_PIXELS:,} in all; "
            f"use dpi={largest} or less, save as .svg (sharp at any size), or draw a smaller graph"
        )


# graphviz reads its executable path from this module global each time it builds a command line,
# so swapping it for the duration of one call (under a lock) points pipe/render/Jupyter at ours
# without changing how plain graphviz objects elsewhere in the program behave afterwards.
_binary_lock = threading.RLock()


class Graph(graphviz.Digraph):
    """A ``graphviz.Digraph`` that renders (``pipe``, ``render``, Jupyter display) with ``find_renderer``.

    >>> g = Graph(); g.edge("a", "b")
    >>> g.pipe(format="svg", encoding="utf-8").lstrip().startswith("<?xml")
    True
    """

    def _with_renderer(self, method: Any, format: str | None, quiet_at: int, args: tuple, kwargs: dict) -> Any:
        exe = find_renderer(format or self.format or "pdf")
        if exe.name.startswith(PURE_NAME) and len(args) <= quiet_at:
            kwargs.setdefault("quiet", True)  # its font-metric warnings would clutter every notebook cell
        with _binary_lock:
            previous = dot_command.DOT_BINARY
            dot_command.DOT_BINARY = exe
            try:
                return method(*args, **kwargs)
            finally:
                dot_command.DOT_BINARY = previous

    def pipe(self, *args: Any, **kwargs: Any) -> Any:
        """As ``graphviz.Digraph.pipe``, with viz's renderer."""
        fmt = kwargs.get("format", args[0] if args else None)
        return self._with_renderer(super().pipe, fmt, 4, args, kwargs)

    def render(self, *args: Any, **kwargs: Any) -> Any:
        """As ``graphviz.Digraph.render``, with viz's renderer."""
        fmt = kwargs.get("format", args[4] if len(args) > 4 else None)
        return self._with_renderer(super().render, fmt, 8, args, kwargs)

    def _repr_svg_(self) -> str:
        """The picture as SVG text, for displays that ask for ``_repr_svg_`` rather than a mime bundle."""
        return self.pipe(format="svg", encoding="utf-8")

    def _repr_html_(self) -> str:
        """The picture as an ``<svg>`` element inside the page, so hovering a node shows its tooltip."""
        return inline_svg(self._repr_svg_())

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None, **_: Any) -> dict[str, Any]:
        """What Jupyter shows: inline SVG as HTML first (JupyterLab draws a bare SVG as an ``<img>``, which
        shows no tooltips), the SVG itself for other front ends; one layout for both."""
        wanted = set(include) if include is not None else {HTML_MIME, SVG_MIME}
        wanted -= set(exclude or ())
        bundle: dict[str, Any] = {}
        if wanted & {HTML_MIME, SVG_MIME}:
            svg = self._repr_svg_()
            if HTML_MIME in wanted:
                bundle[HTML_MIME] = inline_svg(svg)
            if SVG_MIME in wanted:
                bundle[SVG_MIME] = svg
        others = wanted - {HTML_MIME, SVG_MIME}
        if others:
            bundle.update(super()._repr_mimebundle_(include=others))
        return bundle


HTML_MIME, SVG_MIME = "text/html", "image/svg+xml"
_SHAPE_TITLE = re.compile(r'(<g [^>]*class="(?:graph|node|edge|cluster)"[^>]*>\n)<title>[^<]*</title>\n')
_LINK_TIP = re.compile(r'<a xlink:title="([^"]*)">')
_ID_USE = re.compile(r'\b(id="|href="#|url\(#)')
_inline_count = itertools.count()
_inline_session = secrets.token_hex(3)


def inline_svg(svg: str) -> str:
    """Graphviz SVG made fit to sit inside an HTML page: no XML prolog, ids unique to this picture (a notebook
    shows many), each node's tooltip as a ``<title>`` (what browsers show on hover inside HTML) and DOT's
    internal node names no longer shown as tooltips.

    >>> html = inline_svg(render('digraph { a [tooltip="hi"] }', "svg").decode())
    >>> html.startswith("<svg") and "<title>hi</title>" in html and "<title>a</title>" not in html
    True
    >>> 'aria-label="computation graph of 1 boxes' in html
    True
    """
    svg = svg[svg.index("<svg"):]
    # Screen readers and alt-text checks read the picture as one image with a short description.
    shapes = svg.count('class="node"')
    svg = svg.replace("<svg", f'<svg role="img" aria-label="computation graph of {shapes} boxes; '
                              f'hover a box for its value, gradient and rule"', 1)
    prefix = f"vg{_inline_session}-{next(_inline_count)}-"
    svg = _ID_USE.sub(lambda m: m.group(1) + prefix, svg)
    svg = _SHAPE_TITLE.sub(r"\1", svg)
    return _LINK_TIP.sub(lambda m: f"{m.group(0)}<title>{m.group(1)}</title>", svg)
