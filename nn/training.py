"""The training loop: ``fit``, with a progress bar, validation, early stopping and a ``History``.

``fit`` is the loop a learner would write by hand, run for them::

    for xb, yb in minibatches(X, y, batch_size):
        outputs = [model(x) for x in xb]
        loss = loss_fn(outputs, yb)
        optimizer.zero_grad(); loss.backward(); optimizer.step()

plus bookkeeping: per-epoch loss and metrics (a ``History``), a validation pass, early stopping.
One minibatch is one call of a ``TrainStep`` (``train_step`` makes the engine's), so another way
to compute a step (a compiled one, say) plugs into the same loop.
"""

from __future__ import annotations

import math
import sys
import time
from dataclasses import dataclass
from typing import Any, Callable, Iterable

import numpy as np
from tqdm import auto as tqdm_auto  # a widget bar in Jupyter, a text bar in a terminal

import autograd

from . import losses as _losses
from ._checks import at_least, positive_int
from .data import as_features, as_targets, make_rng
from .history import BestTracker, EarlyStopping, History
from .inference import (
    Metric, choose_decision, evaluate, metric_functions, model_outputs, output_row, predict, score,
)
from .metrics import target_labels, to_labels

__all__ = ["fit", "train_step", "TrainStep", "History", "EarlyStopping", "evaluate", "predict", "model_outputs"]

TrainStep = Callable[[np.ndarray, np.ndarray], tuple[Any, float]]
"""One minibatch: ``step(rows, targets) -> (outputs, loss)`` trains on the rows (a float array, one
row per sample) and returns each row's output values as computed before the update, and the batch's
mean data loss. A step may also have ``end_epoch()`` and ``finish()``, which ``fit`` calls after
each epoch (before validation) and at the end (a compiled step writes its weights back then)."""


def train_step(model: Any, loss_fn: Callable, optimizer: Any, l2: float = 0.0) -> TrainStep:
    """The engine's ``TrainStep``: forward on each row, loss (+ L2), ``zero_grad``, backward, ``step``.

    The step runs with the cycle collector paused: its graph is made and freed inside, so the
    collector would only re-walk nodes that reference counting frees anyway.

    >>> from nn.layers import MLP
    >>> from nn.optim import SGD
    >>> net = MLP(2, [1], seed=0)
    >>> step = train_step(net, _losses.mse, SGD(net.parameters(), lr=0.1))
    >>> outputs, loss = step([[1.0, 2.0]], np.array([0.0]))
    >>> len(outputs), loss == outputs[0][0] ** 2
    (1, True)
    """
    parameters = list(model.parameters())

    def step(rows: Any, targets: np.ndarray) -> tuple[list[list[float]], float]:
        rows = rows.tolist() if isinstance(rows, np.ndarray) else rows  # one batch becomes floats, not the data set
        with autograd.gc_paused():
            outputs = [model(x) for x in rows]
            loss = loss_fn(outputs, targets)
            objective = loss + _losses.l2_penalty(parameters, l2) if l2 else loss
            optimizer.zero_grad()
            objective.backward()
            optimizer.step()
            return [[o.data for o in output_row(out)] for out in outputs], loss.data

    return step


@dataclass
class _Plan:
    """Everything ``fit`` checked before training: the data, the loss, what to record and when to stop."""

    X: np.ndarray
    y: np.ndarray
    loss_fn: Callable
    metrics: list[tuple[str, Callable]]
    validation: tuple[np.ndarray, np.ndarray] | None
    stopper: EarlyStopping | None
    decision: str
    batch_size: int
    epochs: int
    rng: np.random.Generator
    schedule: Any


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
    compile: bool = False,
    dtype: Any = None,
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
    - ``progress``: a tqdm bar with the running loss and accuracy (``tqdm.auto``: one live widget in
      Jupyter, a text bar on stderr elsewhere).

    Each minibatch runs one ``TrainStep`` (see ``train_step``): the epoch loop, scoring, validation
    and early stopping do not depend on how a step computes. ``compile=True`` uses a compiled step
    (``nn.compiled``): the model and the per-sample loss traced once and run on numpy batches, the
    weights and the optimizer's state in arrays, written back into the parameters after each epoch;
    the same numbers, far faster. It needs a loss that is a mean or sum over samples, an optimizer
    from ``nn.optim`` and a model without Python branches on values (see ``autograd.compile``).
    ``dtype="float32"`` (only with ``compile=True``) computes each step in float32 (faster on big
    layers); the weights and the optimizer's state stay float64.

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
    plan = _plan(model, X, y, loss=loss, optimizer=optimizer, epochs=epochs, batch_size=batch_size,
                 validation=validation, metrics=metrics, early_stopping=early_stopping, seed=seed,
                 decision=decision, schedule=schedule)
    l2 = at_least(l2, 0.0, "l2")
    from .compiled import compute_dtype  # here, not at the top: compiled imports inference

    dtype = compute_dtype(dtype, compile)
    if compile:
        from .compiled import CompiledTraining

        step: TrainStep = CompiledTraining(model, plan.loss_fn, plan.X, plan.y, optimizer, l2, dtype=dtype)
    else:
        step = train_step(model, plan.loss_fn, optimizer, l2)
    return _train(model, plan, step, progress)


