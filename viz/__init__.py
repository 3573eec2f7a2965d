"""Pictures of computation graphs and networks: graphviz drawings, chain-rule tables and text trees.

``draw`` returns a ``graphviz.Digraph`` (shown inline in Jupyter), ``save`` writes SVG/PNG/PDF/DOT,
``draw_network`` draws a model as circles and weighted edges, ``explain`` tabulates the chain rule,
``tree`` prints the graph as text, ``snapshot`` gives a graph's numbers as JSON for live views, ``explore``
serves a live page to drag inputs and watch every value and gradient change, ``backward_steps`` gives the reverse pass one ``Step`` (caption, gradients, picture) per node and ``save_steps`` writes it as a page to step through, ``playground()`` trains a small MLP live in the browser. ``python -m viz "expression" x=2 -o graph.svg`` does it from a shell.

>>> import viz
>>> x = Value(2.0, label="x"); y = (x * x).sin(); y.backward()
>>> "x" in viz.draw(y).source
True
"""

from .explain import Explanation, explain
from .explorer import ExplorerServer, explore
from .flipbook import save_steps
from .graph import draw
from .network import draw_network
from .renderer import Graph, RendererNotFoundError, find_renderer, render
from .save import save
from .snapshot import snapshot
from .steps import Step, backward_steps
from .tree import tree

__all__ = [
    "draw", "save", "draw_network", "explain", "Explanation", "tree", "backward_steps", "Step", "save_steps",
    "Graph", "RendererNotFoundError", "find_renderer", "render", "playground", "snapshot", "explore", "ExplorerServer",
]


def __getattr__(name: str):
    """``viz.playground`` is loaded on first use: it trains with ``nn``, which the pictures do not need;
    ``viz.Explorer`` too: it needs the optional anywidget (``pip install "valuegrad[jupyter]"``)."""
    if name == "playground":
        from .playground_server import playground

        return playground
    if name == "Explorer":
        from .widget import Explorer

        return Explorer
    raise AttributeError(f"module 'viz' has no attribute {name!r}")
