"""The training loop (``fit``, with a progress bar, validation and early stopping) and inference helpers.

``fit`` is the loop a learner would write by hand, run for them::

    for xb, yb in minibatches(X, y, batch_size):
        outputs = [model(x) for x in xb]
        loss = loss_fn(outputs, yb)
        optimizer.zero_grad(); loss.backward(); optimizer.step()

plus bookkeeping: per-epoch loss and metrics (a ``History``), a validation pass, early stopping.
Inference (``model_outputs``, ``predict``, ``evaluate``) runs under ``autograd.no_grad()``: no graph
is recorded, so it is fast and frees memory at once.
"""

from __future__ import annotations

import math
import sys
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Sequence

import numpy as np
from tqdm import auto as tqdm_auto  # a widget bar in Jupyter, a text bar in a terminal

import autograd

from . import losses as _losses
from ._checks import at_least, positive_int
from .data import as_features, as_targets, make_rng
from .metrics import check_decision, decision_for, get_metric, target_labels, to_labels

Metric = str | Callable[[Any, Any], float]


@dataclass
class History:
    """What ``fit`` measured, one entry per epoch, as plain lists.

    ``loss`` is the mean training loss over the epoch's batches (without any ``l2`` penalty, so it
    compares with ``val_loss``); ``metrics`` are scored on the training batches as they were seen,
    before each update. ``seconds`` is each epoch's wall time, validation included. ``best_epoch``
    (1-based) is the best epoch by the early-stopping monitor (the model is left with its weights
    when ``restore_best``), else None.

    >>> h = History(loss=[0.5, 0.25], metrics={"accuracy": [0.5, 1.0]})
    >>> h.epochs, h["accuracy"], h.last()
    (2, [0.5, 1.0], {'loss': 0.25, 'accuracy': 1.0})
    """

    loss: list[float] = field(default_factory=list)
    metrics: dict[str, list[float]] = field(default_factory=dict)
    val_loss: list[float] = field(default_factory=list)
    val_metrics: dict[str, list[float]] = field(default_factory=dict)
    seconds: list[float] = field(default_factory=list)
    best_epoch: int | None = None
    stopped_early: bool = False

    @property
    def epochs(self) -> int:
        """How many epochs ran."""
        return len(self.loss)

    def as_dict(self) -> dict[str, list[float]]:
        """Every series by name: ``loss``, each metric, ``val_loss``, ``val_<metric>`` (when validated)."""
        series: dict[str, list[float]] = {"loss": self.loss, **self.metrics}
        if self.val_loss:
            series["val_loss"] = self.val_loss
            series.update({f"val_{name}": values for name, values in self.val_metrics.items()})
        return series

    def __getitem__(self, name: str) -> list[float]:
        series = self.as_dict()
        if name not in series:
            raise KeyError(f"no series {name!r} in this history; it has {sorted(series)}")
        return series[name]

    def last(self) -> dict[str, float]:
        """The final epoch's value of every series."""
        return {name: values[-1] for name, values in self.as_dict().items() if values}

    def table(self, every: int = 1) -> str:
        """One row per ``every`` epochs (and the last), one column per series, plus seconds.

        >>> print(History(loss=[0.5, 0.25], metrics={"accuracy": [0.5, 1.0]}, seconds=[0.1, 0.1]).table())
        epoch           loss      accuracy   seconds
            1         0.5000        0.5000      0.10
            2         0.2500        1.0000      0.10
        """
        every = positive_int(every, "every")
        series = self.as_dict()
        rows = ["epoch " + "".join(f"{name:>14}" for name in series) + "   seconds"]
        for i in range(self.epochs):
            if (i + 1) % every and i != self.epochs - 1:
                continue
            cells = "".join(f"{values[i]:14.4f}" for values in series.values())
            seconds = f"{self.seconds[i]:10.2f}" if i < len(self.seconds) else ""
            rows.append(f"{i + 1:5d} {cells}{seconds}")
        return "\n".join(rows)

    def __str__(self) -> str:
        return self.table()


