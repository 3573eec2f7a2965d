"""The building blocks of a network: ``Neuron``, ``Layer`` (neurons side by side) and ``MLP`` (layers in a row).

Every Value a module creates carries a readable ``label`` and a ``group`` naming the module
(``"L1.N3"``), so pictures of the graph show which neuron computed what.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable, Sequence

import numpy as np

import autograd
from autograd import Value

from . import activations as _activations
from . import init as _init
from ._checks import make_rng, positive_int, real
from .module import Module, rebuildable

Seed = int | np.random.Generator | None

MAX_LAYERS = 1000
"""An MLP read from a file may claim at most this many layers (a list of a million widths is refused unread)."""


def _claimed(config: dict[str, Any], key: str) -> Any:
    """``config[key]`` from a file's architecture, or a ValueError saying it is missing."""
    if key not in config:
        raise ValueError(f"the architecture has no {key!r}")
    return config[key]


def _check_name(name: Any, what: str) -> str:
    if not isinstance(name, str) or not name:
        raise TypeError(f"{what} name must be a non-empty str, got {name!r}")
    return name


def _input_length(module: str, x: Any, expected: int) -> None:
    """Raise unless ``x`` is a sequence of ``expected`` items (the one check a forward pass makes)."""
    try:
        got = len(x)
    except TypeError:
        raise TypeError(f"{module} expects a sequence of {expected} inputs (Values or numbers), "
                        f"got {type(x).__name__}: {x!r}") from None
    if got != expected:
        raise ValueError(f"{module} expects {expected} inputs, got {got}" + _batch_hint(x, expected))


def _batch_hint(x: Any, expected: int) -> str:
    """A hint when ``x`` looks like a whole batch (rows of ``expected`` numbers): a model takes one sample."""
    if getattr(x, "ndim", 1) == 2 and x.shape[1] == expected:
        return _ONE_SAMPLE_AT_A_TIME
    first = x[0] if len(x) and isinstance(x, (list, tuple)) else None
    return _ONE_SAMPLE_AT_A_TIME if isinstance(first, (list, tuple)) and len(first) == expected else ""


_ONE_SAMPLE_AT_A_TIME = "; a model takes one sample: [model(x) for x in X.tolist()], or nn.predict(model, X) for a batch"


def _as_list(x: Any, module: str) -> Any:
    """Rows of numpy arrays become lists of floats once, instead of numpy scalars at every neuron."""
    if type(x) is np.ndarray:
        if x.ndim != 1:
            raise ValueError(f"{module} expects one sample (a 1-D array), got an array of shape {x.shape}"
                             + _ONE_SAMPLE_AT_A_TIME)
        return x.tolist()
    return x


