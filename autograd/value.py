"""The Value: one float, its gradient, and the op and ordered parents that produced it.

A node stores its parents in two slots (``_a``, ``_b``) rather than a tuple, and n-ary ops keep
one tuple in ``_a``: every container object costs the garbage collector time, so a binary node
is a single tracked object. Nothing refers back from a parent to a child, so a dropped graph is
freed by reference counting alone.
"""

from __future__ import annotations

import inspect
import numbers
import threading
from typing import Any, Callable

from . import float_math as _fm
from . import ops as _ops
from .sweep import backward_into_grads
from .ops import ABS, ADD, ADDC, DIV, DIVC, MUL, MULC, NEG, POW, POWC, RDIVC, RPOWC, RSUBC, SUB, SUBC, Op


class _ThreadGradMode(threading.local):
    enabled = True  # each thread starts with grad mode on


# Grad mode is per thread. ``_node`` runs on every op, so it reads one module global, the number of
# threads that have grad mode off right now (changed by grad_mode only on entering or leaving a block,
# under a lock), and looks at its own thread's flag only when that number is not 0.
_threads_without_grad = 0
_thread_mode = _ThreadGradMode()

def as_float(x: Any, what: str = "Value data") -> float:
    """Return ``x`` as a float if it is a real number (int, float, bool, numpy scalar), else raise.

    >>> as_float(3)
    3.0
    """
    if type(x) is float:
        result = x
    elif isinstance(x, numbers.Real) and not isinstance(x, Value):
        result = float(x)
    elif type(x).__module__ == "numpy" and getattr(x, "dtype", None) is not None and x.dtype.kind == "b":
        result = float(x)  # numpy.bool_ is not registered as a numbers.Real
    elif isinstance(x, Value):
        raise TypeError(f"{what} must be a plain number, not a Value (use the Value itself, or its .data)")
    else:
        raise TypeError(f"{what} must be a real number (int, float, bool or numpy scalar), got {type(x).__name__}: {x!r}")
    if result - result:  # true only for inf and nan
        raise ValueError(f"{what} must be finite, got {result!r}")
    return result


def _describe(v: "Value | float") -> str:
    if not isinstance(v, Value):
        return repr(v)
    return f"{v.data!r}, the Value labelled {v.label!r}" if v.label else repr(v.data)


def _failure_text(op: Op, inputs: tuple, arg: Any) -> tuple[str, str]:
    """(the operation in the names its domain message uses, what those names held): ``("x ÷ 0", "x is 2.0")``,
    so an error reads in the user's terms, not the op table's internal names."""
    names = ("x",) if len(inputs) == 1 else ("a", "b") if len(inputs) == 2 else None
    if names is None:
        shown = ", ".join(_describe(v) for v in inputs[:4]) + (", ..." if len(inputs) > 4 else "")
        return f"{op.name} of {len(inputs)} inputs", f"inputs {shown}"
    return op.caption(names, arg), "; ".join(f"{n} is {_describe(v)}" for n, v in zip(names, inputs))


def _forward_error(op: Op, inputs: tuple, arg: Any, exc: Exception) -> Exception:
    operation, held = _failure_text(op, inputs, arg)
    if isinstance(exc, TypeError):  # only reachable when someone assigned a non-number to .data
        bad = next((v for v in inputs if isinstance(v, Value) and type(v.data) is not float), None)
        if bad is None:
            return exc
        name = f"the Value labelled {bad.label!r}" if bad.label else "a Value"
        return TypeError(f"{operation}: {name} has .data = {bad.data!r} ({type(bad.data).__name__}); "
                         f".data must be a float, e.g. v.data = float(x)")
    if isinstance(exc, OverflowError):
        return OverflowError(f"{operation} overflows: the result is too large for a float; {held}")
    hint = op.domain or str(exc)
    cls = ZeroDivisionError if isinstance(exc, ZeroDivisionError) else ValueError
    return cls(f"{operation} is undefined here: {hint}; {held}")


def _nonfinite_error(op: Op, inputs: tuple, arg: Any, result: float) -> Exception:
    operation, held = _failure_text(op, inputs, arg)
    return OverflowError(f"{operation} gives {result!r}, not a finite float; {held}")


