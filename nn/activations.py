"""Activation functions by name, each mapped to the engine op of the same name, plus a stable softmax."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

import autograd
from autograd import Value

from ._checks import lookup


@dataclass(frozen=True)
class Activation:
    """A named activation. ``over_layer`` is True for softmax, which maps a whole layer's outputs at once.

    >>> from nn.activations import get
    >>> act = get("tanh")
    >>> act.name, act(Value(0.0)).data
    ('tanh', 0.0)
    """

    name: str
    fn: Callable
    over_layer: bool = False

    def __call__(self, x: Value) -> Value:
        return self.fn(x)


def _identity(x: Value) -> Value:
    return x


def softmax(values: Sequence[Value], group: str | None = None) -> list[Value]:
    """eᶻʲ / Σₖ eᶻᵏ over ``values``, computed stably: the max is subtracted first, as a constant.

    Every Value created gets ``.group = group``; labels read ``<group>.e1``, ``<group>.Σe``, ``<group>.p1``.

    >>> from nn.activations import softmax
    >>> p = softmax([Value(1.0), Value(1.0)])
    >>> [q.data for q in p], p[0].label
    ([0.5, 0.5], 'softmax.p1')
    """
    prefix = group or "softmax"
    values = _as_values(values, "softmax")
    # The shift changes no output and, being a constant (the op's argument, not a node), no gradient:
    # it only keeps exp from overflowing.
    shift = max(v.data for v in values)
    shifted = [v - shift for v in values]
    exps = [d.exp() for d in shifted]
    total = autograd.sum(exps)
    probs = [e / total for e in exps]
    total.group = group
    total.label = f"{prefix}.Σe"
    # Tag through our own references, not .parents: under no_grad nodes record no parents.
    for j, (d, e, p) in enumerate(zip(shifted, exps, probs), start=1):
        d.group = e.group = p.group = group
        e.label = f"{prefix}.e{j}"
        p.label = f"{prefix}.p{j}"
    return probs


def perceptron_sign(z: Value) -> Value:
    """The neural-network basics tutorial's perceptron step: 1 if the input is positive and −1 if it is not (so −1 at 0).

    >>> perceptron_sign(Value(0.0)).data, perceptron_sign(Value(2.5)).data
    (-1.0, 1.0)
    """
    return z.sign(at_zero=-1.0)


def _as_values(values: Sequence[Value], what: str) -> list[Value]:
    values = list(values)
    if not values:
        raise ValueError(f"{what} needs at least one value, got an empty sequence")
    for i, v in enumerate(values):
        if not isinstance(v, Value):
            raise TypeError(f"{what} expects Values, item {i} is {type(v).__name__}: {v!r}")
    return values


ACTIVATIONS: dict[str, Activation] = {
    a.name: a
    for a in (
        Activation("identity", _identity),
        Activation("sign", perceptron_sign),
        Activation("sigmoid", Value.sigmoid),
        Activation("tanh", Value.tanh),
        Activation("relu", Value.relu),
        Activation("leaky_relu", Value.leaky_relu),  # slope 0.01
        Activation("elu", Value.elu),  # alpha 1.0
        Activation("gelu", Value.gelu),
        Activation("softplus", Value.softplus),
        Activation("silu", Value.silu),
        Activation("softmax", softmax, over_layer=True),
    )
}
IDENTITY = ACTIVATIONS["identity"]


def get(activation: str | Callable) -> Activation:
    """Look up an activation by name, or wrap a callable ``Value -> Value`` (named after the function).

    >>> from nn import activations
    >>> activations.get("relu")(Value(-2.0)).data
    0.0
    >>> activations.get(lambda v: v * 2).name
    '<lambda>'
    """
    if isinstance(activation, Activation):
        return activation
    found = lookup(ACTIVATIONS, activation, "activation", "activations")
    if isinstance(found, Activation):
        return found
    return Activation(getattr(found, "__name__", type(found).__name__), found)
