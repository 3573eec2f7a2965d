"""Numerically stable float kernels: the namespace derivative rules use when they run on plain floats.

Every function here takes and returns Python floats. The same names exist for Values in
``autograd.functional`` (and for numpy arrays in the compiled executor), so one derivative rule
written as ``g * m.cos(x)`` runs unchanged on each of them. Value-dependent choices (which formula
is accurate here, which side of a kink) live in these helpers, never in the rules.
"""

from __future__ import annotations

import math
import sys
from operator import mul

from . import shared_math as _shared

exp = math.exp
log = math.log
sqrt = math.sqrt
sin = math.sin
cos = math.cos
tan = math.tan
tanh = math.tanh
erf = math.erf

_this = sys.modules[__name__]
normal_cdf = _shared.bind(_this, _shared.normal_cdf)
normal_pdf = _shared.bind(_this, _shared.normal_pdf)
sech_squared = _shared.bind(_this, _shared.sech_squared)
tanh_grad = _shared.bind(_this, _shared.tanh_grad)
elu_slope = _shared.bind(_this, _shared.elu_slope)
step = _shared.bind(_this, _shared.step)


def sigmoid(x: float) -> float:
    """Logistic function 1 / (1 + e^-x), finite for every finite x (never evaluates e^+big)."""
    if x >= 0.0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


def softplus(x: float) -> float:
    """log(1 + e^x) computed as max(x, 0) + log1p(e^-|x|), so ±1000 stays finite."""
    return (x if x > 0.0 else 0.0) + math.log1p(math.exp(-abs(x)))


def relu(x: float) -> float:
    return x if x > 0.0 else 0.0


def leaky_relu(x: float, slope: float) -> float:
    return x if x > 0.0 else slope * x


def elu(x: float, alpha: float) -> float:
    return x if x > 0.0 else alpha * math.expm1(x)


def gelu(x: float) -> float:
    """Exact (erf) GELU: x·Φ(x)."""
    return x * normal_cdf(x)


def silu(x: float) -> float:
    return x * sigmoid(x)


def sign(x: float, at_zero: float = 0.0) -> float:
    """Sign of x, ``at_zero`` at 0 (0 for the derivative of abs; the perceptron tutorial uses −1)."""
    return 1.0 if x > 0.0 else (-1.0 if x < 0.0 else at_zero)


def power(x: float, c: float) -> float:
    """x**c that refuses complex results and 0 to a negative power instead of returning them."""
    if x == 0.0 and c < 0.0:
        raise ZeroDivisionError("0.0 cannot be raised to a negative power")
    return math.pow(x, c)


def power_slope(x: float, c: float) -> float:
    """d(x**c)/dx = c·x^(c−1), and 0 where c is 0 (x⁰ is the constant 1, even at x = 0)."""
    if c == 0.0:
        return 0.0
    if x == 0.0 and c < 1.0:  # power's check, inlined: this runs once per x**c node in backward
        raise ZeroDivisionError("0.0 cannot be raised to a negative power")
    return c * math.pow(x, c - 1.0)


def xlogy(y: float, x: float) -> float:
    """y·log(x), 0 where y == 0: the exponent's derivative of x**b (y = x**b)."""
    if y == 0.0:
        return 0.0
    if x <= 0.0:
        raise ValueError(
            f"the derivative of base**exponent with respect to the exponent is undefined for base {x!r} <= 0"
        )
    return y * math.log(x)


def dot(ws, xs) -> float:
    """Σ w·x over two equal-length sequences of floats."""
    return sum(map(mul, ws, xs), 0.0)  # the 0.0 start keeps an empty dot a float
