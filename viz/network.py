"""``draw_network``: the textbook picture of a network, neurons as circles in columns joined by weights.

Reads a model through the ``nn`` contract only: an MLP's ``layers``, a layer's ``neurons``, a
neuron's ``w`` (list of Values), ``b``, ``activation`` and ``name``. A Layer or a single Neuron
draws as a one-layer network.
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

from autograd import Value, grad

from . import style
from .renderer import Graph
from .style import escape, format_number, quote

MAX_UNITS = 200  # circles; a 784-input network is drawn as a graph of numbers instead (viz.draw)
_LABEL_EDGES_UP_TO = 24  # weight values are written on the edges of small networks only


def _layers_of(model: Any) -> list[Any]:
    if hasattr(model, "layers"):
        layers = list(model.layers)
    elif hasattr(model, "neurons"):
        layers = [model]
    elif hasattr(model, "w") and hasattr(model, "b"):
        layers = [_OneNeuron(model)]
    else:
        raise TypeError(
            f"draw_network needs an nn.MLP, nn.Layer or nn.Neuron (something with .layers, .neurons or .w), "
            f"got {type(model).__name__}"
        )
    if not layers or any(not getattr(layer, "neurons", None) for layer in layers):
        raise ValueError("draw_network: the model has a layer without neurons")
    return layers


class _OneNeuron:
    """A single neuron seen as a layer of one, so every model is a list of layers."""

    def __init__(self, neuron: Any) -> None:
        self.neurons = [neuron]
        self.activation = getattr(neuron, "activation", "")
        self._neuron = neuron

    def __call__(self, x: Sequence[Value]) -> list[Value]:
        return [self._neuron(x)]


def _inputs(x: Any, nin: int) -> list[Value]:
    if isinstance(x, (str, bytes, Value)) or not hasattr(x, "__len__"):
        raise TypeError(f"x must be a sequence of {nin} numbers (one sample), got {type(x).__name__}: {x!r}")
    items = list(x.tolist() if hasattr(x, "tolist") else x)
    if len(items) != nin:
        raise ValueError(f"x must hold {nin} numbers, one per network input, got {len(items)}")
    return [v if isinstance(v, Value) else Value(v, label=f"x{i}") for i, v in enumerate(items, start=1)]


def draw_network(
    model: Any,
    x: Sequence[float] | None = None,
    *,
    loss: Callable[[Any], Value] | None = None,
    precision: int = 2,
    show_bias: bool = True,
    title: str | None = None,
    edges: str = "weight",
    legend: bool = True,
) -> Graph:
    """Draw ``model`` as circles in columns: inputs, each hidden layer, outputs (plus bias units).

    Edge thickness is |weight| and colour its sign (blue positive, orange negative); bias edges are
    dashed. Given one input sample ``x``, each circle shows the activation the model computes for
    it, shaded by sign and size. Given also ``loss``, a function of the model's output (a Value, or
    a list for several outputs) returning a Value, each circle shows the gradient of the loss with
    respect to that activation (found with ``autograd.grad``, so no ``.grad`` in the model changes).
    With ``edges="grad"`` the edges show each parameter's ``.grad`` instead of its value (after your
    own ``loss.backward()``: where the next step moves the weights most), thickness by |grad|, colour
    by sign. Every number is rounded to ``precision`` decimals; a legend says what the colours,
    widths and dashes mean (``legend=False`` leaves it out).

    >>> import nn
    >>> net = nn.MLP(2, [2, 1], "sigmoid", "sigmoid", weights=[[[0, 1], [0, 1]], [[0, 1]]])
    >>> g = draw_network(net, [2.0, 3.0])
    >>> "0.72" in g.source  # the output of the two-layer network in the neuron tutorial
    True
    """
    if not isinstance(edges, str) or edges not in _EDGE_QUANTITIES:
        raise ValueError(f"edges must be one of {', '.join(map(repr, _EDGE_QUANTITIES))}, got {edges!r}")
    layers = _layers_of(model)
    style.check_precision(precision)
    style.check_title(title)
    sizes = _sizes(layers)
    if loss is not None and x is None:
        raise ValueError("loss needs an input sample x to compute activations from")
    columns, loss_value, grads = _activations(layers, sizes, x, loss)
    picture = _Picture(layers, sizes, edges, precision, show_bias)
    key = picture.legend(x is not None, bool(grads)) if legend else ""
    graph = _network_graph(title, loss_value, precision, key)
    graph.body.extend(f"\t{line}\n" for line in picture.columns(columns, grads) + picture.edges())
    return graph


def _sizes(layers: list[Any]) -> list[int]:
    """Units per column (inputs first), refused when too many to draw as circles."""
    sizes = [len(layers[0].neurons[0].w)] + [len(layer.neurons) for layer in layers]
    if sum(sizes) > MAX_UNITS:
        raise ValueError(
            f"a network with {sum(sizes)} units ({' → '.join(map(str, sizes))}) is too big to draw as circles "
            f"(limit {MAX_UNITS}); draw a smaller model, or its graph with viz.draw(..., collapse='layer')"
        )
    return sizes


def _activations(layers: list[Any], sizes: list[int], x: Any, loss: Any
                 ) -> tuple[list[list[Value | None]], Value | None, dict[Value, float]]:
    """Each column's Values for the sample ``x`` (None without one), the loss, and d loss / d unit."""
    columns: list[list[Value | None]] = [[None] * n for n in sizes]
    if x is None:
        return columns, None, {}
    columns[0] = h = _inputs(x, sizes[0])
    for c, layer in enumerate(layers, start=1):
        h = list(layer(h))
        columns[c] = h
    if loss is None:
        return columns, None, {}
    if not callable(loss):
        raise TypeError(f"loss must be a function of the model's output returning a Value, got {loss!r}")
    out = columns[-1]
    loss_value = loss(out[0] if len(out) == 1 else out)  # as model(x) returns it: one output unit, one Value
    if not isinstance(loss_value, Value):
        raise TypeError(f"loss must return a Value, got {type(loss_value).__name__}: {loss_value!r}")
    units = [v for col in columns for v in col]
    return columns, loss_value, dict(zip(units, grad(loss_value, units, allow_unused=True)))