@dataclass
class EarlyStopping:
    """Stop when ``monitor`` has not improved by more than ``min_delta`` for ``patience`` epochs.

    ``monitor`` names a History series (``"val_loss"``, ``"val_accuracy"``, ``"loss"``...); names
    containing "loss" are minimised, others maximised. With ``restore_best`` the model ends with
    the weights of its best epoch.

    >>> EarlyStopping(patience=3).improved(0.5, best=0.6)
    True
    """

    monitor: str = "val_loss"
    patience: int = 5
    min_delta: float = 0.0
    restore_best: bool = True

    def __post_init__(self) -> None:
        if not isinstance(self.monitor, str) or not self.monitor:
            raise TypeError(f"monitor must be the name of a history series, got {self.monitor!r}")
        self.patience = positive_int(self.patience, "patience")
        self.min_delta = at_least(self.min_delta, 0.0, "min_delta")

    def improved(self, value: float, best: float | None) -> bool:
        """True if ``value`` beats ``best`` (None: nothing yet) by more than ``min_delta``."""
        if best is None:
            return True
        if "loss" in self.monitor:
            return value < best - self.min_delta
        return value > best + self.min_delta


def _rows(X: Any) -> list[list[float]]:
    """Samples as lists of plain floats: the engine reads Python floats fastest."""
    return as_features(X).tolist()


class _BestTracker:
    """Early stopping's state during one ``fit``: the best value so far, its epoch and weights."""

    def __init__(self, rule: EarlyStopping, parameters: list) -> None:
        self.rule, self.parameters = rule, parameters
        self.best: float | None = None
        self.best_epoch = 0
        self.best_weights: list[float] = []
        self.waited = 0

    def should_stop(self, record: dict[str, float], epoch: int) -> bool:
        value = record[self.rule.monitor]
        if self.rule.improved(value, self.best):
            self.best, self.best_epoch, self.waited = value, epoch, 0
            self.best_weights = [p.data for p in self.parameters]
            return False
        self.waited += 1
        return self.waited >= self.rule.patience

    def finish(self) -> int:
        """Restore the best weights if the rule says so; return the best epoch."""
        if self.rule.restore_best:
            for p, w in zip(self.parameters, self.best_weights):
                p.data = w
        return self.best_epoch


def _row(out: Any) -> list:
    """A model's output for one sample as a list: a lone Value (one output unit) is a list of one."""
    return [out] if isinstance(out, autograd.Value) else out


def model_outputs(model: Callable[[Sequence[float]], Any], X: Any) -> np.ndarray:
    """Run the model on every row of ``X`` without recording a graph; float64 array of shape (n, outputs).

    >>> from nn.layers import MLP
    >>> model_outputs(MLP(2, [3, 1], seed=0), [[0.0, 1.0], [1.0, 0.0]]).shape
    (2, 1)
    """
    with autograd.no_grad():
        return np.array([[o.data for o in _row(model(x))] for x in _rows(X)])


def _decision(decision: str | None, loss: Any, num_outputs: int) -> str:
    return decision_for(loss, num_outputs) if decision is None else check_decision(decision)


def predict(model: Callable, X: Any, decision: str | None = None, *, loss: Any = None) -> np.ndarray:
    """Class labels for every row of ``X`` (int64), by a ``decision`` rule from ``nn.metrics``.

    With ``decision=None`` the rule is inferred from ``loss`` and the number of outputs: argmax
    for several outputs; for one output, sign for hinge, > 0 for BCE-with-logits, else > 0.5.

    >>> from nn.layers import MLP
    >>> predict(MLP(2, [3, 1], output_activation="sigmoid", seed=0), [[0.0, 1.0]]).shape
    (1,)
    """
    out = model_outputs(model, X)
    return to_labels(out, _decision(decision, loss, out.shape[1]))


def _metric_functions(metrics: Iterable[Metric] | None) -> list[tuple[str, Callable]]:
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


def _score(named: list[tuple[str, Callable]], y: np.ndarray, outputs: np.ndarray, decision: str) -> dict[str, float]:
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
) -> dict[str, float]:
    """The mean ``loss`` and each metric of ``model`` on ``(X, y)``, computed without a graph.

    >>> from nn.layers import MLP
    >>> sorted(evaluate(MLP(2, [1], seed=0), [[0.0, 1.0], [1.0, 1.0]], [0, 1]))
    ['accuracy', 'loss']
    """
    X = as_features(X)
    y = as_targets(y, len(X))
    loss_fn = _losses.get(loss)
    named = _metric_functions(metrics)
    with autograd.no_grad():
        values = [model(x) for x in X.tolist()]
        result = {"loss": float(loss_fn(values, y).data)}
    outputs = np.array([[o.data for o in _row(out)] for out in values])
    result.update(_score(named, y, outputs, _decision(decision, loss_fn, outputs.shape[1])))
    return result


