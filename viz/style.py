"""The look shared by every picture: palette, fonts, number formatting and the gradient heat scale."""

from __future__ import annotations

import html
import math
from dataclasses import dataclass

# Helvetica is a sans-serif face graphviz-pure has built-in metrics for (system dot maps it too).
FONT = "Helvetica"

INK = "#1f2933"  # main text
MUTED = "#7b8794"  # captions, arrows
EDGE = "#9aa5b1"
HIGHLIGHT = "#c2255c"  # magenta: apart from the warm heat scale and the amber output
FRESH_FILL = "#fde8f0"  # behind a gradient that just changed (a pale HIGHLIGHT)
UNKNOWN_FILL = "#eef0f3"  # behind a gradient not known yet


@dataclass(frozen=True)
class Role:
    """How one kind of Value is drawn: fill, border and caption colour."""

    name: str
    fill: str
    border: str
    caption: str


ROLES = {
    "input": Role("input", "#e3efff", "#3b72d9", "#2c5cb8"),
    "parameter": Role("parameter", "#efe7fd", "#7c4dcc", "#6a3fb8"),
    "constant": Role("constant", "#f3f4f6", "#c3c8cf", "#8a939e"),
    "intermediate": Role("intermediate", "#ffffff", "#aab4c0", "#66717e"),
    "output": Role("output", "#fff1d6", "#d9870b", "#b06a00"),
    "module": Role("module", "#e2f5ef", "#2f9e78", "#227a5c"),
}

OP_FILL = "#fbf6e9"
OP_BORDER = "#d8c9a3"
GRAD_COLOR = "#c2410c"  # the "grad" caption: warm, like the heat scale
DATA_COLOR = "#52606d"

# Cluster frames by nesting depth: a layer is a soft panel, a neuron a dashed frame inside it.
CLUSTER_STYLES = (
    'style="rounded,filled" fillcolor="#f5f7fa" color="#d3dae3" penwidth=1.2',
    'style="rounded,dashed" fillcolor="#ffffff" color="#b8c2cf" penwidth=1',
)

# Sequential heat scale for |grad| (pale to deep red), readable on white and in greyscale.
HEAT = ("#fee8cf", "#fdc08a", "#f98e4f", "#e0582a", "#ad3010")
HEAT_TEXT = ("#1f2933", "#1f2933", "#1f2933", "#ffffff", "#ffffff")

# Network diagram: weight sign colours (blue positive, orange negative: safe for colour-blind readers).
POSITIVE = "#2f6fdb"
NEGATIVE = "#e0651b"


def format_number(x: float, precision: int) -> str:
    """Round ``x`` to ``precision`` decimals; tiny or huge magnitudes switch to scientific notation.

    >>> format_number(0.95257412, 4), format_number(-3.0, 2), format_number(1.5e-9, 3)
    ('0.9526', '-3.00', '1.500e-09')
    """
    if x == 0 or (10.0 ** -precision <= abs(x) < 1e6):
        text = f"{x:.{precision}f}"
        return text[1:] if text.startswith("-") and not text.strip("-0.") else text
    if math.isnan(x) or math.isinf(x):
        return str(x)
    return f"{x:.{precision}e}"


def format_constant(c: float) -> str:
    """Shortest faithful text for a constant shown beside an op (``2.0`` → ``2``).

    >>> format_constant(2.0), format_constant(0.01), format_constant(-1.5)
    ('2', '0.01', '-1.5')
    """
    return f"{c:.6g}"


def check_precision(precision: object) -> int:
    """Return ``precision`` if it is an int from 0 to 15, else raise a clear error."""
    if isinstance(precision, bool) or not isinstance(precision, int):
        raise TypeError(f"precision must be an int (decimal places), got {type(precision).__name__}: {precision!r}")
    if not 0 <= precision <= 15:
        raise ValueError(f"precision must be between 0 and 15 decimal places, got {precision}")
    return precision


def check_title(title: object) -> None:
    """Raise a clear error unless ``title`` is a str or None."""
    if title is not None and not isinstance(title, str):
        raise TypeError(f"title must be a str or None, got {type(title).__name__}: {title!r}")


_SHOWN_AS = {"\n": "\\n", "\t": "\\t", "\r": "\\r"}


