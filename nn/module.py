"""The ``Module`` base class: finds a model's parameters by name, and saves, loads and resets them.

A module's parameters are the Values it holds in public attributes, directly, in lists, or inside
child modules; they are named by the attribute path (``layers.0.neurons.3.w.1``, indices from 0).
"""

from __future__ import annotations

import os
from typing import Any, Callable, Iterator, Mapping, TypeVar

from autograd import Value, zero_grad

from . import serialization
from ._checks import real
from .init import constant

M = TypeVar("M", bound="Module")

MAX_PARAMETERS = 3_000_000
"""A file claiming a larger model is refused before anything is built (what ``MAX_FILE_BYTES`` holds)."""

_REBUILDABLE: dict[str, type["Module"]] = {}


def rebuildable(cls: type[M]) -> type[M]:
    """Class decorator: ``load_model`` may rebuild ``cls`` from a file's architecture.

    The class must take its ``config()`` (minus ``"type"``) plus ``init=`` as constructor arguments,
    and have a classmethod ``count_parameters(config)`` that checks the claimed shape and returns how
    many parameters it implies, without building anything (so a file claiming a billion inputs costs nothing).
    """
    _REBUILDABLE[cls.__name__] = cls
    return cls


class _Load:
    """``model.load(path)`` loads parameters into ``model``; ``MLP.load(path)`` on the class rebuilds the saved model."""

    def __get__(self, instance: Module | None, owner: type[Module]) -> Callable[[str | os.PathLike], Any]:
        if instance is None:
            def load(path: str | os.PathLike) -> Module:
                return load_model(path, expected=owner)
            load.__doc__ = f"Rebuild the {owner.__name__} saved in ``path`` (see ``nn.load_model``)."
        else:
            def load(path: str | os.PathLike) -> None:
                load_into(instance, path)
            load.__doc__ = "Load the parameters saved in ``path`` into this model; ValueError (model unchanged) on a mismatch."
        return load

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
        """Set every parameter's ``.grad`` to 0 (before the next ``backward``): ``autograd.zero_grad``."""
        zero_grad(self.parameters())

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
            try:
                values.append(real(state[name], f"parameter {name!r}"))
            except (TypeError, ValueError):
                raise ValueError(f"parameter {name!r} must be a finite number, got "
                                 f"{serialization.short_repr(state[name])}") from None
        for (_, p), x in zip(named, values):
            p.data = x

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.num_parameters()} parameters)"

    def save(self, path: str | os.PathLike) -> None:
        """Write the architecture and every named parameter to a human-readable JSON file, atomically.

        Read it back with ``model.load(path)`` (into this model, in place), ``type(model).load(path)``
        on the class or ``nn.load_model(path)`` (a new model).

        >>> import tempfile, os
        >>> from nn import Neuron
        >>> path = os.path.join(tempfile.mkdtemp(), "neuron.json")
        >>> Neuron(1, weights=[0.5], bias=0.25).save(path)
        >>> twin = Neuron(1, weights=[0.0], bias=0.0); twin.load(path); twin.state_dict()
        {'w.0': 0.5, 'b': 0.25}
        >>> Neuron.load(path)
        Neuron(N1: 1 → 1, identity, w=[0.5], b=0.25)
        """
        serialization.save(path, self.config(), self.state_dict())

    load = _Load()


def load_into(module: Module, path: str | os.PathLike) -> None:
    """Load the parameters in ``path`` into ``module``; ValueError naming the first mismatch, module unchanged.

    >>> import tempfile, os, nn
    >>> path = os.path.join(tempfile.mkdtemp(), "net.json")
    >>> nn.MLP(2, [1], seed=0).save(path)
    >>> nn.MLP(2, [3, 1]).load(path)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: ...net.json holds a different architecture: sizes is [1] in the file but [3, 1] in this model
    """
    document = serialization.read(path)
    saved, own = document["architecture"], module.config()
    for key in [*own, *(k for k in saved if k not in own)]:
        if saved.get(key) != own.get(key):
            raise ValueError(f"{path} holds a different architecture: {key} is {serialization.short_repr(saved.get(key))} "
                             f"in the file but {own.get(key)!r} in this model")
    _load_parameters(module, document, path)


def load_model(path: str | os.PathLike, *, expected: type[M] | None = None) -> M:
    """Rebuild the ``Neuron``, ``Layer`` or ``MLP`` saved in ``path``, parameters included.

    The claimed shape is checked against the parameters the file holds before anything is built.
    ``expected`` (what ``MLP.load`` passes) refuses a file that holds another kind of model. Models
    with a custom activation function cannot be rebuilt from its name: construct them yourself and
    call ``model.load(path)``.

    >>> import tempfile, os, nn
    >>> path = os.path.join(tempfile.mkdtemp(), "net.json")
    >>> nn.MLP(2, [3, 1], activation="tanh", seed=0).save(path)
    >>> load_model(path)
    MLP(2 → [3, 1], tanh → identity, 13 parameters)
      Layer(L1: 2 → 3, tanh, 9 parameters)
      Layer(L2: 3 → 1, identity, 4 parameters)
    """
    document = serialization.read(path)
    cls = _rebuildable_class(path, document["architecture"], expected)
    architecture = {k: v for k, v in document["architecture"].items() if k != "type"}
    try:
        claimed = cls.count_parameters(architecture)
    except (TypeError, ValueError, KeyError) as exc:
        raise ValueError(f"{path}: cannot rebuild the {cls.__name__} it describes: {exc}") from None
    held = len(document["parameters"])
    if claimed != held or claimed > MAX_PARAMETERS:
        limit = f" (at most {MAX_PARAMETERS:,} can be loaded)" if claimed > MAX_PARAMETERS else ""
        amount = f"{claimed:,}" if claimed < 10**12 else f"about 10^{len(str(claimed)) - 1}"
        raise ValueError(f"{path}: its architecture implies {amount} parameters but the file holds {held:,}{limit}")
    try:
        model = cls(**architecture, init=constant(0.0))  # every weight is overwritten below
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{path}: cannot rebuild the {cls.__name__} it describes: {exc}") from None
    _load_parameters(model, document, path)
    return model


def _rebuildable_class(path: str | os.PathLike, architecture: dict[str, Any], expected: type | None) -> type:
    kind = architecture.get("type")
    if not isinstance(kind, str) or kind not in _REBUILDABLE:
        raise ValueError(f"{path}: cannot rebuild a model of type {serialization.short_repr(kind)}; "
                         f"known types: {', '.join(_REBUILDABLE)}")
    cls = _REBUILDABLE[kind]
    if expected is not None and not issubclass(cls, expected):
        if expected.__name__ not in _REBUILDABLE and expected is not Module:
            raise ValueError(f"{path}: {expected.__name__}.load(path) cannot rebuild a custom module; "
                             f"construct a {expected.__name__} and call its .load(path)")
        raise ValueError(f"{path} holds {_a(kind)}, not {_a(expected.__name__)}: use nn.{kind}.load(path) "
                         f"or nn.load_model(path)")
    return cls


def _a(name: str) -> str:
    """``name`` with its article, as read aloud: "an MLP", "a Neuron"."""
    return f"{'an' if name[0] in 'AEFHILMNORSX' and name.isupper() or name[0] in 'AEIOU' else 'a'} {name}"


def _load_parameters(module: Module, document: dict[str, Any], path: str | os.PathLike) -> None:
    try:
        module.load_state_dict(document["parameters"])
    except ValueError as exc:
        raise ValueError(f"{path}: {exc}") from None


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