@rebuildable
class Neuron(Module):
    """One neuron: ``activation(w · x + b)``, the weighted sum being a single ``autograd.dot`` node.

    Weights come from ``weights`` if given, else from the ``init`` scheme (see ``nn.init``), seeded by
    ``seed``; the bias likewise from ``bias`` or the scheme (0 for the random schemes).

    >>> n = Neuron(2, "sigmoid", weights=[0.0, 1.0], bias=4.0)   # the neuron of the backpropagation tutorial
    >>> y = n([2.0, 3.0])
    >>> round(y.data, 4), y.label, y.group, n.w[1].label
    (0.9991, 'N1.out', 'N1', 'N1.w2')
    """

    def __init__(
        self,
        nin: int,
        activation: str | Callable = "identity",
        *,
        init: str | _init.Initializer = "uniform",
        seed: Seed = None,
        weights: Sequence[float] | None = None,
        bias: float | None = None,
        name: str = "N1",
    ) -> None:
        self.nin = positive_int(nin, "Neuron nin")
        self.name = _check_name(name, "Neuron")
        act = _activations.get(activation)
        if act.over_layer:
            raise ValueError(f"{act.name} normalises across a layer's outputs, so a single Neuron cannot use it; "
                             "give it to a Layer or as an MLP's output_activation")
        if weights is None or bias is None:
            drawn_w, drawn_b = _init.draw(init, make_rng(seed), self.nin, 1)
        w = drawn_w[0] if weights is None else _init.as_matrix(weights, (self.nin,), f"{name} weights")
        b = drawn_b[0] if bias is None else real(bias, f"{name} bias")
        self.w = [Value(float(wk), label=f"{name}.w{k}") for k, wk in enumerate(w, start=1)]
        self.b = Value(float(b), label=f"{name}.b")
        for p in (*self.w, self.b):
            p.group = name
        self.activation = act.name
        # Identity adds no node: z itself is the output.
        self._fn = None if act is _activations.IDENTITY else act.fn
        self._labels = (f"{name}.w·x", f"{name}.z", f"{name}.out")

    def __call__(self, x: Sequence[Value | float]) -> Value:
        try:  # only a length check on the hot path; _input_length words the error
            if len(x) != self.nin:
                _input_length(self.name, x, self.nin)
        except TypeError:
            _input_length(self.name, x, self.nin)
        if type(x) is np.ndarray:
            x = _as_list(x, self.name)
        s = autograd.dot(self.w, x)
        z = s + self.b
        group = self.name
        s.label, z.label, out_label = self._labels
        s.group = z.group = group
        fn = self._fn
        if fn is None:
            return z
        out = fn(z)
        if out is not z:
            if not isinstance(out, Value):
                raise TypeError(f"{group}: activation {self.activation!r} must return a Value, "
                                f"got {type(out).__name__}: {out!r}")
            out.label = out_label
            out.group = group
        return out

    def config(self) -> dict[str, Any]:
        return {"type": "Neuron", "nin": self.nin, "activation": self.activation, "name": self.name}

    @classmethod
    def count_parameters(cls, config: dict[str, Any]) -> int:
        """How many parameters the Neuron ``config`` describes, without building it. ``nin + 1``"""
        return positive_int(_claimed(config, "nin"), "nin") + 1

    def __repr__(self) -> str:
        if self.nin <= 6:
            weights = ", ".join(f"{p.data:.4g}" for p in self.w)
            return f"Neuron({self.name}: {self.nin} → 1, {self.activation}, w=[{weights}], b={self.b.data:.4g})"
        return f"Neuron({self.name}: {self.nin} → 1, {self.activation}, {self.num_parameters()} parameters)"


@rebuildable
class Layer(Module):
    """``nout`` neurons reading the same inputs; calling it always returns a list of ``nout`` Values.

    Neurons are named ``<name>.N1``, ``<name>.N2``, ...; ``weights`` (shape ``(nout, nin)``, one row
    per neuron) and ``biases`` (``(nout,)``) override the ``init`` scheme. With ``"softmax"`` the
    neurons stay linear and the softmax maps their outputs together.

    >>> layer = Layer(2, 2, "sigmoid", weights=[[0, 1], [0, 1]], biases=[0, 0])
    >>> [round(h.data, 4) for h in layer([2.0, 3.0])]
    [0.9526, 0.9526]
    >>> layer.neurons[1].name
    'L1.N2'
    """

    def __init__(
        self,
        nin: int,
        nout: int,
        activation: str | Callable = "identity",
        *,
        init: str | _init.Initializer = "uniform",
        seed: Seed = None,
        weights: Sequence[Sequence[float]] | None = None,
        biases: Sequence[float] | None = None,
        name: str = "L1",
    ) -> None:
        self.nin = positive_int(nin, "Layer nin")
        self.nout = positive_int(nout, "Layer nout")
        self.name = _check_name(name, "Layer")
        act = _activations.get(activation)
        shape = (self.nout, self.nin)
        drawn_w, drawn_b = _init.draw(init, make_rng(seed), self.nin, self.nout)
        w = drawn_w if weights is None else _init.as_matrix(weights, shape, f"{name} weights (one row per neuron)")
        b = drawn_b if biases is None else _init.as_matrix(biases, (self.nout,), f"{name} biases")
        neuron_activation = _activations.IDENTITY if act.over_layer else act
        self.neurons = [
            Neuron(self.nin, neuron_activation, weights=w[j], bias=b[j], name=f"{name}.N{j + 1}")
            for j in range(self.nout)
        ]
        self.activation = act.name
        self._over_layer = act.fn if act.over_layer else None

    def __call__(self, x: Sequence[Value | float]) -> list[Value]:
        _input_length(self.name, x, self.nin)
        x = _as_list(x, self.name)
        outs = [n(x) for n in self.neurons]
        if self._over_layer is not None:
            return self._over_layer(outs, group=self.name)
        return outs

    def config(self) -> dict[str, Any]:
        return {"type": "Layer", "nin": self.nin, "nout": self.nout, "activation": self.activation, "name": self.name}

    @classmethod
    def count_parameters(cls, config: dict[str, Any]) -> int:
        """How many parameters the Layer ``config`` describes, without building it. ``(nin + 1) · nout``"""
        return (positive_int(_claimed(config, "nin"), "nin") + 1) * positive_int(_claimed(config, "nout"), "nout")

    def __repr__(self) -> str:
        return f"Layer({self.name}: {self.nin} → {self.nout}, {self.activation}, {self.num_parameters()} parameters)"


