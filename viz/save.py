"""``save``: write a drawing to a file whose suffix picks the format (.svg, .png, .jpg, .pdf, .dot)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import graphviz

from autograd.files import write_atomically

from .graph import draw
from .renderer import render

FORMATS = {".svg": "svg", ".png": "png", ".jpg": "jpg", ".jpeg": "jpg", ".pdf": "pdf", ".dot": "dot", ".gv": "dot"}
PNG_DPI = 144  # bitmaps: crisp on high-density screens, still small files


def save(output: Any, path: str | os.PathLike, /, *, dpi: float | None = None, **options: Any) -> Path:
    """Draw ``output`` (a Value, a list of Values, or a ready graphviz graph) and write it to ``path``.

    The suffix picks the format: ``.svg``, ``.png``, ``.jpg``, ``.pdf`` (needs Graphviz's own ``dot``)
    or ``.dot`` (the source text, no renderer needed). ``options`` go to ``draw``. Returns the path.

    >>> import tempfile, pathlib
    >>> x = Value(2.0, label="x"); y = x * x; y.backward()
    >>> p = save(y, pathlib.Path(tempfile.mkdtemp()) / "graph.svg")
    >>> p.read_text().lstrip().startswith("<?xml")
    True
    """
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a str or os.PathLike, got {type(path).__name__}: {path!r}")
    target = Path(path)
    fmt = FORMATS.get(target.suffix.lower())
    if fmt is None:
        known = ", ".join(sorted(FORMATS))
        raise ValueError(f"cannot tell the format of {str(target)!r} from its suffix {target.suffix!r}; use one of {known}")
    if isinstance(output, (graphviz.Digraph, graphviz.Graph)):
        if options:
            raise TypeError(f"drawing options ({', '.join(sorted(options))}) only apply when saving a Value, not a ready graph")
        graph = output
    else:
        graph = draw(output, **options)
    if dpi is not None and (isinstance(dpi, bool) or not isinstance(dpi, (int, float)) or not 0 < dpi <= 2400):
        raise ValueError(f"dpi must be a number of dots per inch between 1 and 2400, got {dpi!r}")
    if not target.parent.is_dir():
        raise FileNotFoundError(f"the folder {str(target.parent)!r} does not exist")
    if fmt == "dot":
        return write_atomically(target, graph.source)
    if dpi is None and fmt in ("png", "jpg"):
        dpi = PNG_DPI
    # Rendered in full before the target is touched, then swapped in: a failure leaves the old file.
    return write_atomically(target, render(graph.source, fmt, dpi))