def visible(text: str, keep_newlines: bool = False) -> str:
    r"""``text`` with characters a renderer cannot take (control characters, U+FFFE/U+FFFF, lone
    surrogates) written as escapes a reader can see: a newline as ``\n``, NUL as ``\x00``.

    >>> print(visible("a\nb\x00c\uffff"))
    a\nb\x00c\uffff
    >>> visible("a\nb", keep_newlines=True) == "a\nb"
    True
    """
    if text.isprintable():  # the common case, checked in C
        return text
    out = []
    for ch in text:
        if ch == "\n" and keep_newlines:
            out.append(ch)
        elif ch in _SHOWN_AS:
            out.append(_SHOWN_AS[ch])
        elif _unsafe(ch):
            out.append(ascii(ch)[1:-1])
        else:
            out.append(ch)
    return "".join(out)


def _unsafe(ch: str) -> bool:
    code = ord(ch)
    return code < 0x20 or 0x7F <= code < 0xA0 or 0xD800 <= code < 0xE000 or (code & 0xFFFE) == 0xFFFE


def escape(text: str) -> str:
    r"""Text made safe inside an HTML-like graphviz label (control characters shown as escapes).

    >>> print(escape("<b> & \x0b"))
    &lt;b&gt; &amp; \x0b
    """
    return html.escape(visible(text), quote=True)


def quote(text: str) -> str:
    r"""A DOT double-quoted string; a newline in ``text`` stays a graphviz line break (``\n``), other
    control characters are shown as escapes."""
    text = visible(text, keep_newlines=True)
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


class HeatScale:
    """Maps |grad| to one of the ``HEAT`` colours on a log scale spanning the graph's gradients.

    >>> scale = HeatScale([0.001, 0.1, 10.0])
    >>> scale.index(10.0), scale.index(0.001), scale.index(0.0)
    (4, 0, None)
    """

    def __init__(self, grads: list[float]) -> None:
        mags = [abs(g) for g in grads if g != 0.0]
        self.high = max(mags, default=0.0)
        # Six decades at most: anything below shares the palest colour.
        self.low = max(min(mags, default=0.0), self.high * 1e-6)

    def index(self, g: float) -> int | None:
        """The bin of ``g`` (0 palest .. len(HEAT)-1 deepest), or None for an exact zero."""
        m = abs(g)
        if m == 0.0 or self.high == 0.0:
            return None
        if self.high == self.low:
            return len(HEAT) - 1
        t = math.log(max(m, self.low) / self.low) / math.log(self.high / self.low)
        return min(len(HEAT) - 1, int(t * len(HEAT)))

    def bounds(self, i: int) -> tuple[float, float]:
        """The |grad| range the colour ``HEAT[i]`` stands for."""
        if self.high == self.low:
            return self.low, self.high
        ratio = self.high / self.low
        return self.low * ratio ** (i / len(HEAT)), self.low * ratio ** ((i + 1) / len(HEAT))

    def legend(self, precision: int = 4) -> str:
        """An HTML-like label: one swatch per colour with the |grad| range it stands for."""
        rows = ['<TR><TD COLSPAN="2" ALIGN="LEFT"><B>|grad|</B></TD></TR>']
        if self.high == 0.0:  # before backward: every gradient is 0, so no colour is in use
            bins: range | list[int] = []
        else:
            bins = range(len(HEAT) - 1, -1, -1) if self.high != self.low else [len(HEAT) - 1]
        for i in bins:
            lo, hi = self.bounds(i)
            text = f"{lo:.2g} – {hi:.2g}" if lo != hi else f"{hi:.{precision}g}"
            rows.append(
                f'<TR><TD BGCOLOR="{HEAT[i]}" WIDTH="18" HEIGHT="12" FIXEDSIZE="TRUE"></TD>'
                f'<TD ALIGN="LEFT"><FONT POINT-SIZE="9" COLOR="{DATA_COLOR}">{text}</FONT></TD></TR>'
            )
        rows.append(
            f'<TR><TD BGCOLOR="#ffffff" BORDER="1" COLOR="#d3dae3" WIDTH="18" HEIGHT="12" FIXEDSIZE="TRUE"></TD>'
            f'<TD ALIGN="LEFT"><FONT POINT-SIZE="9" COLOR="{DATA_COLOR}">0</FONT></TD></TR>'
        )
        return (
            '<<TABLE BORDER="1" STYLE="ROUNDED" COLOR="#d3dae3" BGCOLOR="#ffffff" CELLBORDER="0" '
            f'CELLSPACING="2" CELLPADDING="2">{"".join(rows)}</TABLE>>'
        )
