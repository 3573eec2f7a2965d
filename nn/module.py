"""The ``Module`` base class: finds a model's parameters by name, and saves, loads and resets them.

A module's parameters are the Values it holds in public attributes, directly, in lists, or inside
child modules; they are named by the attribute path (``layers.0.neurons.3.w.1``, indices from 0).
"""

from __future__ import annotations

import math
import numbers
import os
from typing import Any, Iterator, Mapping

from autograd import Value


class Module:
    """Base class of ``Neuron``, ``Layer`` and ``MLP``; subclass it to make your own model.

    >>> class Line(Module):
    ...     def __init__(self):
    ...         self.slope, self.intercept = Value(2.0), Value(1.0)
    ...     def __call__(self, x):
    ...         return self.slope * x + self.intercept
    >>> line = Line()
    >>> line.named_parameters()
    [('slope', Value(data=2.0, grad=0.0)), ('intercept', Value(data=1.0, grad=0.0))]
    >>> line.state_dict()
    {'slope': 2.0, 'intercept': 1.0}
    """

    def named_parameters(self) -> list[tuple[str, Value]]:
        """Every parameter once, with its dotted attribute path, in a stable order."""
        seen: set[int] = set()
        named = []
        for name, value in _walk(self, ""):
            if id(value) not in seen:  # a Value shared by two modules is one parameter
                seen.add(id(value))
                named.append((name, value))
        return named

    def parameters(self) -> list[Value]:
        """Every parameter once, in the order of ``named_parameters``."""
        return [value for _, value in self.named_parameters()]

    def num_parameters(self) -> int:
        """How many scalar parameters the module has."""
        return len(self.named_parameters())

    def zero_grad(self) -> None:
        """Set every parameter's ``.grad`` to 0 (before the next ``backward``)."""
        for p in self.parameters():
            p.grad = 0.0

    def config(self) -> dict[str, Any]:
        """The architecture as plain JSON data (``{"type": ..., constructor arguments...}``)."""
        return {"type": type(self).__name__}

    def state_dict(self) -> dict[str, float]:
        """``{name: value}`` for every parameter: the numbers that define a trained model."""
        return {name: p.data for name, p in self.named_parameters()}

    def load_state_dict(self, state: Mapping[str, float]) -> None:
        """Copy values from ``state`` into the parameters, checking all of it before changing any.

        Raises ValueError naming the first missing or unexpected name, or the first value that is
        not a finite number; the module is then left unchanged.

        >>> from nn import Neuron
        >>> n = Neuron(1, weights=[0.5], bias=0.0)
        >>> n.load_state_dict({"w.0": 2.0, "b": -1.0}); n.w[0].data
        2.0
        """
        if not isinstance(state, Mapping):
            raise TypeError(f"load_state_dict expects a mapping of names to numbers, got {type(state).__name__}")
        named = self.named_parameters()
        names = {name for name, _ in named}
        for name, _ in named:
            if name not in state:
                raise ValueError(f"state is missing parameter {name!r} (expected the {len(named)} names of "
                                 f"this {type(self).__name__}, got {len(state)})")
        for name in state:
            if name not in names:
                raise ValueError(f"state has unexpected parameter {name!r}: this {type(self).__name__} has no such parameter")
        values = []
        for name, _ in named:
            x = state[name]
            if isinstance(x, bool) or not isinstance(x, numbers.Real) or not math.isfinite(x):
                raise ValueError(f"parameter {name!r} must be a finite number, got {x!r}")
            values.append(float(x))
        for (_, p), x in zip(named, values):
            p.data = x

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.num_parameters()} parameters)"

    def save(self, path: str | os.PathLike) -> None:
        """Write the architecture and every named parameter to a human-readable JSON file.

        >>> import tempfile, os
        >>> from nn import Neuron
        >>> path = os.path.join(tempfile.mkdtemp(), "neuron.json")
        >>> Neuron(1, weights=[0.5], bias=0.25).save(path)
        >>> twin = Neuron(1, weights=[0.0], bias=0.0); twin.load(path); twin.state_dict()
        {'w.0': 0.5, 'b': 0.25}
        """
        from .serialization import save

        save(self, path)

    def load(self, path: str | os.PathLike) -> None:
        """Load parameters saved by ``save`` into this module; ValueError (module unchanged) on any mismatch."""
        from .serialization import load_into

        load_into(self, path)


def _walk(obj: Any, name: str) -> Iterator[tuple[str, Value]]:
    """Yield (path, Value) for every Value reachable through public attributes, lists and tuples."""
    if isinstance(obj, Value):
        yield name, obj
    elif isinstance(obj, Module):
        prefix = f"{name}." if name else ""
        for attr, value in vars(obj).items():
            if not attr.startswith("_"):
                yield from _walk(value, prefix + attr)
    elif isinstance(obj, (list, tuple)):
        for i, item in enumerate(obj):
            yield from _walk(item, f"{name}.{i}")
