"""Loss functions: ``loss(outputs, targets) -> Value``, averaged over the batch, each reduced in one node.

``outputs`` holds one entry per sample: the list of Values a model returned (a lone Value counts as
a list of one). ``targets`` is array-like of shape ``(n,)`` (one output per sample) or ``(n, k)``.
Element-wise losses (mse, binary cross-entropy, hinge) average over all n·k outputs; categorical
cross-entropies sum over the k classes and average over the n samples; ``sse`` sums everything.
Every Value a loss creates gets ``group = "loss"``; the result is labelled with the loss's name.
Targets, counts and clipping bounds enter as constant ops (``x - 3.0``, ``x / n``), never as Values:
a loss graph's leaves are exactly the model's parameters and the inputs the caller made.
"""

from __future__ import annotations

import math
import numbers
from typing import Any, Callable, Iterable, Sequence

import numpy as np

import autograd
from autograd import Value

from ._checks import at_least, finite_array, lookup, real

EPS = 1e-7
"""Probabilities are clipped to [EPS, 1 − EPS] before their log, so a confident mistake costs about 16, not ∞.
Where clipping happens the probability is treated as a constant, so no gradient flows through it."""

GROUP = "loss"

Outputs = Sequence[Sequence[Value] | Value]


def mse(outputs: Outputs, targets: Any) -> Value:
    """Mean squared error, mean over all outputs of (ŷ − y)².

    >>> from nn.losses import mse
    >>> mse([[Value(0.5)], [Value(2.0)]], [1.0, 2.0]).data
    0.125
    """
    rows, y = _batch(outputs, targets, "mse")
    return _mean(_sum_of_squares(rows, y), y.size, "mse")


def sse(outputs: Outputs, targets: Any) -> Value:
    """Sum of squared errors, Σ (ŷ − y)² over every output of every sample (not averaged).

    >>> from nn.losses import sse
    >>> sse([[Value(0.5)], [Value(2.0)]], [1.0, 3.0]).data
    1.25
    """
    rows, y = _batch(outputs, targets, "sse")
    return _finish(_sum_of_squares(rows, y), "sse")


def binary_cross_entropy(outputs: Outputs, targets: Any) -> Value:
    """Mean of −[y·log p + (1 − y)·log(1 − p)] for probabilities p in [0, 1] (clipped to [EPS, 1 − EPS]).

    >>> from nn.losses import binary_cross_entropy
    >>> round(binary_cross_entropy([[Value(0.8)]], [1.0]).data, 6) == round(-math.log(0.8), 6)
    True
    """
    rows, y = _batch(outputs, targets, "binary_cross_entropy", unit_targets=True)
    weighted = []
    for i, (row, targets) in enumerate(zip(rows, y.tolist())):
        for p, t in zip(row, targets):
            _check_probability(p, i, "binary_cross_entropy", "binary_cross_entropy_with_logits")
            if t != 0.0:
                weighted.append((p, -t))
            if t != 1.0:
                weighted.append((_tag(1.0 - p), t - 1.0))
    return _mean(_weighted_logs(weighted, rows[0][0]), y.size, "binary_cross_entropy")


def binary_cross_entropy_with_logits(outputs: Outputs, targets: Any) -> Value:
    """Binary cross-entropy of sigmoid(z), computed stably from the logits z as
    y·softplus(−z) + (1 − y)·softplus(z), finite for any finite z.

    >>> from nn.losses import binary_cross_entropy_with_logits as bce
    >>> bce([[Value(0.0)]], [1.0]).data == math.log(2)
    True
    """
    rows, y = _batch(outputs, targets, "binary_cross_entropy_with_logits", unit_targets=True)
    terms, coeffs = [], []
    for row, targets in zip(rows, y.tolist()):
        for z, t in zip(row, targets):
            if t != 0.0:
                neg = -z
                neg.group = GROUP
                terms.append(_tag(neg.softplus()))
                coeffs.append(t)
            if t != 1.0:
                terms.append(_tag(z.softplus()))
                coeffs.append(1.0 - t)
    return _mean(_dot(terms, coeffs), y.size, "binary_cross_entropy_with_logits")


