"""Module-level math that works on Values and on plain numbers alike.

``exp(Value)`` records a node; ``exp(2.0)`` returns a float computed by the same kernel with the
same checks. This module is also the namespace the derivative rules run against when gradients
are themselves Values (``grad(..., create_graph=True)``).
"""

from __future__ import annotations

import builtins
import numbers
from typing import Any, Iterable, Sequence

from . import float_math as _fm
from . import ops
from .value import Value, _unary, as_float, compute, make_nary

Number = float | int


def _apply(op: ops.Op, x: Any, arg: Any = None) -> Any:
    if isinstance(x, Value):
        return _unary(op, x, arg)
    v = as_float(x, f"{op.name}'s argument")
    return compute(op, arg, (v,), [v])


def exp(x: Value | Number) -> Value | float:
    """e**x. ``exp(0.0) == 1.0``"""
    return _apply(ops.EXP, x)


def log(x: Value | Number) -> Value | float:
    """Natural logarithm, x > 0. ``log(1.0) == 0.0``"""
    return _apply(ops.LOG, x)


def sqrt(x: Value | Number) -> Value | float:
    """Square root, x >= 0. ``sqrt(4) == 2.0``"""
    return _apply(ops.SQRT, x)


def sin(x: Value | Number) -> Value | float:
    """Sine. ``sin(0) == 0.0``"""
    return _apply(ops.SIN, x)


def cos(x: Value | Number) -> Value | float:
    """Cosine. ``cos(0) == 1.0``"""
    return _apply(ops.COS, x)


def tan(x: Value | Number) -> Value | float:
    """Tangent. ``tan(0) == 0.0``"""
    return _apply(ops.TAN, x)


def tanh(x: Value | Number) -> Value | float:
    """Hyperbolic tangent. ``tanh(0) == 0.0``"""
    return _apply(ops.TANH, x)


def sigmoid(x: Value | Number) -> Value | float:
    """1 / (1 + e^-x), finite for any finite x. ``sigmoid(0) == 0.5``"""
    return _apply(ops.SIGMOID, x)


def relu(x: Value | Number) -> Value | float:
    """max(0, x). ``relu(-1) == 0.0``"""
    return _apply(ops.RELU, x)


def leaky_relu(x: Value | Number, slope: float = 0.01) -> Value | float:
    """x if x > 0 else slope·x. ``leaky_relu(-1, 0.1) == -0.1``"""
    return _apply(ops.LEAKY_RELU, x, as_float(slope, "leaky_relu slope"))


def elu(x: Value | Number, alpha: float = 1.0) -> Value | float:
    """x if x > 0 else alpha·(eˣ − 1). ``elu(2.0) == 2.0``"""
    return _apply(ops.ELU, x, as_float(alpha, "elu alpha"))


def gelu(x: Value | Number) -> Value | float:
    """Exact GELU x·Φ(x). ``gelu(0) == 0.0``"""
    return _apply(ops.GELU, x)


def softplus(x: Value | Number) -> Value | float:
    """log(1 + eˣ), finite for any finite x. ``softplus(-1000) == 0.0``"""
    return _apply(ops.SOFTPLUS, x)


def silu(x: Value | Number) -> Value | float:
    """x·σ(x). ``silu(0) == 0.0``"""
    return _apply(ops.SILU, x)


def erf(x: Value | Number) -> Value | float:
    """Gauss error function. ``erf(0) == 0.0``"""
    return _apply(ops.ERF, x)


def power(x: Value | Number, exponent: Value | Number) -> Value | float:
    """x ** exponent with the engine's domain checks. ``power(2, 3) == 8.0``"""
    if isinstance(x, Value) or isinstance(exponent, Value):
        return x ** exponent if isinstance(x, Value) else exponent.__rpow__(as_float(x, "the base"))
    return _apply(ops.POWC, as_float(x, "the base"), as_float(exponent, "the exponent"))


def sum(values: Iterable[Value | Number]) -> Value | float:
    """One n-ary node adding all ``values`` (plain numbers become constants).

    >>> a, b = Value(1.0), Value(2.0)
    >>> s = sum([a, b, 3]); s.data, len(s.parents)
    (6.0, 3)
    """
    items = _as_sequence(values, "sum")
    if not any(isinstance(v, Value) for v in items):
        return builtins.sum((as_float(v, "sum item") for v in items), 0.0)  # a float even when empty
    return make_nary(ops.SUM, tuple(_as_node(v, "sum") for v in items))


