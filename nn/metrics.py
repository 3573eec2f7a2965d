"""Scoring predictions: how model outputs become class labels, accuracy, and the confusion matrix.

How outputs map to labels (the ``decision`` rule, chosen by name or inferred from the loss):

- ``"threshold"``: one output read as a probability; label 1 when it is above 0.5, else 0.
- ``"logit"``: one output read as a logit (before the sigmoid); label 1 when it is above 0, else 0.
- ``"sign"``: one output read as a margin (hinge loss); label 1 when it is above 0, else −1.
- ``"argmax"``: k outputs; the label is the index of the largest (ties go to the first).

Each loss carries the rule that suits it (``nn.losses.decision_for``).
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np


DECISIONS = ("threshold", "logit", "sign", "argmax")

def check_decision(decision: str) -> str:
    """Return ``decision`` if it names a rule in ``DECISIONS``, else raise a ValueError listing them."""
    if decision not in DECISIONS:
        raise ValueError(f"decision must be one of {', '.join(map(repr, DECISIONS))}, got {decision!r}")
    return decision


def to_labels(outputs: Any, decision: str) -> np.ndarray:
    """Turn model outputs (shape (n, k), or (n,) for one output) into int64 labels by ``decision``.

    >>> to_labels([[0.2], [0.7]], "threshold").tolist(), to_labels([[-0.3], [2.0]], "sign").tolist()
    ([0, 1], [-1, 1])
    >>> to_labels([[0.1, 0.9, 0.0], [3.0, 1.0, 2.0]], "argmax").tolist()
    [1, 0]
    """
    check_decision(decision)
    out = np.asarray(outputs, dtype=np.float64)
    if out.ndim == 1:
        out = out[:, None]
    if out.ndim != 2:
        raise ValueError(f"outputs must have shape (n, k), got {out.shape}")
    if decision == "argmax":
        return out.argmax(axis=1).astype(np.int64)
    if out.shape[1] != 1:
        raise ValueError(f"decision {decision!r} needs one output per sample, got {out.shape[1]} (use 'argmax')")
    score = out[:, 0]
    if decision == "threshold":
        return (score > 0.5).astype(np.int64)
    positive = score > 0.0
    return positive.astype(np.int64) if decision == "logit" else np.where(positive, 1, -1).astype(np.int64)


def target_labels(y: Any) -> np.ndarray:
    """Targets as labels: one-hot rows (n, k>1) become their argmax, a (n, 1) column is flattened.

    >>> target_labels([[0, 1], [1, 0]]).tolist(), target_labels([[1], [0]]).tolist()
    ([1, 0], [1, 0])
    """
    arr = np.asarray(y)
    if arr.ndim == 2:
        return arr.argmax(axis=1).astype(np.int64) if arr.shape[1] > 1 else arr[:, 0]
    return arr


def _paired(y_true: Any, y_pred: Any) -> tuple[np.ndarray, np.ndarray]:
    t, p = np.asarray(y_true).ravel(), np.asarray(y_pred).ravel()
    if np.ndim(y_true) > 1 and np.shape(y_true)[1] > 1:
        raise ValueError(f"y_true must be labels, not one-hot rows of shape {np.shape(y_true)} (use target_labels)")
    if len(t) != len(p):
        raise ValueError(f"y_true and y_pred must have the same length, got {len(t)} and {len(p)}")
    if len(t) == 0:
        raise ValueError("y_true and y_pred are empty: accuracy needs at least one sample")
    return t, p


def accuracy(y_true: Any, y_pred: Any) -> float:
    """The fraction of samples whose predicted label equals the true label.

    >>> accuracy([0, 1, 1, 0], [0, 1, 0, 0])
    0.75
    """
    t, p = _paired(y_true, y_pred)
    return float(np.mean(t == p))


METRICS: dict[str, Callable[[Any, Any], float]] = {"accuracy": accuracy}


def get_metric(metric: str | Callable[[Any, Any], float]) -> tuple[str, Callable[[Any, Any], float]]:
    """``(name, function)`` for a metric name in ``METRICS`` or a function ``f(y_true, y_pred) -> float``.

    >>> get_metric("accuracy")[0]
    'accuracy'
    """
    if callable(metric):
        return getattr(metric, "__name__", "metric"), metric
    if metric in METRICS:
        return metric, METRICS[metric]
    raise ValueError(f"unknown metric {metric!r}; use one of {sorted(METRICS)} or a function f(y_true, y_pred)")


def confusion_matrix(y_true: Any, y_pred: Any, labels: Sequence[int] | None = None) -> np.ndarray:
    """Counts of (true label, predicted label) pairs: row i is true ``labels[i]``, column j predicted ``labels[j]``.

    ``labels`` defaults to 0..max for class indices, or the sorted labels present (for −1/1 labels,
    or names such as ``"cat"``).

    >>> confusion_matrix([0, 1, 1, 2], [0, 1, 2, 2]).tolist()
    [[1, 0, 0], [0, 1, 1], [0, 0, 1]]
    """
    t, p = _paired(y_true, y_pred)
    if labels is None:
        present = np.union1d(t, p)
        numeric = np.issubdtype(present.dtype, np.number)
        labels = np.arange(int(present.max()) + 1) if numeric and present.min() >= 0 and _whole(present) else present
    labels = np.asarray(labels)
    index = {label: i for i, label in enumerate(labels.tolist())}
    unknown = [v for v in np.union1d(t, p).tolist() if v not in index]
    if unknown:
        raise ValueError(f"confusion_matrix: labels {unknown} are not in labels={labels.tolist()}")
    matrix = np.zeros((len(labels), len(labels)), dtype=np.int64)
    np.add.at(matrix, ([index[v] for v in t.tolist()], [index[v] for v in p.tolist()]), 1)
    return matrix


def _whole(values: np.ndarray) -> bool:
    return bool(np.all(np.asarray(values, dtype=np.float64) == np.round(values)))


def format_confusion_matrix(matrix: Any, labels: Sequence[Any] | None = None) -> str:
    """A plain-text table of a confusion matrix with each class's recall (correct / true count).

    >>> print(format_confusion_matrix([[5, 1], [0, 4]]))
    true\\pred   0   1 │ recall
            0   5   1 │  83.3%
            1   0   4 │ 100.0%
    accuracy 90.0% (9 of 10)
    """
    m = np.asarray(matrix)
    if m.ndim != 2 or m.shape[0] != m.shape[1] or m.shape[0] == 0:
        raise ValueError(f"a confusion matrix must be square, got shape {m.shape}")
    names = [str(label) for label in (range(len(m)) if labels is None else labels)]
    if len(names) != len(m):
        raise ValueError(f"got {len(names)} labels for a {len(m)}×{len(m)} matrix")
    head = "true\\pred"
    width = max(3, max(len(s) for s in names), len(str(int(m.max())))) + 1
    lines = [head + "".join(s.rjust(width) for s in names) + " │ recall"]
    for i, (name, row) in enumerate(zip(names, m)):
        total = row.sum()
        recall = f"{100.0 * row[i] / total:5.1f}%" if total else "     –"
        lines.append(name.rjust(len(head)) + "".join(str(int(c)).rjust(width) for c in row) + " │ " + recall)
    correct, total = int(np.trace(m)), int(m.sum())
    if total:
        lines.append(f"accuracy {100.0 * correct / total:.1f}% ({correct} of {total})")
    return "\n".join(lines)