def categorical_cross_entropy(outputs: Outputs, targets: Any, from_logits: bool = False) -> Value:
    """Mean over samples of −Σⱼ yⱼ·log pⱼ, for one-hot (or soft) targets of shape (n, k).

    With ``from_logits=True`` the outputs are logits z and log pⱼ = zⱼ − log Σₖ eᶻᵏ is computed stably;
    otherwise they are probabilities, clipped to [EPS, 1 − EPS].

    >>> from nn.losses import categorical_cross_entropy
    >>> z = [[Value(2.0), Value(0.0)]]
    >>> round(categorical_cross_entropy(z, [[1, 0]], from_logits=True).data, 6)
    0.126928
    """
    rows, y = _batch(outputs, targets, "categorical_cross_entropy", unit_targets=True, needs_2d=True)
    if from_logits:
        return _cross_entropy_from_logits(rows, y, "categorical_cross_entropy")
    return _cross_entropy(rows, y, "categorical_cross_entropy")


def sparse_categorical_cross_entropy(outputs: Outputs, targets: Any, from_logits: bool = False) -> Value:
    """``categorical_cross_entropy`` with targets given as class indices 0..k−1, shape (n,).

    >>> from nn.losses import sparse_categorical_cross_entropy as sce
    >>> sce([[Value(0.25), Value(0.75)]], [1]).data == -math.log(0.75)
    True
    """
    name = "sparse_categorical_cross_entropy"
    rows = _rows(outputs, name)
    labels = np.asarray(targets)
    if labels.shape != (len(rows),):
        raise ValueError(f"{name}: targets must be {len(rows)} class indices, shape ({len(rows)},), "
                         f"got shape {labels.shape}")
    k = len(rows[0])
    if labels.dtype.kind not in "iuf" or (labels.dtype.kind == "f" and not np.array_equal(labels, np.round(labels))):
        raise ValueError(f"{name}: targets must be whole-number class indices, got {labels.tolist()}")
    bad = np.flatnonzero((labels < 0) | (labels >= k))
    if bad.size:
        i = int(bad[0])
        raise ValueError(f"{name}: target of sample {i} is class {labels.tolist()[i]!r}, outside 0..{k - 1} for {k} classes")
    y = np.zeros((len(rows), k))
    y[np.arange(len(rows)), labels.astype(int)] = 1.0
    if from_logits:
        return _cross_entropy_from_logits(rows, y, name)
    return _cross_entropy(rows, y, name)


def hinge(outputs: Outputs, targets: Any) -> Value:
    """Mean of max(0, 1 − y·ŷ) with targets y in {−1, 1} (the SVM loss), built from relu.

    >>> from nn.losses import hinge
    >>> hinge([[Value(0.5)], [Value(-2.0)]], [1, -1]).data
    0.25
    """
    rows, y = _batch(outputs, targets, "hinge")
    if not np.isin(y, (-1.0, 1.0)).all():
        raise ValueError(f"hinge: targets must be -1 or 1 (for 0/1 labels pass 2*y - 1), got {np.unique(y).tolist()}")
    margins = []
    for row, targets in zip(rows, y.tolist()):
        for out, t in zip(row, targets):
            gap = 1.0 - out if t > 0 else out + 1.0  # 1 − y·ŷ for y = ±1
            gap.group = GROUP
            margins.append(_tag(gap.relu()))
    return _mean(_tag(autograd.sum(margins)), y.size, "hinge")


