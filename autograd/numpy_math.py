"""The numpy math namespace: the names of ``float_math`` over arrays, so the op table's rules run on batches.

Every function takes arrays (or numbers) and works elementwise with numpy broadcasting; branches on
values are ``np.where`` selections, so one call handles a whole batch. Where ``float_math`` raises
(``log`` of a negative, ``0 ** -1``), these return nan or inf like numpy does: the compiled executor
checks its results for finiteness and names the op that failed. Results agree with ``float_math``
to the last digit or two (numpy's exp, log and tanh are not always the correctly rounded ones).

>>> import numpy as np
>>> from autograd import numpy_math as nm
>>> nm.sigmoid(np.array([-1000.0, 0.0, 1000.0])).tolist()
[0.0, 0.5, 1.0]
"""

from __future__ import annotations

import math
import sys
from operator import mul

import numpy as np

from . import shared_math as _shared

exp = np.exp
log = np.log
sqrt = np.sqrt
sin = np.sin
cos = np.cos
tan = np.tan
tanh = np.tanh

_erf_objects = np.frompyfunc(math.erf, 1, 1)


def erf(x):
    """Gauss error function, elementwise, by the same ``math.erf`` the float engine uses (numpy has none)."""
    x = np.asarray(x)
    return _erf_objects(x).astype(x.dtype if x.dtype.kind == "f" else np.float64)


def sigmoid(x):
    """Logistic function 1 / (1 + e^-x); only e^-|x| is evaluated, so no element overflows."""
    z = np.exp(-np.abs(x))
    return np.where(x >= 0.0, 1.0 / (1.0 + z), z / (1.0 + z))


def softplus(x):
    """log(1 + e^x) as max(x, 0) + log1p(e^-|x|), finite for every finite x."""
    return np.where(x > 0.0, x, 0.0) + np.log1p(np.exp(-np.abs(x)))


def relu(x):
    """max(x, 0) in one ufunc call (the hot path of every relu network)."""
    return np.maximum(x, 0.0)


def leaky_relu(x, slope):
    return np.where(x > 0.0, x, slope * x)


def elu(x, alpha):
    return np.where(x > 0.0, x, alpha * np.expm1(np.minimum(x, 0.0)))  # min: no overflow in the unused branch


def elu_slope(x, alpha):
    """d elu/dx: 1 for x > 0, else α·eˣ."""
    return np.where(x > 0.0, np.ones_like(x), alpha * np.exp(np.minimum(x, 0.0)))


def gelu(x):
    """Exact (erf) GELU: x·Φ(x)."""
    return x * normal_cdf(x)


def silu(x):
    return x * sigmoid(x)


def tanh_grad(x, y):
    """d tanh/dx given y = tanh x: 1 − y² while |y| < 0.9, ``sech_squared`` in the tails (as ``float_math``)."""
    return np.where(np.abs(y) < 0.9, 1.0 - y * y, sech_squared(x))


def step(x):
    """Heaviside step (0 at 0), elementwise (a comparison and a cast: faster than ``np.heaviside``)."""
    return (x > 0.0).astype(np.result_type(x, 1.0))  # a float32 batch stays float32


def sign(x, at_zero=0.0):
    """Sign of x, ``at_zero`` where x is 0."""
    one = np.ones_like(x)
    return np.where(x > 0.0, one, np.where(x < 0.0, -one, at_zero))


def power(x, c):
    """x**c elementwise; where ``float_math.power`` raises, this gives nan or inf."""
    return np.power(x, c)


def power_slope(x, c):
    """d(x**c)/dx = c·x^(c−1), and 0 where c is 0 (x⁰ is the constant 1, even at x = 0)."""
    zero = c == 0.0
    return np.where(zero, 0.0, c * np.power(x, np.where(zero, 1.0, c - 1.0)))


def xlogy(y, x):
    """y·log(x), 0 where y == 0 (whatever x is)."""
    zero = y == 0.0
    return np.where(zero, 0.0, y * np.log(np.where(zero, 1.0, x)))


def dot(ws, xs):
    """Σ w·x over two equal-length sequences of arrays (or numbers), added left to right like the float one."""
    return sum(map(mul, ws, xs), 0.0)


_this = sys.modules[__name__]
normal_cdf = _shared.bind(_this, _shared.normal_cdf)
normal_pdf = _shared.bind(_this, _shared.normal_pdf)
sech_squared = _shared.bind(_this, _shared.sech_squared)
