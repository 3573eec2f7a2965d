"""What training records: ``History`` (one entry per epoch of every series) and the ``EarlyStopping`` rule.

>>> h = History(loss=[0.5, 0.25])
>>> h.epochs, h.last()
(2, {'loss': 0.25})
"""

from __future__ import annotations

from dataclasses import dataclass, field

from autograd import Value

from ._checks import at_least, positive_int


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

    def add_epoch(self, record: dict[str, float]) -> None:
        """Append one epoch's ``record`` (``{"loss": ..., "accuracy": ..., "val_loss": ...}``) to every series."""
        self.loss.append(record["loss"])
        for name, values in self.metrics.items():
            values.append(record[name])
        if "val_loss" in record:
            self.val_loss.append(record["val_loss"])
            for name, values in self.val_metrics.items():
                values.append(record[f"val_{name}"])


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


class BestTracker:
    """Early stopping's state during one run: the best value so far, its epoch and weights."""

    def __init__(self, rule: EarlyStopping, parameters: list[Value]) -> None:
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