def l2_penalty(parameters: Iterable[Value], alpha: float) -> Value:
    """alpha · Σ w² over ``parameters`` (add it to a loss for weight decay; pass only weights to spare biases).

    >>> from nn.losses import l2_penalty
    >>> l2_penalty([Value(1.0), Value(-2.0)], 0.1).data
    0.5
    """
    alpha = at_least(alpha, 0.0, "l2_penalty alpha")
    ps = list(parameters)
    if not ps:
        raise ValueError("l2_penalty needs at least one parameter")
    for i, p in enumerate(ps):
        if not isinstance(p, Value):
            raise TypeError(f"l2_penalty: parameters[{i}] must be a Value, got {type(p).__name__}: {p!r}")
    return _finish(_tag(autograd.dot(ps, ps)) * alpha, "l2_penalty")


LOSSES: dict[str, Callable[..., Value]] = {
    f.__name__: f
    for f in (mse, sse, binary_cross_entropy, binary_cross_entropy_with_logits, categorical_cross_entropy,
              sparse_categorical_cross_entropy, hinge)
}


# Each loss carries its decision rule for one output: how a score becomes a label (see nn.metrics).
# Your own loss function may set one too: ``my_loss.decision = "logit"``.
for _loss in LOSSES.values():
    _loss.decision = "threshold"  # a probability-like score on a 0/1 target
binary_cross_entropy_with_logits.decision = "logit"
hinge.decision = "sign"


def decision_for(loss: str | Callable[..., Value] | None, num_outputs: int) -> str:
    """The decision rule that suits a loss (a name, a function or None) and the model's number of outputs.

    Several outputs → ``"argmax"``; one output → the loss's own ``decision`` attribute (``"logit"``
    for BCE-with-logits, ``"sign"`` for hinge, ``"threshold"`` for the others and for functions without one).

    >>> decision_for("hinge", 1), decision_for("mse", 1), decision_for("mse", 3)
    ('sign', 'threshold', 'argmax')
    """
    if num_outputs > 1:
        return "argmax"
    return "threshold" if loss is None else getattr(get(loss), "decision", "threshold")


def get(loss: str | Callable[..., Value]) -> Callable[..., Value]:
    """Look up a loss by name, or return a callable loss unchanged.

    >>> from nn import losses
    >>> losses.get("mse") is losses.mse
    True
    """
    return lookup(LOSSES, loss, "loss", "losses")


# ----- building blocks ---------------------------------------------------------------------------


def _rows(outputs: Outputs, name: str) -> list[list[Value]]:
    """The batch as a list of equal-length rows of Values (numbers given as outputs become Values)."""
    if isinstance(outputs, (Value, str, bytes)) or not isinstance(outputs, Iterable):
        raise TypeError(f"{name}: outputs must be a list with one model output per sample, got {type(outputs).__name__}")
    rows = [[out] if isinstance(out, (Value, numbers.Real)) else list(out) for out in outputs]
    if not rows:
        raise ValueError(f"{name}: the batch is empty")
    k = len(rows[0])
    for i, row in enumerate(rows):
        if len(row) != k or not row:
            raise ValueError(f"{name}: every sample needs the same number of outputs; sample 0 has {k}, "
                             f"sample {i} has {len(row)}")
        for j, out in enumerate(row):
            if not isinstance(out, Value):
                row[j] = _tag(Value(_number(out, name, i)))
    return rows


def _number(x: Any, name: str, i: int) -> float:
    """An output given as a plain number, through the one finite-float check (``_checks.real``)."""
    return real(x, f"{name}: an output of sample {i} (a Value or a number)")


def _batch(outputs: Outputs, targets: Any, name: str, *, unit_targets: bool = False,
           needs_2d: bool = False) -> tuple[list[list[Value]], np.ndarray]:
    """Check outputs against targets; return the rows and the targets as a float array of shape (n, k)."""
    rows = _rows(outputs, name)
    n, k = len(rows), len(rows[0])
    try:
        y = np.asarray(targets, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name}: targets must be numbers of shape ({n},) or ({n}, {k}): {exc}") from None
    if y.ndim == 1 and not needs_2d and k == 1:
        y = y.reshape(-1, 1)
    if y.shape != (n, k):
        hint = " (for class indices use sparse_categorical_cross_entropy)" if needs_2d and y.ndim == 1 else ""
        raise ValueError(f"{name}: targets of shape {y.shape} do not match {n} samples of {k} outputs; "
                         f"expected shape {(n, k) if needs_2d or k > 1 else (n,)}{hint}")
    finite_array(y, f"{name}: targets")
    if unit_targets and ((y < 0.0) | (y > 1.0)).any():
        raise ValueError(f"{name}: targets must lie in [0, 1], got values from {float(y.min())!r} to {float(y.max())!r}")
    return rows, y