def _check_optimizer(optimizer: Any) -> None:
    for method in ("step", "zero_grad"):
        if not callable(getattr(optimizer, method, None)):
            raise TypeError(
                f"optimizer must have .step() and .zero_grad() (e.g. nn.optim.SGD(model.parameters(), lr=0.1)), "
                f"got {type(optimizer).__name__}"
            )


def _check_model(model: Any) -> None:
    if not callable(model) or not callable(getattr(model, "parameters", None)):
        raise TypeError(f"model must be callable and have .parameters() (e.g. nn.MLP(2, [16, 1])), "
                        f"got {type(model).__name__}: {model!r}")


def _check_schedule(schedule: Any) -> None:
    if schedule is not None and not callable(getattr(schedule, "step", None)):
        raise TypeError(f"schedule must have .step() (e.g. nn.schedules.StepDecay(optimizer, 10, 0.5)) or be None, "
                        f"got {type(schedule).__name__}: {schedule!r}")


def _check_validation(validation: Any, num_features: int) -> tuple[np.ndarray, np.ndarray] | None:
    if validation is None:
        return None
    if not isinstance(validation, (tuple, list)) or len(validation) != 2:
        raise TypeError("validation must be a pair (X_val, y_val)")
    X_val = as_features(validation[0], "X_val")
    if X_val.shape[1] != num_features:
        raise ValueError(f"X_val has {X_val.shape[1]} features but X has {num_features}")
    return X_val, as_targets(validation[1], len(X_val), "y_val")


def fit(
    model: Any,
    X: Any,
    y: Any,
    *,
    loss: Any,
    optimizer: Any,
    epochs: int = 10,
    batch_size: int | None = None,
    validation: tuple[Any, Any] | None = None,
    metrics: Iterable[Metric] | None = ("accuracy",),
    early_stopping: EarlyStopping | int | None = None,
    progress: bool = True,
    seed: int | None = None,
    decision: str | None = None,
    l2: float = 0.0,
    schedule: Any = None,
) -> History:
    """Train ``model`` on ``(X, y)`` for ``epochs`` passes of shuffled minibatches; return a ``History``.

    - ``loss``: a name from ``nn.losses`` or a function ``loss(outputs, targets) -> Value``.
    - ``optimizer``: e.g. ``SGD(model.parameters(), lr=0.1)``; ``schedule`` (``nn.schedules``) is
      stepped once per epoch.
    - ``batch_size=None`` trains on the full batch; ``seed`` fixes the shuffling.
    - ``validation=(X_val, y_val)`` is scored after every epoch, giving ``val_loss`` and
      ``val_<metric>``; ``early_stopping`` (an ``EarlyStopping``, or an int patience on
      ``val_loss``) stops and restores the best weights.
    - ``metrics`` are names (``"accuracy"``) or functions ``f(y_true_labels, y_pred_labels)`` (None: none);
      ``decision`` says how outputs become labels (inferred from the loss when None; see
      ``nn.metrics``).
    - ``l2``: adds ``l2_penalty(model.parameters(), l2)`` to the objective that is minimised.
    - ``progress``: a tqdm bar on stderr with the running loss and accuracy.

    >>> from nn.layers import MLP
    >>> from nn.optim import SGD
    >>> from nn.data import gender_table
    >>> X, y = gender_table()
    >>> model = MLP(2, [2, 1], activation="sigmoid", output_activation="sigmoid", seed=1)
    >>> history = fit(model, X / 10, y, loss="mse", optimizer=SGD(model.parameters(), lr=1.0),
    ...               epochs=200, progress=False)
    >>> history.epochs, history.loss[-1] < history.loss[0], history.metrics["accuracy"][-1]
    (200, True, 1.0)
    """
    X = as_features(X)
    y = as_targets(y, len(X))
    rows = X.tolist()
    loss_fn = _losses.get(loss)
    _check_model(model)
    _check_optimizer(optimizer)
    _check_schedule(schedule)
    epochs = positive_int(epochs, "epochs")
    l2 = at_least(l2, 0.0, "l2")
    named = _metric_functions(metrics)
    val = _check_validation(validation, X.shape[1])
    stopper = EarlyStopping(patience=early_stopping) if isinstance(early_stopping, int) else early_stopping
    if stopper is not None and not isinstance(stopper, EarlyStopping):
        raise TypeError(f"early_stopping must be an EarlyStopping, an int patience or None, got {stopper!r}")
    parameters = list(model.parameters())
    with autograd.no_grad():  # one sample through the model: checks the input width and counts outputs
        num_outputs = len(_row(model(rows[0])))
    decision = _decision(decision, loss_fn, num_outputs)
    series = {"loss", *(n for n, _ in named)}
    if val is not None:
        series |= {f"val_{n}" for n in series}
    if stopper is not None and stopper.monitor not in series:
        raise ValueError(f"early stopping monitors {stopper.monitor!r}, but fit records only {sorted(series)}")

    size = len(rows) if batch_size is None else positive_int(batch_size, "batch_size")
    rng = make_rng(seed)
    history = History(metrics={n: [] for n, _ in named}, val_metrics={n: [] for n, _ in named} if val else {})
    tracker = None if stopper is None else _BestTracker(stopper, parameters)
    interactive = progress and hasattr(sys.stderr, "isatty") and sys.stderr.isatty()
    bar = tqdm_auto.tqdm(  # in a log file (not a terminal) redraw rarely, so the bar does not flood it
        total=epochs * math.ceil(len(rows) / size), unit="batch", disable=not progress,
        file=sys.stderr, dynamic_ncols=True, leave=True, mininterval=0.1 if interactive else 10.0,
    )
    show_accuracy = progress and any(n == "accuracy" for n, _ in named)
    try:
        for epoch in range(1, epochs + 1):
            bar.set_description(f"epoch {epoch}/{epochs}")
            started = time.perf_counter()
            total, correct, outputs = 0.0, 0, []
            # Shuffle minibatches; a full batch keeps its order (the sum is the same, bit for bit).
            order = rng.permutation(len(rows)) if size < len(rows) else np.arange(len(rows))
            for start in range(0, len(rows), size):
                idx = order[start:start + size]
                batch_data, batch_loss = _step(model, parameters, [rows[i] for i in idx], y[idx], loss_fn, optimizer,
                                               l2, epoch)
                total += batch_loss * len(idx)
                outputs.extend(batch_data)
                bar.update(1)
                if progress:
                    shown = {"loss": total / len(outputs)}
                    if show_accuracy:
                        correct += int(np.sum(to_labels(batch_data, decision) == target_labels(y[idx])))
                        shown["accuracy"] = correct / len(outputs)
                    bar.set_postfix(_shown(shown), refresh=False)
            record = {"loss": total / len(rows), **_score(named, y[order], np.array(outputs), decision)}
            if val is not None:
                scores = evaluate(model, *val, loss=loss_fn, metrics=[f for _, f in named], decision=decision)
                record.update({f"val_{n}": scores[n] for n in ["loss", *(n for n, _ in named)]})
            _append(history, record)
            history.seconds.append(time.perf_counter() - started)
            if progress:
                bar.set_postfix(_shown(record), refresh=False)
            if schedule is not None:
                schedule.step()
            if tracker is not None and tracker.should_stop(record, epoch):
                history.stopped_early = True
                break
    finally:
        bar.close()
    if tracker is not None:
        history.best_epoch = tracker.finish()
    return history


