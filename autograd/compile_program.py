"""``autograd.compile``: trace a per-sample function of Values once, then run it on numpy batches.

The program keeps the scalar API's meaning (the same ops, the same derivative rules from the op
table, gradients accumulated into the parameters' ``.grad``) at array speed. What a trace cannot
capture is control flow in Python on values: ``if x.data > 0``, a loop whose length depends on data,
a constant computed from ``.data``. Compiling traces the function on two different inputs, raises a
``TraceError`` when the two graphs differ, and replays the program on both inputs against the
eager results; a branch both inputs happen to take the same way goes unnoticed, so keep such
choices inside ops (``relu``, ``sign``, ``abs``).
"""

from __future__ import annotations

import threading
from typing import Any, Callable

import numpy as np

from . import compile_exec, functional
from .backprop import grad
from .grad_mode import enable_grad
from .compile_plan import Plan, build_plan
from .compile_trace import TraceError, trace
from .value import Value

_WORKSPACES = 4  # batch sizes a program keeps arrays for, per thread


class Program:
    """A compiled function: ``prog(X)`` runs it on every row of ``X``; ``prog.backward(X)`` also fills ``.grad``.

    ``parameters`` are the Values the function read besides its inputs; their current ``.data`` is
    used on every call. ``outputs`` is how many Values the function returned.

    >>> import autograd
    >>> w = autograd.Value(2.0, label="w")
    >>> prog = autograd.compile(lambda x: (w * x[0] + x[1]).sigmoid(), 2)
    >>> prog.parameters == [w], prog([[0.0, 0.0], [0.5, 0.0]]).round(4).tolist()
    (True, [0.5, 0.7311])
    >>> round(prog.backward([[0.0, 0.0], [0.5, 0.0]], reduction="sum"), 4), round(w.grad, 4)
    (1.2311, 0.0983)
    """

    def __init__(self, plan: Plan, dtype: np.dtype) -> None:
        self._plan = plan
        self.dtype = dtype
        self.parameters: list[Value] = plan.parameters
        self.n_inputs = plan.n_inputs
        self.outputs = len(plan.outputs)
        rows = [where for source, where in plan.outputs if source == "V"]
        self._output_rows = np.array(rows, dtype=np.intp) if len(rows) == self.outputs else None
        self._local = threading.local()  # per thread: batch size → Workspace (arrays and bound closures)

    # ----- arrays in, arrays out: the API training loops use ------------------------------------
    def parameter_array(self) -> np.ndarray:
        """The parameters' current ``.data`` as a vector (in ``parameters`` order).

        >>> w = Value(3.0); compile(lambda x: w * x[0], 1).parameter_array().tolist()
        [3.0]
        """
        # A list comprehension reads the slot with the interpreter's specialised attribute load: several times
        # faster than map(attrgetter("data"), ...) on 100,000 parameters scattered in memory.
        return np.fromiter([p.data for p in self.parameters], dtype=self.dtype, count=len(self.parameters))

    def run(self, X: Any, params: np.ndarray) -> np.ndarray:
        """Outputs for every row of ``X`` with the parameters taken from ``params``: shape (batch, outputs).

        >>> w = Value(3.0); compile(lambda x: w * x[0], 1).run([[1.0], [2.0]], np.array([0.5])).tolist()
        [[0.5], [1.0]]
        """
        ws = self._start(X, params)
        with np.errstate(all="ignore"):  # a domain error becomes nan or inf, reported just below
            ws.run_forward()
        self._check_finite(ws, "running")
        return self._outputs(ws)

    def run_with_gradient(self, X: Any, params: np.ndarray, upstream: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Outputs (batch, outputs), and Σ over the batch of upstream · d(outputs)/d(params), a vector.

        >>> w = Value(3.0); prog = compile(lambda x: w * x[0], 1)
        >>> out, grads = prog.run_with_gradient([[1.0], [2.0]], np.array([3.0]), np.ones((2, 1)))
        >>> out.tolist(), grads.tolist()
        ([[3.0], [6.0]], [3.0])
        """
        ws = self._gradient(X, params, upstream)
        grads = ws.GP[:len(self.parameters)].copy()  # the workspace is reused by the next call
        if not np.isfinite(np.add.reduce(grads)):  # one pass: any inf or nan shows in the sum
            bad = np.flatnonzero(~np.isfinite(grads))
            if bad.size:
                raise ValueError(f"backward produced a non-finite gradient for {self.parameters[int(bad[0])]!r}")
        return self._outputs(ws), grads

    def _gradient(self, X: Any, params: np.ndarray, upstream: np.ndarray) -> compile_exec.Workspace:
        """Forward and backward into this thread's workspace; the gradients are ``ws.GP[:len(parameters)]``,
        valid until the next call (compiled training reads them at once, so it needs no copy)."""
        ws = self._start(X, params)
        upstream = np.asarray(upstream, dtype=self.dtype)
        if upstream.shape != (ws.batch, self.outputs):
            upstream = upstream.reshape(ws.batch, self.outputs)
        with np.errstate(all="ignore"):  # a domain error becomes nan or inf, reported just below
            ws.run_forward()
            finite = ws.finite()
            if finite:
                ws.run_backward(upstream)
        if not finite:
            self._check_finite(ws, "running")
        return ws

    # ----- the scalar engine's contract: .data in, .grad out ------------------------------------
    def __call__(self, X: Any) -> np.ndarray:
        """The output for each row of ``X``: shape (batch,), or (batch, k) when the function returns k Values."""
        out = self.run(X, self.parameter_array())
        return out[:, 0] if self._plan.single else out

    def backward(self, X: Any, reduction: str = "mean") -> float:
        """Reduce the output over the batch (``"mean"`` or ``"sum"``), add d(reduced)/d(parameter) into
        every parameter's ``.grad`` (as ``backward`` would), and return the reduced output."""
        if self.outputs != 1:
            raise ValueError(f"backward needs a function with one output; this one returns {self.outputs}")
        if reduction not in ("mean", "sum"):
            raise ValueError(f"reduction must be 'mean' or 'sum', got {reduction!r}")
        X = self._rows(X)
        scale = 1.0 / len(X) if reduction == "mean" else 1.0
        out, grads = self.run_with_gradient(X, self.parameter_array(), np.full((len(X), 1), scale))
        for p, g in zip(self.parameters, grads.tolist()):
            p.grad += g
        return float(out.sum() * scale)

    def memory_bytes(self, batch: int = 1) -> int:
        """Bytes the program holds (its index arrays and constants) plus one call's working arrays for
        ``batch`` rows (values and gradients of every node, parameters and their gradients).

        >>> prog = compile(lambda x: x[0] * 2.0, 1)
        >>> prog.memory_bytes(10) > prog.memory_bytes(1)
        True
        """
        plan, item = self._plan, np.dtype(self.dtype).itemsize
        held = plan.constants.nbytes + sum(
            arr.nbytes for step in plan.steps for o in step.operands
            for arr in (o.index, o.order, o.starts, o.distinct) if arr is not None)
        held += sum(step.weights.nbytes for step in plan.steps if step.weights is not None)
        working = 2 * plan.n_rows * batch * item + 2 * (len(self.parameters) + len(plan.constants)) * item
        return int(held + working)

    def __repr__(self) -> str:
        plan = self._plan
        return (f"Program({self.n_inputs} inputs → {self.outputs} outputs, {len(self.parameters)} parameters, "
                f"{plan.n_rows - self.n_inputs} nodes in {len(plan.steps)} steps, {np.dtype(self.dtype).name})")

    # ----- helpers -----------------------------------------------------------------------------
    def _rows(self, X: Any) -> np.ndarray:
        try:
            X = np.asarray(X, dtype=self.dtype)
        except (TypeError, ValueError):
            raise TypeError(f"X must be an array of numbers, one row per sample, got {type(X).__name__}") from None
        if X.ndim == 1 and self.n_inputs == 1:
            X = X[:, None]
        if X.ndim != 2 or X.shape[1] != self.n_inputs:
            raise ValueError(f"X must have shape (batch, {self.n_inputs}), got {X.shape}")
        if len(X) == 0:
            raise ValueError("X is empty: it needs at least one row")
        return X  # whether X is finite is checked with the node values, in one pass (_check_finite)

    def _start(self, X: Any, params: np.ndarray) -> compile_exec.Workspace:
        """This thread's workspace for X's batch size, loaded with X and ``params``."""
        X = self._rows(X)
        if params.shape != (len(self.parameters),):
            raise ValueError(f"params must be a vector of {len(self.parameters)} numbers, got shape {params.shape}")
        spaces = self._local.__dict__.setdefault("spaces", {})
        ws = spaces.get(len(X))
        if ws is None:
            if len(spaces) >= _WORKSPACES:  # keep a few batch sizes (training's and the last batch's)
                del spaces[next(iter(spaces))]
            ws = spaces[len(X)] = compile_exec.Workspace(self._plan, len(X), self.dtype)
        np.copyto(ws.inputs, X.T)
        np.copyto(ws.parameters, params)
        return ws

    def _outputs(self, ws: compile_exec.Workspace) -> np.ndarray:
        """The outputs (batch, outputs) as a fresh array (the workspace is reused by the next call)."""
        if self._output_rows is not None:
            return ws.V[self._output_rows].T  # one gather
        out = np.empty((ws.batch, self.outputs), dtype=self.dtype)
        for k, (source, where) in enumerate(self._plan.outputs):
            out[:, k] = ws.V[where] if source == "V" else ws.P[where]
        return out

    def _check_finite(self, ws: compile_exec.Workspace, doing: str) -> None:
        if ws.finite():
            return
        V = ws.V
        if not np.isfinite(V[:self.n_inputs]).all():
            raise ValueError("X contains NaN or infinite values")
        for step in self._plan.steps:
            bad = ~np.isfinite(V[step.out])
            if bad.any():
                member, sample = (int(a[0]) for a in np.nonzero(bad))
                op = step.op.name if step.op is not None else "max"
                domain = f": {step.op.domain}" if step.op is not None and step.op.domain else ""
                raise ValueError(f"{doing} the compiled program: {op} is undefined or overflows for sample "
                                 f"{sample}{domain}")
        raise ValueError(f"{doing} the compiled program gave a non-finite value")


def compile(f: Callable[[list[Value]], Any], n_inputs: int, *, example: Any = None,
            dtype: Any = np.float64) -> Program:
    """Trace ``f`` (called with a list of ``n_inputs`` placeholder Values) into a ``Program`` over batches.

    Every other leaf ``f`` reaches is a parameter (read on each call, gradients accumulated into its
    ``.grad``); plain numbers stay constants. ``example`` gives one or more input rows to trace on
    (default: numbers in [0.25, 0.75]); f must be defined there. Python control flow on ``.data``
    cannot be compiled: see the module docstring.

    >>> import autograd, nn
    >>> net = nn.MLP(2, [4, 1], "sigmoid", seed=0)
    >>> prog = autograd.compile(net, 2)
    >>> X = [[0.5, -1.0], [2.0, 0.25]]
    >>> bool(abs(prog(X)[1] - nn.model_outputs(net, X)[1, 0]) < 1e-12)
    True
    """
    if isinstance(n_inputs, bool) or not isinstance(n_inputs, int) or n_inputs < 1:
        raise TypeError(f"n_inputs must be a positive int, got {n_inputs!r}")
    if not callable(f):
        raise TypeError(f"compile needs a function of a list of Values, got {type(f).__name__}")
    dtype = np.dtype(dtype)
    if dtype not in (np.float64, np.float32):
        raise ValueError(f"dtype must be float64 or float32, got {dtype}")
    rows = _trace_rows(example, n_inputs)
    traced = trace(f, rows)
    program = Program(build_plan(traced, n_inputs, dtype), dtype)
    _check_replay(program, traced, rows)
    return program


def _trace_rows(example: Any, n_inputs: int) -> np.ndarray:
    """Two input rows that differ in every column (a value equal in both would look like a constant)."""
    if example is None:
        rng = np.random.default_rng(12345)
        return rng.uniform(0.25, 0.75, size=(2, n_inputs))
    rows = np.atleast_2d(np.asarray(example, dtype=np.float64))
    if rows.ndim != 2 or rows.shape[1] != n_inputs or not np.isfinite(rows).all():
        raise ValueError(f"example must be finite numbers of shape ({n_inputs},) or (m, {n_inputs}), "
                         f"got shape {rows.shape}")
    first = rows[0]
    for other in rows[1:]:
        if np.all(other != first):
            return np.stack([first, other])
    return np.stack([first, first + 1e-3 * (1.0 + np.abs(first))])


def _check_replay(program: Program, traced: Any, rows: np.ndarray) -> None:
    """Run the program on the trace inputs and compare outputs and gradients with the eager traces."""
    tolerance = 1e-9 if program.dtype == np.float64 else 1e-4
    want = np.array(traced.eager_outputs)
    try:
        upstream = np.zeros((2, program.outputs))
        upstream[0] = 1.0  # gradients of the first row's outputs, as the eager check below computes them
        got, grads = program.run_with_gradient(rows, program.parameter_array(), upstream)
    except (ArithmeticError, ValueError, TypeError) as exc:  # e.g. a rule that branches on values in Python
        raise TraceError(f"the compiled program cannot run on the trace input: {exc}") from exc
    got = got.astype(np.float64)
    if not _close(got, want, tolerance):
        raise TraceError(f"the compiled program gives {got.tolist()} where running f gives {want.tolist()} "
                         "on the trace inputs; f must not depend on anything but its inputs and Values")
    tape = traced.tape
    outputs = [tape.nodes[k] for k in tape.outputs]
    if program.parameters:
        with enable_grad():  # compile may be called under no_grad (inference); the check needs a graph
            root = outputs[0] if len(outputs) == 1 else functional.sum(outputs)
            eager = np.array(grad(root, program.parameters))
        if not _close(grads.astype(np.float64), eager, tolerance):
            raise TraceError("the compiled program's gradients differ from the scalar engine's on the trace input")


def _close(got: np.ndarray, want: np.ndarray, tolerance: float) -> bool:
    return bool(np.allclose(got, want, rtol=tolerance, atol=tolerance * max(1.0, float(np.abs(want).max()))))
