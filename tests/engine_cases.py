"""Every engine op as a test case: how to apply it to Values and where it is smooth."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from typing import Callable, Sequence

import autograd
from autograd import Value

Interval = tuple[float, float]
SMOOTH = ((-8.0, 8.0),)
AWAY_FROM_ZERO = ((-10.0, -0.01), (0.01, 10.0))  # kinks of relu, abs, sign, leaky_relu and elu sit at 0
POSITIVE = ((0.05, 50.0),)


@dataclass(frozen=True)
class Case:
    """One way of calling an op: ``apply`` takes one Value per domain and returns a Value.

    ``domains`` gives, per input, the intervals where the op is defined and smooth (a kink or
    a pole is never inside one, and stays at least 0.01 away from its ends).
    """

    name: str
    apply: Callable[..., Value]
    domains: tuple[tuple[Interval, ...], ...]

    @property
    def arity(self) -> int:
        return len(self.domains)

    def op_name(self) -> str:
        """The name of the op this case records, found by running it at a point of its domain."""
        point = [Value(sum(d[0]) / 2) for d in self.domains]
        return self.apply(*point).op.name


def sample(domain: Sequence[Interval], rng: random.Random) -> float:
    """A point of ``domain``, every interval equally likely."""
    lo, hi = rng.choice(list(domain))
    return rng.uniform(lo, hi)


def _unary(name: str, apply: Callable[[Value], Value], domain: Sequence[Interval] = SMOOTH) -> Case:
    return Case(name, apply, (tuple(domain),))


TAN_DOMAIN = ((-1.3, 1.3), (math.pi - 1.3, math.pi + 1.3))  # poles at ±π/2 and 3π/2

UNARY: list[Case] = [
    _unary("neg", lambda x: -x),
    _unary("exp", lambda x: x.exp(), ((-20.0, 20.0),)),
    _unary("log", lambda x: x.log(), POSITIVE),
    _unary("sqrt", lambda x: x.sqrt(), POSITIVE),
    _unary("sin", lambda x: x.sin(), ((-10.0, 10.0),)),
    _unary("cos", lambda x: x.cos(), ((-10.0, 10.0),)),
    _unary("tan", lambda x: x.tan(), TAN_DOMAIN),
    _unary("tanh", lambda x: x.tanh()),
    _unary("sigmoid", lambda x: x.sigmoid()),
    _unary("softplus", lambda x: x.softplus()),
    _unary("silu", lambda x: x.silu()),
    _unary("gelu", lambda x: x.gelu()),
    _unary("erf", lambda x: x.erf()),
    _unary("relu", lambda x: x.relu(), AWAY_FROM_ZERO),
    _unary("leaky_relu", lambda x: x.leaky_relu(0.1), AWAY_FROM_ZERO),
    _unary("elu", lambda x: x.elu(), AWAY_FROM_ZERO),
    _unary("elu(alpha=0.5)", lambda x: x.elu(0.5), AWAY_FROM_ZERO),
    _unary("abs", lambda x: abs(x), AWAY_FROM_ZERO),
    _unary("sign", lambda x: x.sign(), AWAY_FROM_ZERO),
    _unary("x**2", lambda x: x ** 2, ((-5.0, 5.0),)),
    _unary("x**3", lambda x: x ** 3, ((-5.0, 5.0),)),
    _unary("x**-2", lambda x: x ** -2, ((-5.0, -0.2), (0.2, 5.0))),
    _unary("x**0.5", lambda x: x ** 0.5, POSITIVE),
    _unary("x**-1.5", lambda x: x ** -1.5, ((0.2, 5.0),)),
    # A plain number on either side of a binary operator.
    _unary("x + 2.5", lambda x: x + 2.5),
    _unary("2.5 + x", lambda x: 2.5 + x),
    _unary("x - 2.5", lambda x: x - 2.5),
    _unary("2.5 - x", lambda x: 2.5 - x),
    _unary("x * 2.5", lambda x: x * 2.5),
    _unary("2.5 * x", lambda x: 2.5 * x),
    _unary("x / 2.5", lambda x: x / 2.5),
    _unary("2.5 / x", lambda x: 2.5 / x, ((-5.0, -0.2), (0.2, 5.0))),
    _unary("2.5 ** x", lambda x: 2.5 ** x, ((-5.0, 5.0),)),
]

_ANY = ((-5.0, 5.0),)
_NONZERO = ((-5.0, -0.2), (0.2, 5.0))
BINARY: list[Case] = [
    Case("a + b", lambda a, b: a + b, (_ANY, _ANY)),
    Case("a - b", lambda a, b: a - b, (_ANY, _ANY)),
    Case("a * b", lambda a, b: a * b, (_ANY, _ANY)),
    Case("a / b", lambda a, b: a / b, (_ANY, _NONZERO)),
    Case("a ** b", lambda a, b: a ** b, (((0.1, 5.0),), ((-3.0, 3.0),))),
]

NARY: list[Case] = [
    Case("sum(a, b, c)", lambda a, b, c: autograd.sum([a, b, c]), (_ANY,) * 3),
    Case("sum(a, 2, b)", lambda a, b: autograd.sum([a, 2.0, b]), (_ANY,) * 2),
    Case("dot([a, b], [c, d])", lambda a, b, c, d: autograd.dot([a, b], [c, d]), (_ANY,) * 4),
    Case("dot([a, b], [1.5, -2])", lambda a, b: autograd.dot([a, b], [1.5, -2.0]), (_ANY,) * 2),
    Case("dot([3, 0.5], [a, b])", lambda a, b: autograd.dot([3.0, 0.5], [a, b]), (_ANY,) * 2),
]

ALL: list[Case] = UNARY + BINARY + NARY


def five_point_derivative(f: Callable[[float], float], x: float) -> float:
    """f'(x) by the five-point central stencil: error O(h⁴), so 1e-10-accurate for smooth f.

    The step is scaled to |x| and small enough that x ± 2h never leaves a ``Case`` interval.
    """
    h = 1e-4 * max(1.0, abs(x))
    return (f(x - 2 * h) - 8 * f(x - h) + 8 * f(x + h) - f(x + 2 * h)) / (12 * h)


def partial(case: Case, point: Sequence[float], i: int) -> Callable[[float], float]:
    """The engine's forward value of ``case`` as a float function of input ``i`` alone."""

    def f(t: float) -> float:
        xs = [Value(t if k == i else p) for k, p in enumerate(point)]
        return case.apply(*xs).data

    return f


def close(actual: float, expected: float, scale: float, rel: float) -> bool:
    """|actual − expected| within ``rel`` of the larger of |expected| and ``scale`` (the size of f)."""
    return abs(actual - expected) <= rel * max(abs(expected), scale, 1.0)