def _plan(model: Any, X: Any, y: Any, *, loss: Any, optimizer: Any, epochs: int, batch_size: int | None,
          validation: Any, metrics: Any, early_stopping: Any, seed: int | None, decision: str | None,
          schedule: Any) -> _Plan:
    """Check every argument of ``fit`` (before any training) and gather them in a ``_Plan``."""
    X = as_features(X)
    y = as_targets(y, len(X))
    loss_fn = _losses.get(loss)
    _check_model(model)
    _check_optimizer(optimizer)
    _check_schedule(schedule)
    named = metric_functions(metrics)
    val = _check_validation(validation, X.shape[1])
    stopper = EarlyStopping(patience=early_stopping) if isinstance(early_stopping, int) else early_stopping
    if stopper is not None and not isinstance(stopper, EarlyStopping):
        raise TypeError(f"early_stopping must be an EarlyStopping, an int patience or None, got {stopper!r}")
    with autograd.no_grad():  # one sample through the model: checks the input width and counts outputs
        num_outputs = len(output_row(model(X[0].tolist())))
    series = {"loss", *(n for n, _ in named)}
    if val is not None:
        series |= {f"val_{n}" for n in series}
    if stopper is not None and stopper.monitor not in series:
        raise ValueError(f"early stopping monitors {stopper.monitor!r}, but fit records only {sorted(series)}")
    size = len(X) if batch_size is None else positive_int(batch_size, "batch_size")
    return _Plan(X, y, loss_fn, named, val, stopper, choose_decision(decision, loss_fn, num_outputs), size,
                 positive_int(epochs, "epochs"), make_rng(seed), schedule)


def _train(model: Any, plan: _Plan, step: TrainStep, progress: bool) -> History:
    """Run ``plan``'s epochs, each minibatch through ``step``; record, validate, schedule, stop early."""
    named = plan.metrics
    history = History(metrics={n: [] for n, _ in named}, val_metrics={n: [] for n, _ in named} if plan.validation else {})
    tracker = None if plan.stopper is None else BestTracker(plan.stopper, list(model.parameters()))
    bar = _Progress(plan, progress)
    try:
        for epoch in range(1, plan.epochs + 1):
            started = time.perf_counter()
            record = _epoch(plan, step, bar, epoch)
            if hasattr(step, "end_epoch"):
                step.end_epoch()
            if plan.validation is not None:
                scores = evaluate(model, *plan.validation, loss=plan.loss_fn, metrics=[f for _, f in named],
                                  decision=plan.decision)
                record.update({f"val_{n}": scores[n] for n in ["loss", *(n for n, _ in named)]})
            history.add_epoch(record)
            history.seconds.append(time.perf_counter() - started)
            bar.show(record)
            if plan.schedule is not None:
                plan.schedule.step()
            if tracker is not None and tracker.should_stop(record, epoch):
                history.stopped_early = True
                break
    finally:
        bar.close()
        if hasattr(step, "finish"):
            step.finish()
    if tracker is not None:
        history.best_epoch = tracker.finish()
    return history


def _epoch(plan: _Plan, step: TrainStep, bar: _Progress, epoch: int) -> dict[str, float]:
    """One pass over shuffled minibatches; the epoch's mean loss and its metrics, scored before each update."""
    n, size = len(plan.X), plan.batch_size
    bar.start(epoch)
    # Shuffle minibatches; a full batch keeps its order (the sum is the same, bit for bit).
    order = plan.rng.permutation(n) if size < n else np.arange(n)
    total, outputs = 0.0, []
    for start in range(0, n, size):
        idx = order[start:start + size]
        try:
            batch_outputs, batch_loss = step(plan.X[idx], plan.y[idx])
        except OverflowError as exc:
            raise OverflowError(f"training diverged in epoch {epoch} (values grew past float range; "
                                f"try a smaller learning rate): {exc}") from exc
        total += batch_loss * len(idx)
        outputs.extend(batch_outputs)
        bar.batch(batch_outputs, plan.y[idx], total / len(outputs))
    return {"loss": total / n, **score(plan.metrics, plan.y[order], np.array(outputs), plan.decision)}


class _Progress:
    """The progress bar of one ``fit``: one bar for all batches of all epochs, with the running loss and accuracy."""

    def __init__(self, plan: _Plan, enabled: bool) -> None:
        self.enabled, self.decision = enabled, plan.decision
        self.show_accuracy = enabled and any(n == "accuracy" for n, _ in plan.metrics)
        interactive = enabled and hasattr(sys.stderr, "isatty") and sys.stderr.isatty()
        self.epochs, self.seen, self.correct = plan.epochs, 0, 0
        self.bar = tqdm_auto.tqdm(  # in a log file (not a terminal) redraw rarely, so the bar does not flood it
            total=plan.epochs * math.ceil(len(plan.X) / plan.batch_size), unit="batch", disable=not enabled,
            file=sys.stderr, dynamic_ncols=True, leave=True, mininterval=0.1 if interactive else 10.0,
        )

    def start(self, epoch: int) -> None:
        self.bar.set_description(f"epoch {epoch}/{self.epochs}")
        self.seen = self.correct = 0

    def batch(self, outputs: list[list[float]], targets: np.ndarray, running_loss: float) -> None:
        self.bar.update(1)
        if not self.enabled:
            return
        self.seen += len(outputs)
        shown = {"loss": running_loss}
        if self.show_accuracy:
            self.correct += int(np.sum(to_labels(outputs, self.decision) == target_labels(targets)))
            shown["accuracy"] = self.correct / self.seen
        self.bar.set_postfix(_shown(shown), refresh=False)

    def show(self, record: dict[str, float]) -> None:
        if self.enabled:
            self.bar.set_postfix(_shown(record), refresh=False)

    def close(self) -> None:
        self.bar.close()


def _shown(record: dict[str, float]) -> dict[str, str]:
    """Progress-bar postfix: losses to 4 decimals, accuracies as percentages."""
    return {
        name.replace("accuracy", "acc"): f"{value:.1%}" if "accuracy" in name else f"{value:.4f}"
        for name, value in record.items()
    }


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