class Value:
    """A scalar that remembers how it was computed, so gradients can flow back through it.

    >>> x = Value(2.0, label="x")
    >>> y = x * x + 3 * x
    >>> y.backward()
    >>> y.data, x.grad
    (10.0, 7.0)
    """

    # Slot order is memory order: what graph walks and backward read sits together at the front.
    # label and group are properties over _label/_group, checked when a user assigns them.
    __slots__ = ("_a", "_b", "_mark", "grad", "data", "op", "op_arg", "_label", "_group", "__weakref__")
    # Make numpy scalars on the left defer to our reflected operators instead of building arrays.
    __array_ufunc__ = None

    data: float
    grad: float
    op: Op | None
    op_arg: Any

    def __init__(self, data: Any, label: str = "") -> None:
        if type(label) is not str:
            raise TypeError(f"label must be a str, got {type(label).__name__}: {label!r}")
        self.data = as_float(data)
        self.grad = 0.0
        self.op = None
        self.op_arg = None
        self._label = label
        self._group = None
        self._a = None
        self._b = None
        self._mark = None  # scratch space for graph walks (see backprop)

    @property
    def label(self) -> str:
        """The name pictures and messages show for this Value ("" for none)."""
        return self._label

    @label.setter
    def label(self, label: str) -> None:
        if type(label) is not str:
            raise TypeError(f"label must be a str, got {type(label).__name__}: {label!r}")
        self._label = label

    @property
    def group(self) -> str | None:
        """The module that made this Value (``"layer1.neuron2"``, set by nn), or None."""
        return self._group

    @group.setter
    def group(self, group: str | None) -> None:
        if group is not None and type(group) is not str:
            raise TypeError(f"group must be a str or None, got {type(group).__name__}: {group!r}")
        self._group = group

    # ----- graph structure -------------------------------------------------------------------
    @property
    def parents(self) -> tuple["Value", ...]:
        """The inputs of the op that made this Value, in order, duplicates kept (``a + a`` → ``(a, a)``)."""
        a = self._a
        if a is None:
            return ()
        if type(a) is tuple:
            return a
        b = self._b
        return (a,) if b is None else (a, b)

    @property
    def is_leaf(self) -> bool:
        """True for Values made by the user (or under ``no_grad``): they have no parents."""
        return self._a is None

    def __repr__(self) -> str:
        parts = [f"data={self.data!r}", f"grad={self.grad!r}"]
        if self.label:
            parts.append(f"label={self.label!r}")
        if self.op is not None:
            parts.append(f"op={self.op.name!r}")
        return f"Value({', '.join(parts)})"

    def __float__(self) -> float:
        return self.data

    # Ordering compares data; equality stays identity so Values can live in sets and dicts.
    def __lt__(self, other: Any) -> bool:
        return self.data < _data_of(other)

    def __le__(self, other: Any) -> bool:
        return self.data <= _data_of(other)

    def __gt__(self, other: Any) -> bool:
        return self.data > _data_of(other)

    def __ge__(self, other: Any) -> bool:
        return self.data >= _data_of(other)


    # ----- arithmetic ---------------------------------------------------------------------
    # A plain-number operand becomes the op's constant (``x * 3`` is one "mulc" node), not a leaf.
    # Anything else returns NotImplemented, so Python raises its usual TypeError naming both types.
    def __add__(self, other: Any) -> "Value":
        if isinstance(other, Value):
            return _binary(ADD, self, other)
        c = _operand(other)
        return NotImplemented if c is None else _unary(ADDC, self, c)

    def __radd__(self, other: Any) -> "Value":
        c = _operand(other)
        return NotImplemented if c is None else _unary(ADDC, self, c)

    def __sub__(self, other: Any) -> "Value":
        if isinstance(other, Value):
            return _binary(SUB, self, other)
        c = _operand(other)
        return NotImplemented if c is None else _unary(SUBC, self, c)

    def __rsub__(self, other: Any) -> "Value":
        c = _operand(other)
        return NotImplemented if c is None else _unary(RSUBC, self, c)

    def __mul__(self, other: Any) -> "Value":
        if isinstance(other, Value):
            return _binary(MUL, self, other)
        c = _operand(other)
        return NotImplemented if c is None else _unary(MULC, self, c)

    def __rmul__(self, other: Any) -> "Value":
        c = _operand(other)
        return NotImplemented if c is None else _unary(MULC, self, c)

    def __truediv__(self, other: Any) -> "Value":
        if isinstance(other, Value):
            return _binary(DIV, self, other)
        c = _operand(other)
        return NotImplemented if c is None else _unary(DIVC, self, c)

    def __rtruediv__(self, other: Any) -> "Value":
        c = _operand(other)
        return NotImplemented if c is None else _unary(RDIVC, self, c)

    def __pow__(self, exponent: Any) -> "Value":
        if isinstance(exponent, Value):
            return _binary(POW, self, exponent)
        c = _operand(exponent)
        return NotImplemented if c is None else _unary(POWC, self, c)

    def __rpow__(self, base: Any) -> "Value":
        c = _operand(base)
        return NotImplemented if c is None else _unary(RPOWC, self, c)

    def __neg__(self) -> "Value":
        return _unary(NEG, self)

    def __pos__(self) -> "Value":
        return self

    def __abs__(self) -> "Value":
        return _unary(ABS, self)

    # ----- gradients -------------------------------------------------------------------------
    def backward(self, grad: float = 1.0) -> None:
        """Fill ``.grad`` of every Value this one depends on with d(self)/d(that Value).

        Leaf gradients accumulate across calls (zero them with ``zero_grad``); intermediate
        gradients are recomputed from scratch on every call. ``grad`` seeds d(self)/d(self).
        All or nothing: a pass that fails changes no ``.grad``.

        >>> x = Value(3.0); y = x * x; y.backward(); x.grad
        6.0
        """
        seed = as_float(grad, "backward's grad")
        if self._a is None:
            self.grad += seed
        else:
            backward_into_grads(self, seed)


_new_value = object.__new__


