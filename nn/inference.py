"""Running a trained model: its outputs, predicted labels and scores, without recording a graph.

Everything here runs under ``autograd.no_grad()``: no graph is recorded, so it is fast and frees
memory at once.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable, Sequence

import numpy as np

import autograd

from . import losses as _losses
from .data import as_features, as_targets
from .metrics import check_decision, get_metric, target_labels, to_labels

Metric = str | Callable[[Any, Any], float]


def rows_of(X: Any) -> list[list[float]]:
    """Samples as lists of plain floats: the engine reads Python floats fastest."""
    return as_features(X).tolist()


def output_row(out: Any) -> list:
    """A model's output for one sample as a list: a lone Value (one output unit) is a list of one."""
    return [out] if isinstance(out, autograd.Value) else out


def model_outputs(model: Callable[[Sequence[float]], Any], X: Any, *, compile: bool = False,
                  dtype: Any = None) -> np.ndarray:
    """Run the model on every row of ``X`` without recording a graph; float64 array of shape (n, outputs).

    ``compile=True`` traces the model once (``autograd.compile``, cached per model) and runs it on
    numpy batches: the same numbers, much faster for big ``X``; ``dtype="float32"`` computes in float32
    (the result is float64 either way).

    >>> from nn.layers import MLP
    >>> model_outputs(MLP(2, [3, 1], seed=0), [[0.0, 1.0], [1.0, 0.0]]).shape
    (2, 1)
    """
    from .compiled import compiled_outputs, compute_dtype  # here, not at the top: compiled imports this module

    dtype = compute_dtype(dtype, compile)
    if compile:
        return compiled_outputs(model, as_features(X), dtype)
    with autograd.no_grad():
        return np.array([[o.data for o in output_row(model(x))] for x in rows_of(X)])


def choose_decision(decision: str | None, loss: Any, num_outputs: int) -> str:
    """``decision`` checked, or (when None) the rule the loss carries for ``num_outputs`` outputs."""
    return _losses.decision_for(loss, num_outputs) if decision is None else check_decision(decision)


def predict(model: Callable, X: Any, decision: str | None = None, *, loss: Any = None,
            compile: bool = False, dtype: Any = None) -> np.ndarray:
    """Class labels for every row of ``X`` (int64), by a ``decision`` rule from ``nn.metrics``.

    With ``decision=None`` the rule is inferred from ``loss`` and the number of outputs: argmax
    for several outputs; for one output, sign for hinge, > 0 for BCE-with-logits, else > 0.5.

    >>> from nn.layers import MLP
    >>> predict(MLP(2, [3, 1], output_activation="sigmoid", seed=0), [[0.0, 1.0]]).shape
    (1,)
    """
    out = model_outputs(model, X, compile=compile, dtype=dtype)
    return to_labels(out, choose_decision(decision, loss, out.shape[1]))


def metric_functions(metrics: Iterable[Metric] | None) -> list[tuple[str, Callable]]:
    """``(name, function)`` for each metric given (names or functions), checking the names are distinct."""
    if metrics is None:
        return []
    if isinstance(metrics, str) or callable(metrics):
        metrics = (metrics,)
    if not isinstance(metrics, Iterable):
        raise TypeError(f"metrics must be names or functions f(y_true, y_pred), "
                        f"got {type(metrics).__name__}: {metrics!r}")
    named = [get_metric(m) for m in metrics]
    names = [n for n, _ in named]
    if len(set(names)) != len(names):
        raise ValueError(f"metrics must have distinct names, got {names}")
    return named


def score(named: list[tuple[str, Callable]], y: np.ndarray, outputs: np.ndarray, decision: str) -> dict[str, float]:
    """Each named metric of the labels ``decision`` gives ``outputs``, against the targets ``y``."""
    if not named:
        return {}
    true, pred = target_labels(y), to_labels(outputs, decision)
    return {name: float(fn(true, pred)) for name, fn in named}


def evaluate(
    model: Callable,
    X: Any,
    y: Any,
    *,
    loss: Any = "mse",
    metrics: Iterable[Metric] | None = ("accuracy",),
    decision: str | None = None,
    compile: bool = False,
    dtype: Any = None,
) -> dict[str, float]:
    """The mean ``loss`` and each metric of ``model`` on ``(X, y)``, computed without a graph.

    ``compile=True`` runs the model compiled on numpy batches (see ``model_outputs``, also for ``dtype``).

    >>> from nn.layers import MLP
    >>> sorted(evaluate(MLP(2, [1], seed=0), [[0.0, 1.0], [1.0, 1.0]], [0, 1]))
    ['accuracy', 'loss']
    """
    X = as_features(X)
    y = as_targets(y, len(X))
    loss_fn = _losses.get(loss)
    named = metric_functions(metrics)
    if compile or dtype is not None:  # the loss reads the outputs as plain Values: no model graph is built
        outputs = model_outputs(model, X, compile=compile, dtype=dtype)
        with autograd.no_grad():
            result = {"loss": float(loss_fn([[autograd.Value(v) for v in row] for row in outputs.tolist()], y).data)}
    else:
        with autograd.no_grad():
            values = [model(x) for x in X.tolist()]
            result = {"loss": float(loss_fn(values, y).data)}
        outputs = np.array([[o.data for o in output_row(out)] for out in values])
    result.update(score(named, y, outputs, choose_decision(decision, loss_fn, outputs.shape[1])))
    return result
