"""Every neuron's output over a whole grid of input points at once: the engine's graph for one point,
replayed on numpy arrays through the op table's own forward rules.

The network is traced once (two input Values x₁, x₂ through the features and every layer); each
replay reads the parameters' current ``.data`` and runs each node's ``op.forward`` with a numpy
namespace, so a 40×40 heatmap of every neuron costs a few array operations per node instead of
1,600 scalar passes. The numbers come from the same rules that train the network.
"""

from __future__ import annotations

from typing import Any

import numpy as np

import autograd
from autograd import Value, numpy_math

from .playground_data import feature_values


class GridReplay:
    """Trace ``layers`` (an MLP's ``.layers``) once; ``run(x1, x2)`` gives every feature's and neuron's output.

    >>> import nn
    >>> net = nn.MLP(1, [2, 1], "tanh", seed=0)
    >>> replay = GridReplay(net.layers, ("x1^2",))
    >>> out = replay.run(np.array([0.5, -2.0]), np.zeros(2))
    >>> with autograd.no_grad():
    ...     expected = [net([x1 ** 2]).data for x1 in (0.5, -2.0)]
    >>> np.allclose(out["layers"][-1][0], expected)
    True
    """

    def __init__(self, layers: list, features: tuple[str, ...]) -> None:
        with autograd.enable_grad():
            self._x1, self._x2 = Value(0.0, label="x1"), Value(0.0, label="x2")
            self._features = feature_values(self._x1, self._x2, features)
            self._layers: list[list[Value]] = []
            h = self._features
            for layer in layers:
                h = layer(h)
                self._layers.append(list(h))
            root = autograd.sum([*self._features, *(v for outs in self._layers for v in outs)])
        self._order = autograd.topological_order(root)
        self._m = numpy_math  # the engine's numpy namespace: the op table's rules on arrays

    def run(self, x1: np.ndarray, x2: np.ndarray) -> dict[str, Any]:
        """``{"features": [array per feature], "layers": [[array per neuron] per layer]}`` at points (x1, x2)."""
        values: dict[int, Any] = {id(self._x1): x1, id(self._x2): x2}
        m = self._m
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            for node in self._order:
                if node.op is None:
                    if id(node) not in values:
                        values[id(node)] = node.data  # a parameter: its current value
                    continue
                values[id(node)] = node.op.forward(m, node.op_arg, *[values[id(p)] for p in node.parents])
        full = np.ones_like(x1)
        return {
            "features": [full * values[id(f)] for f in self._features],
            "layers": [[full * values[id(v)] for v in outs] for outs in self._layers],
        }
