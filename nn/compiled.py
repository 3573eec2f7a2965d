"""Compiled training and inference: the model and a per-sample loss traced once by ``autograd.compile``,
then run on numpy batches with the weights and the optimizer's state kept in arrays.

``fit(..., compile=True)`` and ``model_outputs``/``predict``/``evaluate(..., compile=True)`` use this.
The loss must be a mean or a sum over samples (every loss in ``nn.losses`` is). Targets reach the
compiled loss in one of two ways: when there are few distinct target rows (classes), as one traced
loss per target row, of which each sample uses its own (so losses that branch on targets work:
cross-entropies skip zero targets, hinge picks a side by the sign); otherwise as extra inputs,
which works when the loss only reads them as numbers (mse, sse).
The weights live in an array during training and are written back into the Values by
``write_back`` (``fit`` does so after every epoch), so pictures, ``save`` and the scalar engine see them.
"""

from __future__ import annotations

import weakref
from typing import Any, Callable

import numpy as np

import autograd
from autograd import Value

FEW_TARGET_ROWS = 16  # up to this many distinct target rows (classes), one traced loss per row
MAX_TARGET_ROWS = 64  # distinct target rows a loss that branches on targets may have (one traced loss each)
_BATCH_ROWS = 4096  # inference batch: bounds the memory of one program call
_programs: "weakref.WeakKeyDictionary[Any, dict[tuple, autograd.Program]]" = weakref.WeakKeyDictionary()


def compute_dtype(dtype: Any, compile: bool) -> np.dtype:
    """The dtype a compiled model computes in: float64 (the default, ``None``) or float32.

    Only compiled execution has a choice: the scalar engine computes in Python floats.

    >>> compute_dtype("float32", compile=True), compute_dtype(None, compile=False)
    (dtype('float32'), dtype('float64'))
    """
    if dtype is None:
        return np.dtype(np.float64)
    if not compile:
        raise ValueError(f"dtype={dtype!r} needs compile=True: the scalar engine computes in Python floats (float64)")
    try:
        chosen = np.dtype(dtype)
    except TypeError:
        chosen = None
    if chosen not in (np.float64, np.float32):
        raise ValueError(f"dtype must be float64 or float32, got {dtype!r}")
    return chosen


def _row(out: Any) -> list:
    return [out] if isinstance(out, Value) else list(out)


def model_program(model: Callable, n_features: int, dtype: Any = np.float64) -> autograd.Program:
    """The model compiled for ``n_features`` inputs computing in ``dtype`` (cached per model), outputs as a
    list of columns.

    >>> import nn
    >>> net = nn.MLP(2, [3, 2], seed=0)
    >>> model_program(net, 2)([[0.5, 1.0]]).shape
    (1, 2)
    """
    try:
        cache = _programs.setdefault(model, {})
    except TypeError:  # a model that cannot be weakly referenced is compiled afresh
        cache = {}
    key = (n_features, np.dtype(dtype).name)
    if key not in cache:
        cache[key] = autograd.compile(lambda xs: _row(model(xs)), n_features, dtype=dtype)
    return cache[key]


def compiled_outputs(model: Callable, X: np.ndarray, dtype: Any = np.float64) -> np.ndarray:
    """``model``'s outputs on every row of ``X`` computed in ``dtype``, returned as float64 (shape (n, outputs)),
    batch by batch.

    >>> import nn
    >>> compiled_outputs(nn.MLP(2, [3, 2], seed=0), np.zeros((5, 2))).shape
    (5, 2)
    """
    prog = model_program(model, X.shape[1], dtype)
    params = prog.parameter_array()
    out = np.concatenate([prog.run(X[i:i + _BATCH_ROWS], params) for i in range(0, len(X), _BATCH_ROWS)])
    return out.astype(np.float64, copy=False)


