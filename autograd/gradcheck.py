"""Checking ``backward()`` against central finite differences."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Sequence

from .backprop import backward
from .value import Value, as_float


@dataclass(frozen=True)
class InputCheck:
    """One input's analytic gradient (backward) beside its numeric one (central differences)."""

    index: int
    label: str
    analytic: float
    numeric: float
    error: float


@dataclass(frozen=True)
class GradcheckReport:
    """Per-input comparison; truthy when every error is within ``tolerance``.

    ``error`` is |analytic − numeric| / max(1, |analytic|, |numeric|): relative for large
    gradients, absolute for small ones (where finite differences cannot do better).
    """

    inputs: list[InputCheck] = field(default_factory=list)
    tolerance: float = 1e-6

    @property
    def worst(self) -> float:
        return max((c.error for c in self.inputs), default=0.0)

    @property
    def passed(self) -> bool:
        return self.worst <= self.tolerance

    def __bool__(self) -> bool:
        return self.passed

    def __str__(self) -> str:
        rows = [f"{'input':>8}  {'analytic':>22}  {'numeric':>22}  {'error':>9}"]
        for c in self.inputs:
            name = c.label or f"#{c.index}"
            rows.append(f"{name:>8}  {c.analytic:>22.15g}  {c.numeric:>22.15g}  {c.error:>9.2e}")
        verdict = "passed" if self.passed else "FAILED"
        rows.append(f"worst error {self.worst:.2e} (tolerance {self.tolerance:.0e}): {verdict}")
        return "\n".join(rows)


def gradcheck(
    f: Callable[..., Value],
    inputs: Sequence[float | Value],
    eps: float = 1e-6,
    tolerance: float = 1e-6,
) -> GradcheckReport:
    """Compare ``f``'s backward gradients with central differences (f(x+ε) − f(x−ε)) / 2ε.

    ``f`` takes one Value per input and returns a Value.

    >>> report = gradcheck(lambda x, y: x * y.sin(), [2.0, 0.5])
    >>> report.passed
    True
    """
    if not callable(f):
        raise TypeError(f"gradcheck needs a callable, got {type(f).__name__}")
    points = [v.data if isinstance(v, Value) else as_float(v, f"gradcheck input {i}") for i, v in enumerate(inputs)]
    labels = [v.label if isinstance(v, Value) else "" for v in inputs]
    eps = as_float(eps, "eps")
    if eps <= 0:
        raise ValueError(f"eps must be positive, got {eps}")

    def evaluate(xs: list[Value]) -> Value:
        out = f(*xs)
        if not isinstance(out, Value):
            raise TypeError(f"gradcheck: f must return a Value, got {type(out).__name__}")
        return out

    leaves = [Value(p, label=lab) for p, lab in zip(points, labels)]
    backward(evaluate(leaves))
    checks = []
    for i, point in enumerate(points):
        shifted = list(points)
        shifted[i] = point + eps
        up = evaluate([Value(p) for p in shifted]).data
        shifted[i] = point - eps
        down = evaluate([Value(p) for p in shifted]).data
        numeric = (up - down) / (2 * eps)
        analytic = leaves[i].grad
        error = abs(analytic - numeric) / max(1.0, abs(analytic), abs(numeric))
        checks.append(InputCheck(i, labels[i], analytic, numeric, error))
    return GradcheckReport(checks, tolerance)
