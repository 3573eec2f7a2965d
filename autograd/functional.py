"""Module-level math that works on Values and on plain numbers alike.

``exp(Value)`` records a node; ``exp(2.0)`` returns a float computed by the same kernel with the
same checks. One function per public op of the table (``exp``, ``tanh``, ``leaky_relu``...) is made
from its entry when the op is defined; ``power``, ``sum`` and ``dot`` are written here. This module is
also the namespace the derivative rules run against when gradients are themselves Values
(``grad(..., create_graph=True)``), so it has a Value version of every ``float_math`` helper.
"""

from __future__ import annotations

import builtins
import inspect
import numbers
import sys
from typing import Any, Callable, Iterable, Sequence

from . import float_math as _fm
from . import ops
from . import shared_math as _shared
from .value import Value, _binary, _unary, as_float, compute, make_nary, op_docstring, parameter_value

Number = float | int


def _apply(op: ops.Op, x: Any, arg: Any = None) -> Any:
    if isinstance(x, Value):
        return _unary(op, x, arg)
    v = as_float(x, f"{op.name}'s argument")
    return compute(op, arg, (v,), [v])


def _function(op: ops.Op) -> Callable[..., Any]:
    """The module function of a public op: a node for a Value, a checked float for a number."""
    if op.arity == 2:
        def function(a: Any, b: Any) -> Any:
            if isinstance(a, Value) or isinstance(b, Value):
                return _binary(op, *(v if isinstance(v, Value) else Value(as_float(v, f"{op.name}'s argument"))
                                     for v in (a, b)))
            pair = (as_float(a, f"{op.name}'s a"), as_float(b, f"{op.name}'s b"))
            return compute(op, None, pair, list(pair))
    elif op.parameter is None:
        def function(x: Any) -> Any:
            return _apply(op, x)
    else:
        pname, default = op.parameter
        what = f"{op.name} {pname}"

        def function(x: Any, *args: Any, **kwargs: Any) -> Any:
            return _apply(op, x, as_float(parameter_value(op, args, kwargs), what))

        p = inspect.Parameter
        function.__signature__ = inspect.Signature([
            p("x", p.POSITIONAL_OR_KEYWORD), p(pname, p.POSITIONAL_OR_KEYWORD, default=default)])
    function.__name__ = function.__qualname__ = op.name
    function.__module__ = __name__
    function.__doc__ = op_docstring(op, "a Value (a node) or a number (a float)")
    return function


_this = sys.modules[__name__]
_OWN_NAMES = frozenset(("power", "sum", "dot", "step", "elu_slope", "xlogy", "tanh_grad",
                        "power_slope", "normal_cdf", "normal_pdf", "sech_squared"))


def _add_function(op: ops.Op) -> None:
    if op.name in _OWN_NAMES or (op.name in vars(_this) and not getattr(vars(_this)[op.name], "__module__", "") == __name__):
        raise ValueError(f"op name {op.name!r} clashes with autograd.functional.{op.name}")
    setattr(_this, op.name, _function(op))


def _remove_function(op: ops.Op) -> None:
    if op.name not in _OWN_NAMES:
        vars(_this).pop(op.name, None)


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


def xlogy(y: Value | Number, x: Value | Number) -> Value | float:
    """y·log(x), 0 where y is 0: the exponent's derivative of x**b."""
    y_data = y.data if isinstance(y, Value) else y
    if y_data == 0.0:
        return 0.0
    x_data = x.data if isinstance(x, Value) else x
    _fm.xlogy(y_data, x_data)  # raises the same clear error for a base <= 0
    return y * log(x)


def power_slope(x: Value | Number, c: Value | Number) -> Value | float:
    """d(x**c)/dx = c·x^(c−1); 0 where c is 0 at x = 0 (x⁰ is the constant 1 there too)."""
    if (c.data if isinstance(c, Value) else c) == 0.0 and (x.data if isinstance(x, Value) else x) == 0.0:
        return 0.0
    return c * power(x, c - 1.0)


ops.on_define(_add_function, _remove_function)  # exp, erf... exist from here on

# The helpers shared with float_math, bound to this namespace (Values compare by their data).
normal_cdf = _shared.bind(_this, _shared.normal_cdf)
normal_pdf = _shared.bind(_this, _shared.normal_pdf)
sech_squared = _shared.bind(_this, _shared.sech_squared)
tanh_grad = _shared.bind(_this, _shared.tanh_grad)
elu_slope = _shared.bind(_this, _shared.elu_slope)
step = _shared.bind(_this, _shared.step)