@rebuildable
class MLP(Module):
    """A multilayer perceptron: layers ``L1``..``Ln`` of the given ``sizes``, ``activation`` on the hidden
    layers and ``output_activation`` on the last. Calling it returns one Value when the last layer has one
    neuron (as in micrograd, so ``model(x).backward()`` works) and a list of Values when it has several.

    One generator seeded by ``seed`` draws every layer in order, so the same seed gives the same
    network. ``weights`` / ``biases`` give every layer's matrix / vector explicitly (as for ``Layer``).

    >>> net = MLP(2, [2, 1], "sigmoid", "sigmoid", weights=[[[0, 1], [0, 1]], [[0, 1]]])  # the backpropagation tutorial
    >>> round(net([2.0, 3.0]).data, 4)
    0.7216
    >>> net.sizes, net.num_parameters()
    ([2, 2, 1], 9)
    """

    def __init__(
        self,
        nin: int,
        sizes: Iterable[int],
        activation: str | Callable = "relu",
        output_activation: str | Callable = "identity",
        *,
        init: str | _init.Initializer = "uniform",
        seed: Seed = None,
        weights: Sequence[Any] | None = None,
        biases: Sequence[Any] | None = None,
    ) -> None:
        self.nin = positive_int(nin, "MLP nin")
        # Any iterable of widths will do (a list, a tuple, a numpy array), but not a string.
        widths = [] if isinstance(sizes, (str, bytes)) or not isinstance(sizes, Iterable) else list(sizes)
        if not widths:
            raise TypeError(f"MLP sizes must be a non-empty list of layer widths, such as [16, 1], got {sizes!r}")
        self.sizes = [self.nin] + [positive_int(s, f"MLP sizes[{i}]") for i, s in enumerate(widths)]
        n = len(widths)
        for what, given in (("weights", weights), ("biases", biases)):
            if given is not None and len(given) != n:
                raise ValueError(f"MLP {what} must hold one entry per layer ({n}), got {len(given)}")
        rng = make_rng(seed)
        self.layers = [
            Layer(
                self.sizes[i], self.sizes[i + 1], activation if i < n - 1 else output_activation,
                init=init, seed=rng, name=f"L{i + 1}",
                weights=None if weights is None else weights[i],
                biases=None if biases is None else biases[i],
            )
            for i in range(n)
        ]
        self.activation = _activations.get(activation).name
        self.output_activation = self.layers[-1].activation

    def __call__(self, x: Sequence[Value | float]) -> Value | list[Value]:
        _input_length("MLP", x, self.nin)
        x = _as_list(x, "MLP")
        for layer in self.layers:
            x = layer(x)
        # One output is a bare Value (micrograd's habit); only the last layer unwraps, so a
        # one-neuron hidden layer still passes a list on.
        return x[0] if len(x) == 1 else x

    def config(self) -> dict[str, Any]:
        return {"type": "MLP", "nin": self.nin, "sizes": self.sizes[1:],
                "activation": self.activation, "output_activation": self.output_activation}

    @classmethod
    def count_parameters(cls, config: dict[str, Any]) -> int:
        """How many parameters the MLP ``config`` describes, without building it.

        >>> MLP.count_parameters({"nin": 2, "sizes": [16, 16, 1]})
        337
        """
        sizes = _claimed(config, "sizes")
        if not isinstance(sizes, list) or not 1 <= len(sizes) <= MAX_LAYERS:
            raise ValueError(f"sizes must be a list of 1 to {MAX_LAYERS} layer widths, got "
                             f"{f'{len(sizes)} widths' if isinstance(sizes, list) else type(sizes).__name__}")
        widths = [positive_int(_claimed(config, "nin"), "nin")]
        widths += [positive_int(s, f"sizes[{i}]") for i, s in enumerate(sizes)]
        return sum((a + 1) * b for a, b in zip(widths, widths[1:]))

    def __repr__(self) -> str:
        head = (f"MLP({self.nin} → {self.sizes[1:]}, {self.activation} → {self.output_activation}, "
                f"{self.num_parameters()} parameters)")
        return "\n  ".join([head, *map(repr, self.layers)])