def _step(model: Any, parameters: list, xs: list, targets: np.ndarray, loss_fn: Callable, optimizer: Any,
          l2: float, epoch: int) -> tuple[list[list[float]], float]:
    """One minibatch: forward, loss (+ L2), backward, update. Returns the outputs' values and the data loss.

    The whole step runs with the cycle collector paused: its graph is made and freed inside, so the
    collector would only re-walk nodes that reference counting frees anyway.
    """
    try:
        with autograd.gc_paused():
            outputs = [model(x) for x in xs]
            loss = loss_fn(outputs, targets)
            objective = loss + _losses.l2_penalty(parameters, l2) if l2 else loss
            optimizer.zero_grad()
            objective.backward()
            optimizer.step()
            return [[o.data for o in _row(out)] for out in outputs], loss.data
    except OverflowError as exc:
        raise OverflowError(
            f"training diverged in epoch {epoch} (values grew past float range; try a smaller learning rate): {exc}"
        ) from exc


def _shown(record: dict[str, float]) -> dict[str, str]:
    """Progress-bar postfix: losses to 4 decimals, accuracies as percentages."""
    return {
        name.replace("accuracy", "acc"): f"{value:.1%}" if "accuracy" in name else f"{value:.4f}"
        for name, value in record.items()
    }


def _append(history: History, record: dict[str, float]) -> None:
    history.loss.append(record["loss"])
    for name, values in history.metrics.items():
        values.append(record[name])
    if "val_loss" in record:
        history.val_loss.append(record["val_loss"])
        for name, values in history.val_metrics.items():
            values.append(record[f"val_{name}"])
