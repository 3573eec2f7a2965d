"""Math helpers written once for every namespace, and the constants the rules share.

Each helper here is a factory: ``normal_cdf(m)`` returns Φ written against namespace ``m``'s
functions, so ``float_math`` (floats) and ``functional`` (Values) bind the same formula:
``normal_cdf = shared_math.bind(this_module, shared_math.normal_cdf)``. Helpers that choose a formula by value compare
with ``<``/``>``, which Values answer by their data; a numpy namespace writes those with ``where``.
"""

from __future__ import annotations

from typing import Any, Callable

SQRT_HALF = 0.7071067811865476  # 1/√2, for Φ(x) = ½(1 + erf(x/√2))
INV_SQRT_2PI = 0.3989422804014327  # 1/√(2π), for φ(x)
TWO_OVER_SQRT_PI = 1.1283791670955126  # d/dx erf(x) = (2/√π)·e^(−x²)

Helper = Callable[..., Any]


def normal_cdf(m: Any) -> Helper:
    """Φ(x), the standard normal CDF: ``normal_cdf(float_math)(0.0) == 0.5``."""
    erf = m.erf

    def normal_cdf(x: Any) -> Any:
        """Φ(x), the standard normal CDF."""
        return 0.5 * (1.0 + erf(x * SQRT_HALF))

    return normal_cdf


def normal_pdf(m: Any) -> Helper:
    """φ(x), the standard normal density."""
    exp = m.exp

    def normal_pdf(x: Any) -> Any:
        """φ(x), the standard normal density."""
        return INV_SQRT_2PI * exp(-0.5 * x * x)

    return normal_pdf


def sech_squared(m: Any) -> Helper:
    """sech²x = 1 − tanh²x, computed from x."""
    exp = m.exp

    def sech_squared(x: Any) -> Any:
        """sech²x as 4t/(1 + t)² with t = e^(−2|x|): no cancellation anywhere, no overflow for any x."""
        t = exp(-2.0 * abs(x))
        return 4.0 * t / ((1.0 + t) * (1.0 + t))

    return sech_squared


def tanh_grad(m: Any) -> Helper:
    """d tanh/dx at x, given y = tanh x."""
    exp = m.exp

    def tanh_grad(x: Any, y: Any) -> Any:
        """d tanh/dx at x, given y = tanh x: 1 − y² while |y| < 0.9 (within a few ulps there); beyond,
        y's rounding swamps 1 − y² (10⁻⁷ relative at x = 12, 0 past 19), so the tails take sech²x from x."""
        if -0.9 < y < 0.9:
            return 1.0 - y * y
        # sech_squared's formula, inlined: a saturated tanh is the common case in backward, and a
        # second call there cost 8% of backward's time (benchmarks/engine.py's graph).
        t = exp(-2.0 * abs(x))
        return 4.0 * t / ((1.0 + t) * (1.0 + t))

    return tanh_grad


def elu_slope(m: Any) -> Helper:
    """d elu/dx."""
    exp = m.exp

    def elu_slope(x: Any, alpha: float) -> Any:
        """d elu/dx: 1 for x > 0, else α·eˣ (not elu(x) + α, which cancels to noise as eˣ → 0)."""
        return 1.0 if x > 0.0 else alpha * exp(x)

    return elu_slope


def step(m: Any) -> Helper:
    """The Heaviside step."""

    def step(x: Any) -> float:
        """Heaviside step of x's value (0 at 0): the derivative of relu, a constant (no gradient flows)."""
        return 1.0 if x > 0.0 else 0.0

    return step


def bind(m: Any, factory: Callable[[Any], Helper]) -> Helper:
    """The shared helper ``factory`` written against namespace ``m``: ``bind(float_math, normal_cdf)(0.0) == 0.5``."""
    return factory(m)