def _node(data: float, op: Op, a: Any, b: Any = None, arg: Any = None) -> Value:
    """Make an op's result without __init__'s checks (its inputs were checked already)."""
    v = _new_value(Value)
    v.data = data
    v.grad = 0.0
    v._label = ""
    v._group = None
    v._mark = None
    if not _threads_without_grad or _thread_mode.enabled:
        v.op = op
        v.op_arg = arg
        v._a = a
        v._b = b
    else:
        v.op = v.op_arg = v._a = v._b = None
    return v


def _operand(x: Any) -> float | None:
    """A plain-number operand as a finite float; None for a type arithmetic does not accept."""
    if type(x) is float and not x - x:  # the common case first
        return x
    if isinstance(x, numbers.Real) or type(x).__module__ == "numpy":
        try:
            return as_float(x, "operand")
        except TypeError:
            return None
    return None


def _data_of(x: Any) -> float:
    return x.data if isinstance(x, Value) else as_float(x, "compared value")


def compute(op: Op, arg: Any, inputs: tuple, values: list[float]) -> float:
    """Run ``op``'s float forward on ``values`` and check the result; errors name ``inputs``
    (the Values, or plain numbers, the values came from)."""
    try:
        y = op.forward(_fm, arg, *values)
    except (ValueError, ZeroDivisionError, OverflowError, TypeError) as exc:
        raise _forward_error(op, inputs, arg, exc) from None
    if y - y:  # inf or nan
        raise _nonfinite_error(op, inputs, arg, y)
    return y


# _unary and _binary repeat compute()'s few lines inline: they run once per op, and a call costs
# a measurable share of an op's time.
def _unary(op: Op, x: Value, arg: Any = None) -> Value:
    try:
        y = op.forward(_fm, arg, x.data)
    except (ValueError, ZeroDivisionError, OverflowError, TypeError) as exc:
        raise _forward_error(op, (x,), arg, exc) from None
    if y - y:  # inf or nan
        raise _nonfinite_error(op, (x,), arg, y)
    return _node(y, op, x, None, arg)


def _binary(op: Op, a: Value, b: Value) -> Value:
    try:
        y = op.forward(_fm, None, a.data, b.data)
    except (ValueError, ZeroDivisionError, OverflowError, TypeError) as exc:
        raise _forward_error(op, (a, b), None, exc) from None
    if y - y:
        raise _nonfinite_error(op, (a, b), None, y)
    return _node(y, op, a, b)


def make_nary(op: Op, parents: tuple, arg: Any = None) -> Value:
    """Make one node of an n-ary op (``sum``, ``dot``) over a tuple of Value parents."""
    return _node(compute(op, arg, parents, [p.data for p in parents]), op, parents, None, arg)


# ----- methods for the public ops of the table (ops.define_op) -----------------------------------------


def _method(op: Op) -> Callable[..., Value]:
    if op.arity == 2:
        def method(self: Value, other: Any) -> Value:
            return _binary(op, self, other if isinstance(other, Value) else Value(as_float(other, f"{op.name}'s b")))
    elif op.parameter is None:
        def method(self: Value) -> Value:
            return _unary(op, self)
    else:
        pname, default = op.parameter
        what = f"{op.name} {pname}"

        def method(self: Value, *args: Any, **kwargs: Any) -> Value:
            return _unary(op, self, as_float(parameter_value(op, args, kwargs), what))

        p = inspect.Parameter
        method.__signature__ = inspect.Signature([
            p("self", p.POSITIONAL_ONLY), p(pname, p.POSITIONAL_OR_KEYWORD, default=default)])
    method.__name__ = method.__qualname__ = op.name
    method.__doc__ = op_docstring(op, "self")
    return method


def parameter_value(op: Op, args: tuple, kwargs: dict) -> Any:
    """The op's constant from a call's ``args``/``kwargs`` (its parameter's default when not given)."""
    pname, default = op.parameter
    if len(args) + len(kwargs) > 1 or (kwargs and pname not in kwargs):
        given = ", ".join([*map(repr, args), *(f"{k}={v!r}" for k, v in kwargs.items())])
        raise TypeError(f"{op.name} takes one optional argument {pname}, got {given}")
    return args[0] if args else kwargs.get(pname, default)


def op_docstring(op: Op, operand: str) -> str:
    """A generated docstring: what the op is, its rule and its domain."""
    extra = f" ({op.parameter[0]} defaults to {op.parameter[1]:g})" if op.parameter else ""
    domain = f" Defined where {op.domain.split(' needs ', 1)[-1]}." if " needs " in op.domain else ""
    return f"The {op.name} op of the table applied to {operand}{extra}: {op.derivative}.{domain}"


def _add_method(op: Op) -> None:
    if op.name in Value.__dict__ or hasattr(Value, op.name):
        raise ValueError(f"op name {op.name!r} clashes with Value.{op.name}")
    setattr(Value, op.name, _method(op))


def _remove_method(op: Op) -> None:
    if getattr(Value.__dict__.get(op.name), "__name__", None) == op.name:
        delattr(Value, op.name)


_ops.on_define(_add_method, _remove_method)
