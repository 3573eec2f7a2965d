"""Numerically stable float kernels: the namespace derivative rules use when they run on plain floats.

Every function here takes and returns Python floats. The same names exist for Values in
``autograd.functional`` (and, later, for numpy arrays), so one derivative rule written as
``g * m.cos(x)`` runs unchanged on each of them.
"""

from __future__ import annotations

import math
from operator import mul

exp = math.exp
log = math.log
sqrt = math.sqrt
sin = math.sin
cos = math.cos
tan = math.tan
tanh = math.tanh
erf = math.erf
log1p = math.log1p
expm1 = math.expm1

_SQRT_HALF = math.sqrt(0.5)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)


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


def elu_slope(x: float, alpha: float) -> float:
    """d elu/dx: 1 for x > 0, else α·eˣ (not elu(x) + α, which cancels to noise as eˣ → 0)."""
    return 1.0 if x > 0.0 else alpha * math.exp(x)


def gelu(x: float) -> float:
    """Exact (erf) GELU: x·Φ(x)."""
    return 0.5 * x * (1.0 + math.erf(x * _SQRT_HALF))


def normal_cdf(x: float) -> float:
    """Φ(x), the standard normal CDF."""
    return 0.5 * (1.0 + math.erf(x * _SQRT_HALF))


def normal_pdf(x: float) -> float:
    """φ(x), the standard normal density."""
    return _INV_SQRT_2PI * math.exp(-0.5 * x * x)


def silu(x: float) -> float:
    return x * sigmoid(x)


def step(x: float) -> float:
    """Heaviside step (0 at 0): the derivative of relu; carries no gradient itself."""
    return 1.0 if x > 0.0 else 0.0


def sign(x: float, at_zero: float = 0.0) -> float:
    """Sign of x, ``at_zero`` at 0 (0 for the derivative of abs; the perceptron of seed 001 uses −1)."""
    return 1.0 if x > 0.0 else (-1.0 if x < 0.0 else at_zero)


def power(x: float, c: float) -> float:
    """x**c that refuses complex results and 0 to a negative power instead of returning them."""
    if x == 0.0 and c < 0.0:
        raise ZeroDivisionError("0.0 cannot be raised to a negative power")
    return math.pow(x, c)


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