def dot(ws: Sequence[Value | Number], xs: Sequence[Value | Number]) -> Value | float:
    """Σ wᵢ·xᵢ as ONE node whose parents are the Values among ``ws`` and ``xs``.

    When one side is all plain numbers (a layer's input features, say) they are stored with the
    op instead of becoming nodes, so a neuron over raw inputs costs one node.

    >>> w = [Value(0.0), Value(1.0)]
    >>> dot(w, [2, 3]).data
    3.0
    """
    ws = ws if type(ws) is list or type(ws) is tuple else _as_sequence(ws, "dot")
    xs = xs if type(xs) is list or type(xs) is tuple else _as_sequence(xs, "dot")
    if len(ws) != len(xs):
        raise ValueError(f"dot needs two sequences of equal length, got {len(ws)} and {len(xs)}")
    if not ws:
        return 0.0
    ws_are_values = _all_values(ws)
    xs_are_values = _all_values(xs)
    if ws_are_values and xs_are_values:  # the common case inside a network: no per-item wrapping
        return make_nary(ops.DOT, (*ws, *xs))
    if ws_are_values and not any(isinstance(x, Value) for x in xs):
        return make_nary(ops.DOTC, tuple(ws), tuple([as_float(x, "dot input") for x in xs]))
    if xs_are_values and not any(isinstance(w, Value) for w in ws):
        return make_nary(ops.DOTC, tuple(xs), tuple([as_float(w, "dot weight") for w in ws]))
    if not any(isinstance(v, Value) for v in (*ws, *xs)):
        return _fm.dot([as_float(w, "dot weight") for w in ws], [as_float(x, "dot input") for x in xs])
    return make_nary(ops.DOT, tuple([_as_node(v, "dot") for v in (*ws, *xs)]))


def _all_values(items: Sequence[Any]) -> bool:
    for v in items:
        if type(v) is not Value and not isinstance(v, Value):
            return False
    return True


def _as_sequence(values: Any, name: str) -> list:
    if isinstance(values, (Value, str, bytes)) or not isinstance(values, Iterable):
        raise TypeError(f"{name} expects an iterable of Values or numbers, got {type(values).__name__}: {values!r}")
    return list(values)


def _as_node(v: Any, name: str) -> Value:
    if isinstance(v, Value):
        return v
    if isinstance(v, numbers.Real):
        return Value(as_float(v, f"{name} item"))
    raise TypeError(f"{name} items must be Values or real numbers, got {type(v).__name__}: {v!r}")


# ----- helpers the derivative rules use (their float versions live in float_math) -----------------


def step(x: Value | Number) -> float:
    """Heaviside step of x's value (0 at 0). A constant: the derivative of relu carries no gradient."""
    return _fm.step(x.data if isinstance(x, Value) else x)


def elu_slope(x: Value | Number, alpha: float) -> Value | float:
    """d elu/dx: the constant 1 for x > 0, else α·eˣ as a Value so higher derivatives flow."""
    if (x.data if isinstance(x, Value) else x) > 0.0:
        return 1.0
    return alpha * exp(x)


def sign(x: Value | Number, at_zero: float = 0.0) -> Value | float:
    """−1 or 1 by the sign of x, and ``at_zero`` at 0. On a Value its gradient is 0 everywhere.

    With the default 0 it is the derivative of abs; seed 001's perceptron uses ``at_zero=-1``
    ("1 if the input is positive and −1 if it's not"). ``sign(0.0, at_zero=-1) == -1.0``
    """
    return _apply(ops.SIGN, x, as_float(at_zero, "sign's at_zero"))


def xlogy(y: Value | Number, x: Value | Number) -> Value | float:
    """y·log(x), 0 where y is 0: the exponent's derivative of x**b."""
    y_data = y.data if isinstance(y, Value) else y
    if y_data == 0.0:
        return 0.0
    x_data = x.data if isinstance(x, Value) else x
    _fm.xlogy(y_data, x_data)  # raises the same clear error for a base <= 0
    return y * log(x)


_SQRT_HALF = 0.7071067811865476
_INV_SQRT_2PI = 0.3989422804014327


def normal_cdf(x: Value | Number) -> Value | float:
    """Φ(x), the standard normal CDF."""
    return 0.5 * (1.0 + erf(x * _SQRT_HALF))


def normal_pdf(x: Value | Number) -> Value | float:
    """φ(x), the standard normal density."""
    return _INV_SQRT_2PI * exp(-0.5 * x * x)