class CompiledTraining:
    """One compiled training run: ``step(rows)`` is forward, loss, backward and the optimizer's update on arrays.

    ``dtype=float32`` runs the forward and backward passes in float32; the weights and the optimizer's
    state stay float64 arrays (the Values hold Python floats), so only the step's arithmetic is rounded.

    >>> import nn
    >>> from nn.data import gender_table
    >>> X, y = gender_table()
    >>> net = nn.MLP(2, [2, 1], "sigmoid", "sigmoid", seed=1)
    >>> run = CompiledTraining(net, nn.losses.mse, X / 10, y, nn.SGD(net.parameters(), lr=1.0))
    >>> first = run.step(X / 10, y)[1]
    >>> for _ in range(200): last = run.step(X / 10, y)[1]
    >>> run.write_back(); bool(last < first), run.reduction
    (True, 'mean')
    """

    def __init__(self, model: Callable, loss_fn: Callable, X: np.ndarray, y: np.ndarray, optimizer: Any,
                 l2: float = 0.0, parameters: list[Value] | None = None, dtype: Any = np.float64) -> None:
        if not callable(getattr(optimizer, "step_arrays", None)):
            raise TypeError(f"compile=True needs an optimizer from nn.optim (with step_arrays), "
                            f"got {type(optimizer).__name__}")
        self.model, self.loss_fn, self.X, self.optimizer, self.l2 = model, loss_fn, X, optimizer, l2
        self.y, self.dtype = y, compute_dtype(dtype, compile=True)
        self.outputs = len(_row(_eager(model, X[0])))
        self.reduction = _reduction(model, loss_fn, X, y)
        self._compile_objective()
        self._bind_parameters(parameters if parameters is not None else list(getattr(model, "parameters")()))

    # ----- building --------------------------------------------------------------------------
    def _compile_objective(self) -> None:
        """One traced loss per distinct target row when there are few (classes), else targets as inputs."""
        X, y = self.X, self.y
        targets, columns = np.unique(y.reshape(len(y), -1), axis=0, return_inverse=True)
        pair = _differing_pair(y)
        if len(targets) > FEW_TARGET_ROWS and pair is not None:
            try:
                rows = np.hstack([_trace_features(X, pair), y[list(pair)].reshape(2, -1).astype(np.float64)])
                self.program = autograd.compile(self._objective_with_targets, rows.shape[1], example=rows,
                                                dtype=self.dtype)
                self.columns = None
                return
            except (autograd.TraceError, ValueError, TypeError):
                pass  # the loss branches on target values (or checks them): trace one loss per target row
        if len(targets) > MAX_TARGET_ROWS:
            raise ValueError(f"compile=True: this loss branches on target values and y has {len(targets)} distinct "
                             f"targets (at most {MAX_TARGET_ROWS} can be traced); train without compile")
        self.targets, self.columns = list(targets.astype(y.dtype)), columns.reshape(-1)
        self._target_table = targets.astype(y.dtype)
        self._target_column = self._target_table[:, 0]
        rows = _trace_features(X, (0, 1 if len(X) > 1 else 0))
        self.program = autograd.compile(self._objective_per_target, X.shape[1], example=rows, dtype=self.dtype)

    def _objective_with_targets(self, xs: list[Value]) -> list[Value]:
        d = self.X.shape[1]
        outs = _row(self.model(xs[:d]))
        t = np.array([[v.data for v in xs[d:]]])
        return [self.loss_fn([outs], t if self.y.ndim == 2 else t[0]), *outs]

    def _objective_per_target(self, xs: list[Value]) -> list[Value]:
        outs = _row(self.model(xs))
        shape = (1, -1) if self.y.ndim == 2 else (1,)
        return [*(self.loss_fn([outs], np.reshape(t, shape)) for t in self.targets), *outs]

    def _bind_parameters(self, model_parameters: list[Value]) -> None:
        """Line the optimizer's parameters up with the program's vector, so a step needs no gather."""
        optimizer, prog = self.optimizer, self.program.parameters
        position = {id(p): i for i, p in enumerate(optimizer.params)}
        used = [position[id(p)] for p in prog if id(p) in position]
        self._restore = np.argsort(np.array(used + sorted(set(range(len(position))) - set(used)), dtype=np.intp))
        optimizer.reorder(np.argsort(self._restore).tolist())
        self.data = np.fromiter((p.data for p in optimizer.params), np.float64, len(optimizer.params))
        self._all_in_optimizer = len(used) == len(prog)
        self._in_optimizer = np.array([id(p) in position for p in prog], dtype=bool)
        self._used = int(self._in_optimizer.sum())
        self._loss_columns = 1 if self.columns is None else len(self.targets)
        self._fixed = self.program.parameter_array()  # for parameters the optimizer does not move
        moved = {id(p): i for i, p in enumerate(optimizer.params)}
        decayed = np.array([moved[id(p)] for p in model_parameters if id(p) in moved], dtype=np.intp)
        whole = len(decayed) == len(self.data) and np.array_equal(decayed, np.arange(len(decayed)))
        self._decayed = None if whole else decayed  # None: every parameter, in order (no gather)

    # ----- training --------------------------------------------------------------------------
    def __call__(self, X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, float]:
        """``fit``'s ``TrainStep``: one minibatch (see ``step``)."""
        return self.step(X, y)

    def end_epoch(self) -> None:
        """``fit`` calls this after each epoch: the Values get the weights before validation."""
        self.write_back()

    def step(self, X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, float]:
        """Train on one minibatch (rows of X, their targets y): returns its outputs (n, k) and the data loss."""
        n, losses = len(X), self._loss_columns
        scale = 1.0 / n if self.reduction == "mean" else 1.0
        upstream = np.zeros((n, self.program.outputs))
        if self.columns is None:  # the targets ride along as extra input columns; one loss output
            inputs, chosen = np.hstack([np.asarray(X, dtype=np.float64),
                                        np.asarray(y, dtype=np.float64).reshape(n, -1)]), None
            upstream[:, 0] = scale
        else:  # one traced loss per target row: each sample's own is chosen
            inputs, chosen = X, self._chosen(y)
            np.multiply(chosen, scale, out=upstream[:, :losses])
        # The program's own workspace: its gradients are used (and added to) in place, before the next call.
        ws = self.program._gradient(inputs, self._parameter_vector(), upstream)
        out, grads = self.program._outputs(ws), ws.parameters_grad
        if self.dtype != np.float64:  # float32 computes the step; weights and optimizer state stay float64
            out, grads = out.astype(np.float64), grads.astype(np.float64)
        used = self._used
        if used == len(self.data):
            full = grads
        else:
            full = np.zeros_like(self.data)
            full[:used] = grads if self._all_in_optimizer else grads[self._in_optimizer]
        if self.l2:
            decayed = self._decayed
            if decayed is None:  # every parameter, in order
                full += (2.0 * self.l2) * self.data
            else:
                full[decayed] += (2.0 * self.l2) * self.data[decayed]
        self.optimizer.step_arrays(self.data, full)  # all or nothing: it refuses a step to inf or nan
        picked = out[:, 0] if chosen is None else out[:, :losses][chosen]  # row by row, one loss each
        return out[:, losses:], float(np.add.reduce(picked) * scale)

    def _parameter_vector(self) -> np.ndarray:
        """The program's parameters: the optimizer's array, with any parameter it does not move filled in."""
        if self._all_in_optimizer:
            return self.data[:self._used]
        params = self._fixed.copy()
        params[self._in_optimizer] = self.data[:self._used]
        return params

    def _chosen(self, y: np.ndarray) -> np.ndarray:
        """(samples, traced losses): True where a sample's targets are that loss's target row."""
        rows = np.asarray(y, dtype=self.y.dtype).reshape(len(y), -1)
        table = self._target_table
        if table.shape[1] == 1:
            chosen = rows == self._target_column  # (n, 1) against (k,): (n, k)
        else:
            chosen = (rows[:, None, :] == table[None]).all(axis=2)
        if np.count_nonzero(chosen) != len(rows):  # target rows are distinct: at most one True per sample
            raise ValueError("a target row in this batch was not among the training targets the loss was traced for")
        return chosen

    def write_back(self) -> None:
        """Copy the trained weights from the array into the parameters' ``.data``."""
        for p, x in zip(self.optimizer.params, self.data.tolist()):
            p.data = x

    def finish(self) -> None:
        """Write the weights back and give the optimizer its parameters in their original order."""
        self.write_back()
        self.optimizer.reorder(self._restore.tolist())


