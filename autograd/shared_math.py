"""Math helpers written once against a namespace's primitives, and the constants the rules share.

Each namespace (``float_math`` for floats, ``functional`` for Values, a numpy one for batches) binds
these with ``bind``, so ``m.normal_cdf(x)`` is the same formula whatever ``x`` is.
"""

from __future__ import annotations

import functools
from types import ModuleType
from typing import Any, Callable

SQRT_HALF = 0.7071067811865476  # 1/√2, for Φ(x) = ½(1 + erf(x/√2))
INV_SQRT_2PI = 0.3989422804014327  # 1/√(2π), for φ(x)
TWO_OVER_SQRT_PI = 1.1283791670955126  # d/dx erf(x) = (2/√π)·e^(−x²)


def normal_cdf(m: Any, x: Any) -> Any:
    """Φ(x), the standard normal CDF."""
    return 0.5 * (1.0 + m.erf(x * SQRT_HALF))


def normal_pdf(m: Any, x: Any) -> Any:
    """φ(x), the standard normal density."""
    return INV_SQRT_2PI * m.exp(-0.5 * x * x)


def sech_squared(m: Any, x: Any) -> Any:
    """sech²x = 1 − tanh²x from t = e^(−2|x|): exact where 1 − y² has lost its digits (|tanh x| near 1)."""
    t = m.exp(-2.0 * abs(x))
    return 4.0 * t / ((1.0 + t) * (1.0 + t))


SHARED = (normal_cdf, normal_pdf, sech_squared)


def bind(namespace: ModuleType | Any, helper: Callable) -> Callable:
    """``helper`` with its namespace argument filled in: ``bind(float_math, normal_cdf)(0.0) == 0.5``."""

    @functools.wraps(helper)
    def bound(*args: Any) -> Any:
        return helper(namespace, *args)

    del bound.__wrapped__  # show the bound signature (x), not (m, x)
    return bound