def _sum_of_squares(rows: list[list[Value]], y: np.ndarray) -> Value:
    diffs = []
    for row, targets in zip(rows, y.tolist()):
        for out, t in zip(row, targets):
            diffs.append(_tag(out - t))
    return _tag(autograd.dot(diffs, diffs))  # Σ d·d: one node for the whole batch


def _cross_entropy(rows: list[list[Value]], y: np.ndarray, name: str) -> Value:
    weighted = []
    for i, (row, targets) in enumerate(zip(rows, y.tolist())):
        for p, t in zip(row, targets):
            _check_probability(p, i, name, f"{name}(..., from_logits=True)")
            if t != 0.0:
                weighted.append((p, -t))
    return _mean(_weighted_logs(weighted, rows[0][0]), len(rows), name)


def _cross_entropy_from_logits(rows: list[list[Value]], y: np.ndarray, name: str) -> Value:
    """Σᵢ [sᵢ·log Σⱼ e^(zᵢⱼ − mᵢ) − Σⱼ yᵢⱼ·(zᵢⱼ − mᵢ)] / n with mᵢ the row max (a constant) and sᵢ = Σⱼ yᵢⱼ."""
    terms, coeffs = [], []
    for row, targets in zip(rows, y.tolist()):
        shift = max(z.data for z in row)
        shifted = [_tag(z - shift) for z in row]
        terms.append(_log(_tag(autograd.sum([_tag(s.exp()) for s in shifted]))))
        coeffs.append(sum(targets))
        for s, t in zip(shifted, targets):
            if t != 0.0:
                terms.append(s)
                coeffs.append(-t)
    return _mean(_dot(terms, coeffs), len(rows), name)


def _check_probability(p: Value, i: int, name: str, alternative: str) -> None:
    if not 0.0 <= p.data <= 1.0:
        raise ValueError(f"{name} expects probabilities in [0, 1], but sample {i} has {p.data!r}; "
                         f"for raw scores use {alternative}")


def _weighted_logs(weighted: list[tuple[Value, float]], anchor: Value) -> Value:
    """Σ c·log(clip(p)) over (p, c) pairs, one dot node.

    A p outside [EPS, 1 − EPS] is clipped to the bound, a constant (no gradient, like a clamp): its
    term joins a constant added at the end instead of the graph, so it makes no leaf.
    """
    terms, coeffs, constant = [], [], 0.0
    for p, c in weighted:
        if EPS <= p.data <= 1.0 - EPS:
            terms.append(_log(p))
            coeffs.append(c)
        else:
            constant += c * math.log(EPS if p.data < EPS else 1.0 - EPS)
    if not terms:  # everything clipped (or no target): keep an output in the graph, with gradient 0
        terms, coeffs = [anchor], [0.0]
    total = _tag(autograd.dot(terms, coeffs))
    return _tag(total + constant) if constant else total


def _log(v: Value) -> Value:
    return _tag(v.log())


def _dot(terms: list[Value], coeffs: list[float]) -> Value:
    return _tag(autograd.dot(terms, coeffs))


def _tag(v: Value) -> Value:
    v.group = GROUP
    return v


def _mean(total: Value, count: int, name: str) -> Value:
    return _finish(total / float(count), name)


def _finish(v: Value, name: str) -> Value:
    v.label = name
    v.group = GROUP
    return v