def _eager(model: Callable, x: np.ndarray) -> Any:
    with autograd.no_grad():
        return model(x.tolist())


def _differing_pair(y: np.ndarray) -> tuple[int, int] | None:
    """Two samples whose targets differ in every column (so a target read as a number is recognised)."""
    flat = y.reshape(len(y), -1)
    differs = np.flatnonzero(np.all(flat != flat[0], axis=1))
    return (0, int(differs[0])) if differs.size else None


def _trace_features(X: np.ndarray, pair: tuple[int, int]) -> np.ndarray:
    """The feature rows of ``pair``, the second nudged wherever it equals the first."""
    first, second = X[pair[0]].astype(np.float64), X[pair[1]].astype(np.float64)
    same = second == first
    second = np.where(same, first + 1e-3 * (1.0 + np.abs(first)), second)
    return np.stack([first, second])


def _reduction(model: Callable, loss_fn: Callable, X: np.ndarray, y: np.ndarray) -> str:
    """"mean" or "sum": how ``loss_fn`` combines samples, checked on a few samples with the scalar engine."""
    n = min(len(X), 4)
    with autograd.no_grad():
        outs = [model(x) for x in X[:n].tolist()]
        whole = loss_fn(outs, y[:n]).data
        parts = [loss_fn([o], y[i:i + 1]).data for i, o in enumerate(outs)]
    total = sum(parts)
    for name, value in (("mean", total / n), ("sum", total)):
        if abs(whole - value) <= 1e-9 * max(1.0, abs(value)):
            return name
    raise ValueError(f"compile=True needs a loss that is a mean or a sum over samples; on {n} samples this loss "
                     f"gives {whole!r}, while its per-sample values have mean {total / n!r} and sum {total!r}")