def _network_graph(title: str | None, loss_value: Value | None, precision: int, legend: str) -> Graph:
    """An empty network picture whose label (on top, where no edge runs) holds the title and the legend."""
    graph = Graph(
        name="network",
        format="svg",
        graph_attr={"rankdir": "LR", "splines": "line", "nodesep": "0.12", "ranksep": "1.3", "pad": "0.4",
                    "fontname": style.FONT, "bgcolor": "white", "outputorder": "edgesfirst"},
        node_attr={"fontname": style.FONT, "fontcolor": style.INK},
        edge_attr={"arrowhead": "none", "fontname": style.FONT, "fontsize": "9"},
    )
    caption = title or ""
    if loss_value is not None:
        caption = (caption + "   " if caption else "") + f"loss = {format_number(loss_value.data, precision)}"
    rows = f'<TR><TD><FONT POINT-SIZE="13"><B>{escape(caption)}</B></FONT></TD></TR>' if caption else ""
    rows += f"<TR><TD>{legend}</TD></TR>" if legend else ""
    if rows:
        graph.attr(label=f'<<TABLE BORDER="0" CELLSPACING="4">{rows}</TABLE>>', labelloc="t")
    return graph


class _Picture:
    """The columns, edges and legend of one network drawing."""

    def __init__(self, layers: list[Any], sizes: list[int], edges: str, precision: int, show_bias: bool) -> None:
        self.layers, self.sizes, self.edges_of, self.precision = layers, sizes, edges, precision
        self.show_bias = show_bias
        self.quantity = _EDGE_QUANTITIES[edges]
        params = [p for layer in layers for n in layer.neurons for p in (*n.w, n.b)]
        heaviest = max((abs(self.quantity(p)) for p in params), default=0.0)
        self.all_zero = heaviest == 0.0  # e.g. edges="grad" before any backward(): nothing to compare
        self.heaviest = heaviest or 1.0
        n_edges = sum(sizes[c] * sizes[c + 1] for c in range(len(layers)))
        self.labelled = n_edges <= _LABEL_EDGES_UP_TO
        self.big = max(sizes) > 8

    def columns(self, columns: list[list[Value | None]], grads: dict[Value, float]) -> list[str]:
        """A header, one circle per unit and the bias unit of each column, kept in order."""
        body: list[str] = []
        last = len(self.layers)
        for c, size in enumerate(self.sizes):
            kind = "input" if c == 0 else ("output" if c == last else "hidden")
            layer = self.layers[c - 1] if c else None
            activation = getattr(layer, "activation", "") if layer is not None else ""
            header = {"input": "inputs", "output": "output", "hidden": f"hidden {c}"}[kind]
            body.append(
                f'h{c} [shape=none, margin="0.02,0.12", label=<<FONT POINT-SIZE="11" COLOR="{style.MUTED}"><B>{header}</B>'
                + (f"<BR/>{escape(str(activation))}" if activation else "") + "</FONT>>]"
            )
            column = [f"h{c}"]
            scale = max([1.0] + [abs(v.data) for v in columns[c] if v is not None])
            for j in range(size):
                name = f"x{j + 1}" if c == 0 else _short_name(layer.neurons[j], j)
                v = columns[c][j]
                g = grads.get(v) if v is not None else None
                body.append(f"u{c}_{j} [{_unit(name, v, g, scale, kind, self.precision, self.big)}]")
                column.append(f"u{c}_{j}")
            if self.show_bias and c < last:
                body.append(f'b{c} [shape=circle, width=0.42, fixedsize=true, style=filled, fillcolor="#f3f4f6", '
                            f'color="#c3c8cf", fontsize=10, fontcolor="{style.MUTED}", label="+1", tooltip="bias unit"]')
                column.append(f"b{c}")
            body.append("{ rank=same; " + " -> ".join(column) + " [style=invis] }")  # keeps the column in order
        return body

    def edges(self) -> list[str]:
        """One edge per weight (and a dashed one per bias), into each neuron."""
        lines = []
        for c, layer in enumerate(self.layers, start=1):
            for j, neuron in enumerate(layer.neurons):
                for i, w in enumerate(neuron.w):
                    lines.append(f"u{c - 1}_{i} -> u{c}_{j} [{self._edge(w)}]")
                if self.show_bias:
                    lines.append(f"b{c - 1} -> u{c}_{j} [{self._edge(neuron.b)}, style=dashed]")
        return lines

    def _edge(self, p: Value) -> str:
        """An edge for one parameter: width by |quantity|, colour by sign, both numbers in its tooltip
        (and the quantity as a label on small networks: a label node of its own, placed by the
        layout between the columns, so labels sit on neither the circles nor each other)."""
        w = self.quantity(p)
        t = abs(w) / self.heaviest
        width = 0.4 + 3.4 * t
        # Light weights fade out so the strong connections carry the picture of a dense network.
        # A zero has no sign: drawn neutral, not as a faint "positive".
        sign = _ZERO_EDGE if w == 0 else (style.POSITIVE if w > 0 else style.NEGATIVE)
        color = sign + f"{round(0x50 + 0xaf * t):02x}"
        n = self.precision
        # Tooltips keep every digit, as draw's do; what the picture shows is rounded to ``precision``.
        tip = f"{p.label or 'weight'} = {p.data!r}" + (f", grad = {p.grad!r}" if p.grad else "")
        attrs = f'penwidth={width:.2f}, color="{color}", tooltip={quote(tip)}'
        if self.labelled:
            # On a white chip, so a line crossing behind the number does not strike it through.
            attrs += (f', label=<<TABLE BORDER="0" CELLPADDING="1" BGCOLOR="white"><TR><TD><FONT POINT-SIZE="9" '
                      f'COLOR="{color[:7]}">{format_number(w, n)}</FONT></TD></TR></TABLE>>')
        return attrs

    def legend(self, activations: bool, gradients: bool) -> str:
        """A one-line key (HTML-like table): what colours, widths and dashes mean."""
        what = "grad" if self.edges_of == "grad" else "weight"
        if self.all_zero:
            hint = ": call loss.backward() first" if what == "grad" else ""
            items = [(_swatch(_ZERO_EDGE), f"every {what} is 0{hint}")]
        else:
            items = self._edge_key(what)
        if self.show_bias:
            items.append((f'<FONT COLOR="{style.MUTED}"><B>- - -</B></FONT>', f"dashed: bias {what}, from +1"))
        if activations:
            items.append(("circle", "activation for this sample, shaded by sign and size"))
        if gradients:
            items.append((f'<FONT COLOR="{style.GRAD_COLOR}">grad</FONT>', "∂loss/∂activation"))
        cells = "".join(
            f'<TD ALIGN="RIGHT"><FONT POINT-SIZE="9">{key}</FONT></TD>'
            f'<TD ALIGN="LEFT"><FONT POINT-SIZE="9" COLOR="{style.DATA_COLOR}">{escape(text)}</FONT></TD>'
            for key, text in items
        )
        return (f'<TABLE BORDER="1" STYLE="ROUNDED" COLOR="#d3dae3" CELLBORDER="0" CELLSPACING="2" CELLPADDING="2">'
                f"<TR>{cells}</TR></TABLE>")

    def _edge_key(self, what: str) -> list[tuple[str, str]]:
        """The legend's entries for colour and width."""
        return [
            (_swatch(style.POSITIVE), f"positive {what}"),
            (_swatch(style.NEGATIVE), f"negative {what}"),
            ("width", f"|{what}|, thickest {format_number(self.heaviest, self.precision)}"),
        ]


_ZERO_EDGE = "#9aa3ad"  # a zero weight or gradient: neither positive nor negative


def _swatch(colour: str) -> str:
    return f'<TABLE BORDER="0" CELLPADDING="0"><TR><TD BGCOLOR="{colour}" WIDTH="26" HEIGHT="4" FIXEDSIZE="TRUE"></TD></TR></TABLE>'


def _short_name(neuron: Any, j: int) -> str:
    name = getattr(neuron, "name", "") or f"N{j + 1}"
    return name.rsplit(".", 1)[-1]


def _unit(name: str, v: Value | None, g: float | None, scale: float, kind: str, precision: int, big: bool) -> str:
    """A neuron's circle: its name, then its activation and gradient when known, shaded by activation."""
    size = 0.62 if big else 0.82
    if v is None:
        fill = style.ROLES["input" if kind == "input" else ("output" if kind == "output" else "intermediate")].fill
        rows = f"<B>{escape(name)}</B>"
        tip = name
    else:
        t = min(1.0, abs(v.data) / scale)  # scale >= 1: a sigmoid's 0.05 stays pale
        fill = _blend("#ffffff", style.POSITIVE if v.data >= 0 else style.NEGATIVE, 0.12 + 0.5 * t)
        rows = f'<FONT POINT-SIZE="8" COLOR="{style.DATA_COLOR}">{escape(name)}</FONT><BR/><B>{format_number(v.data, precision)}</B>'
        tip = f"{name} = {v.data!r}"
        if g is not None:
            rows += f'<BR/><FONT POINT-SIZE="8" COLOR="{style.GRAD_COLOR}">grad {format_number(g, precision)}</FONT>'
            tip += f"\nd loss / d {name} = {g!r}"
    border = style.ROLES["output"].border if kind == "output" else "#7b8794"
    return (f'shape=circle, fixedsize=true, width={size}, style=filled, fillcolor="{fill}", color="{border}", '
            f'penwidth=1.3, fontsize={9 if big else 11}, label=<{rows}>, tooltip={quote(tip)}')


_EDGE_QUANTITIES: dict[str, Callable[[Value], float]] = {"weight": lambda p: p.data, "grad": lambda p: p.grad}


def _blend(a: str, b: str, t: float) -> str:
    """The colour a fraction ``t`` of the way from hex colour ``a`` to ``b``."""
    ca = [int(a[k:k + 2], 16) for k in (1, 3, 5)]
    cb = [int(b[k:k + 2], 16) for k in (1, 3, 5)]
    return "#" + "".join(f"{round(x + (y - x) * t):02x}" for x, y in zip(ca, cb))
