"""The compiled executor: a plan's steps as a flat list of prebound closures over preallocated arrays.

A ``Workspace`` holds, for one batch size, the node values ``V`` (rows × batch), their gradients
``G``, the parameters and constants ``P`` and their gradients ``GP``, and one closure per step and
direction. Each closure has its operands bound as views of those arrays (a contiguous run of rows
is a view, not a copy), so a call costs the numpy work and little else: no lookups, no dispatch
on the step's kind, no fresh working arrays. Forward runs each op's own ``forward`` with the numpy
namespace; backward walks the steps in reverse, feeding each group's upstream gradients to its op's
``vjp`` and adding the contributions into the operands' rows of ``G`` (per sample) or into ``GP``
(parameters: summed over the batch). A target written by one contribution only is assigned rather
than added to, and is not zeroed first. Nothing here knows an op by name.
"""

from __future__ import annotations

from functools import partial
from typing import Any, Callable

import numpy as np

from . import numpy_math as nm
from .compile_plan import MATMUL, MAX, Operand, Plan, Step

Kernel = Callable[[], None]
Accumulate = Callable[[Any], None]
_ZERO_RUNS = 8  # up to this many runs of positions to zero are zeroed one by one, else the whole array


class Workspace:
    """The arrays and closures of one program for one batch size (reused by every call of that size)."""

    def __init__(self, plan: Plan, batch: int, dtype: np.dtype) -> None:
        self.plan, self.batch = plan, batch
        self.V = np.zeros((plan.n_rows, batch), dtype=dtype)  # zeros: rows a folded step leaves unused
        self.P = np.empty(len(plan.parameters) + len(plan.constants), dtype=dtype)
        self.P[len(plan.parameters):] = plan.constants
        self.inputs, self.parameters = self.V[:plan.n_inputs], self.P[:len(plan.parameters)]  # views
        self.weights: dict[int, np.ndarray] = {}  # MATMUL step → its weight matrix (a view of P, or a buffer)
        self.forward = [_forward_kernel(k, step, self) for k, step in enumerate(plan.steps)]
        self.G: np.ndarray | None = None  # the backward half is built on the first backward call
        self.GP: np.ndarray | None = None
        self.parameters_grad: np.ndarray | None = None
        self.backward: list[Kernel] = []
        self.zero: list[Kernel] = []
        self.seed: Callable[[np.ndarray], None] | None = None
        self._flat = self.V.reshape(-1)  # a view

    def run_forward(self) -> None:
        """Fill V's node rows from its input rows and P (call it inside ``np.errstate(all="ignore")``:
        a domain error becomes nan or inf, which the caller reports)."""
        for kernel in self.forward:
            kernel()

    def run_backward(self, upstream: np.ndarray) -> None:
        """Seed G with ``upstream`` (batch, outputs) at the output rows and fill GP with parameter gradients."""
        if self.G is None:
            _build_backward(self)
        for zero in self.zero:
            zero()
        self.seed(upstream)
        for kernel in self.backward:
            kernel()

    def finite(self) -> bool:
        """Whether every value in V (inputs and nodes) is finite: one sum (an overflowing sum of finite
        values is told apart by a closer look)."""
        if np.isfinite(np.add.reduce(self._flat)):
            return True
        return bool(np.isfinite(self._flat).all())


# ----- reading operands ------------------------------------------------------------------------
def _view(o: Operand, ws: Workspace) -> np.ndarray | None:
    """The operand's values as a fixed view of V or P, or None when they must be gathered on each call."""
    if o.rows is None:
        return None
    return ws.V[o.rows] if o.source == "V" else ws.P[o.rows][:, None]


def _gather(o: Operand, ws: Workspace) -> Callable[[], np.ndarray]:
    V, P, index = ws.V, ws.P, o.index
    if o.source == "V":
        return lambda: V[index]
    return lambda: P[index][:, None]


def _inputs(step: Step, ws: Workspace) -> tuple[tuple | None, Callable[[], list] | None]:
    """``(arg, *operands)`` as a fixed tuple of views, or (None, a function gathering them per call)."""
    readers: list[Any] = []
    arg = step.arg_operand
    readers.append(step.arg if arg is None else (_view(arg, ws) if arg.rows is not None else _gather(arg, ws)))
    if step.packed is not None:  # 3+ per-sample operands: one gather of all their rows, split as views
        packed, n, V = step.packed, len(step.operands), ws.V
        rows = V[packed.rows] if packed.rows is not None else None
        if rows is not None:
            return (readers[0], *rows.reshape(n, -1, ws.batch)), None
        index, first = packed.index, readers[0]

        def gather_packed() -> list:
            return [first() if callable(first) else first, *V[index].reshape(n, -1, V.shape[1])]
        return None, gather_packed
    for o in step.operands:
        view = _view(o, ws)
        readers.append(view if view is not None else _gather(o, ws))
    if not any(callable(r) for r in readers):
        return tuple(readers), None
    return None, lambda: [r() if callable(r) else r for r in readers]


# ----- forward ---------------------------------------------------------------------------------
def _forward_kernel(k: int, step: Step, ws: Workspace) -> Kernel:
    out = ws.V[step.out]
    if step.kind == MATMUL:
        return _matmul_forward(k, step, ws, out)
    fixed, gather = _inputs(step, ws)
    copy = partial(np.copyto, out)
    if step.kind == MAX:
        stack, amax = np.stack, np.max

        def run_max() -> None:
            amax(stack((fixed or gather())[1:]), axis=0, out=out)
        return run_max
    f = step.op.forward
    if fixed is not None:
        return lambda: copy(f(nm, *fixed))
    return lambda: copy(f(nm, *gather()))


def _matmul_forward(k: int, step: Step, ws: Workspace, out: np.ndarray) -> Kernel:
    x = _view(step.operands[0], ws)
    gather_x = _gather(step.operands[0], ws) if x is None else None
    matmul = np.matmul
    if step.bias is not None:  # w·x + b: the product written into the sum's rows, b added in place
        read_x = (lambda: x) if x is not None else gather_x
        b, add = ws.P[step.bias.rows][:, None], np.add
        W = ws.weights[k] = ws.P[step.block].reshape(step.weights.shape) if step.block is not None else None
        if W is None:
            W = ws.weights[k] = np.empty(step.weights.shape, dtype=ws.P.dtype)
            positions, P = step.weights, ws.P
            gather_W = lambda: np.take(P, positions, out=W)
        else:
            gather_W = lambda: None

        def run_with_bias() -> None:
            gather_W()
            add(matmul(W, read_x(), out=out), b, out=out)
        return run_with_bias
    if step.block is not None:
        W = ws.weights[k] = ws.P[step.block].reshape(step.weights.shape)  # a view: P's current weights
        if x is not None:
            return partial(matmul, W, x, out=out)
        return lambda: matmul(W, gather_x(), out=out)
    W = ws.weights[k] = np.empty(step.weights.shape, dtype=ws.P.dtype)
    take, P, positions = np.take, ws.P, step.weights

    def run() -> None:
        take(P, positions, out=W)  # the weights gathered once per call, kept for backward
        matmul(W, x if x is not None else gather_x(), out=out)
    return run


# ----- backward --------------------------------------------------------------------------------
class _Targets:
    """What the backward closures write into: G, GP, how many contributions land on each of their
    positions, which positions get assigned (so need no zeroing), and each step's upstream gradient.

    ``upstream[k]`` is step k's rows of G, unless the only contribution to exactly those rows is handed
    over by reference (no copy): then it is that contribution, set anew by every backward pass."""

    def __init__(self, ws: Workspace) -> None:
        plan = ws.plan
        self.ws, self.G, self.GP = ws, ws.G, ws.GP
        self.writes_G, self.writes_P = _count_writes(plan, len(ws.P))
        self.assigned_G = np.zeros(len(self.writes_G), bool)
        self.assigned_P = np.zeros(len(self.writes_P), bool)
        self.upstream: list[Any] = [ws.G[step.out] for step in plan.steps]
        self.step_at = {(step.out.start, step.out.stop): k for k, step in enumerate(plan.steps)}

    def may_assign(self, rows: slice | None, source: str = "V") -> bool:
        """A contiguous target only one contribution writes is assigned (and then needs no zeroing)."""
        writes, assigned = (self.writes_G, self.assigned_G) if source == "V" else (self.writes_P, self.assigned_P)
        if rows is None or not np.all(writes[rows] == 1):
            return False
        assigned[rows] = True
        return True


def _build_backward(ws: Workspace) -> None:
    """G, GP, the zeroing, the output seeding and one closure per step that needs gradients, in reverse."""
    plan = ws.plan
    ws.G, ws.GP = np.empty_like(ws.V), np.empty_like(ws.P)
    ws.parameters_grad = ws.GP[:len(plan.parameters)]  # a view
    targets = _Targets(ws)
    kernels = []
    for k in range(len(plan.steps) - 1, -1, -1):
        step = plan.steps[k]
        if step.needs_grad:
            build = _matmul_backward if step.kind == MATMUL else _elementwise_backward
            kernels.append(build(k, step, targets))
    ws.backward = kernels
    ws.seed = _seeder(plan, targets)
    read = np.zeros(len(ws.G), bool)  # rows of G a backward step reads: the others need no zeroing
    for step in plan.steps:
        read[step.out] |= step.needs_grad
    params = np.arange(len(ws.GP)) < len(plan.parameters)  # GP's constants are never read
    ws.zero = _zeroing(ws.G, read & ~targets.assigned_G) + _zeroing(ws.GP, params & ~targets.assigned_P)


def _count_writes(plan: Plan, n_p: int) -> tuple[np.ndarray, np.ndarray]:
    """How many contributions land on each row of G and each position of GP, an output's seed counting as
    one (on GP as two: a seed there is always added)."""
    writes = {"V": np.zeros(plan.n_rows, np.intp), "P": np.zeros(n_p, np.intp)}
    for step in plan.steps:
        if not step.needs_grad:
            continue
        if step.kind == MATMUL:
            np.add.at(writes["P"], step.weights.ravel(), 1)
        extra = [step.bias] if step.bias is not None else []
        for o in [step.packed] if step.packed is not None else [*step.operands, *extra]:
            if o.needs_grad:
                np.add.at(writes[o.source], o.index, 1)
    for source, where in plan.outputs:
        writes[source][where] += 1 if source == "V" else 2
    return writes["V"], writes["P"]


def _zeroing(target: np.ndarray, needs: np.ndarray) -> list[Kernel]:
    """Closures that zero the positions ``needs`` marks: a few slices, or the whole array."""
    if not needs.any():
        return []
    edges = np.flatnonzero(np.diff(np.concatenate([[0], needs.astype(np.int8), [0]])))
    runs = list(zip(edges[::2].tolist(), edges[1::2].tolist()))
    if len(runs) > _ZERO_RUNS:
        return [partial(target.fill, 0)]
    return [partial(target[a:b].fill, 0) for a, b in runs]


def _seeder(plan: Plan, targets: _Targets) -> Callable[[np.ndarray], None]:
    """Puts the upstream gradients (batch, outputs) into the output rows of G (or positions of GP): an
    output row nothing else writes is assigned, the others (zeroed first) are added to."""
    G, GP = targets.G, targets.GP
    assign = [(k, G[where]) for k, (source, where) in enumerate(plan.outputs)
              if source == "V" and targets.may_assign(slice(where, where + 1))]
    kept = {k for k, _ in assign}
    add_rows = [(k, G[where]) for k, (source, where) in enumerate(plan.outputs) if source == "V" and k not in kept]
    into_p = [(k, where) for k, (source, where) in enumerate(plan.outputs) if source == "P"]
    add, copy = np.add, np.copyto

    def seed(upstream: np.ndarray) -> None:
        for k, row in assign:
            copy(row, upstream[:, k])
        for k, row in add_rows:
            add(row, upstream[:, k], out=row)
        for k, where in into_p:
            GP[where] += upstream[:, k].sum()
    return seed


def _elementwise_backward(k: int, step: Step, targets: _Targets) -> Kernel:
    ws, upstream = targets.ws, targets.upstream
    y = ws.V[step.out]
    fixed, gather = _inputs(step, ws)
    vjp = step.op.vjp
    if step.packed is not None:  # every contribution stacked and added in one go
        add_all = _accumulator(step.packed, targets)
        stack, broadcast, shape = np.stack, np.broadcast_to, y.shape

        def run_packed() -> None:
            cs = vjp(nm, upstream[k], y, *(fixed or gather()))
            add_all(stack([broadcast(c, shape) for c in cs]).reshape(-1, shape[1]))
        return run_packed
    adds = [(i, _accumulator(o, targets)) for i, o in enumerate(step.operands) if o.needs_grad]
    if len(adds) == 1 and adds[0][0] == 0 and fixed is not None:
        add = adds[0][1]
        return lambda: add(vjp(nm, upstream[k], y, *fixed)[0])

    def run() -> None:
        cs = vjp(nm, upstream[k], y, *(fixed or gather()))
        for i, add in adds:
            add(cs[i])
    return run


def _matmul_backward(k: int, step: Step, targets: _Targets) -> Kernel:
    """dW = g·xᵀ into the weights' gradients (summed over the batch by the product), Wᵀ·g into x's rows."""
    ws, upstream, x_operand = targets.ws, targets.upstream, step.operands[0]
    W, x = ws.weights[k], _view(x_operand, ws)
    read_x = (lambda: x) if x is not None else _gather(x_operand, ws)
    add_dW = _weight_gradient(step, targets)
    if step.bias is not None and step.bias.needs_grad:  # a folded bias: its gradient is g summed over the batch
        add_b, add_W = _parameter_accumulator(step.bias, targets), add_dW

        def add_dW(g: np.ndarray, xs: np.ndarray) -> None:
            add_W(g, xs)
            add_b(g)
    if not x_operand.needs_grad:
        return lambda: add_dW(upstream[k], read_x())
    matmul, WT = np.matmul, W.T
    if x_operand.rows is not None and targets.may_assign(x_operand.rows):
        into = ws.G[x_operand.rows]
        add_x = lambda g: matmul(WT, g, out=into)
    else:
        acc = _accumulator(x_operand, targets)
        add_x = lambda g: acc(WT @ g)

    def run() -> None:
        g = upstream[k]
        add_dW(g, read_x())
        add_x(g)
    return run


def _weight_gradient(step: Step, targets: _Targets) -> Callable[[np.ndarray, np.ndarray], None]:
    """A function adding g·xᵀ into the gradients of a matrix product's weights."""
    matmul, GP = np.matmul, targets.GP
    if step.block is not None:
        dW = GP[step.block].reshape(step.weights.shape)
        if targets.may_assign(step.block, "P"):
            return lambda g, xs: matmul(g, xs.T, out=dW)
        return lambda g, xs: np.add(dW, matmul(g, xs.T), out=dW)
    positions = step.weights
    if step.weights_unique:
        def add_dW(g: np.ndarray, xs: np.ndarray) -> None:
            GP[positions] += matmul(g, xs.T)
        return add_dW
    return lambda g, xs: np.add.at(GP, positions, matmul(g, xs.T))


def _accumulator(o: Operand, targets: _Targets) -> Accumulate:
    """A function adding one contribution (group × batch, or broadcastable to it) into the operand's targets."""
    batch = targets.ws.batch
    if o.source == "P":
        return _parameter_accumulator(o, targets)
    G = targets.G
    if o.rows is not None:
        view = G[o.rows]
        if not targets.may_assign(o.rows):
            return lambda c: np.add(view, c, out=view)
        j = targets.step_at.get((o.rows.start, o.rows.stop))
        if j is None:
            return partial(np.copyto, view)
        return partial(_hand_over, targets.upstream, j, view)
    shape = (len(o.index), batch)
    if o.unique:
        index = o.index

        def add_rows(c: Any) -> None:
            G[index] += c if c.shape == shape else np.broadcast_to(c, shape)
        return add_rows
    return partial(_add_repeated, o, G, shape)


def _hand_over(upstream: list, j: int, view: np.ndarray, c: Any) -> None:
    """Step j's upstream gradient is this one contribution: keep a reference instead of copying it."""
    if getattr(c, "shape", None) == view.shape:
        upstream[j] = c
    else:  # a number or a column: spread over the rows
        np.copyto(view, c)
        upstream[j] = view


def _parameter_accumulator(o: Operand, targets: _Targets) -> Accumulate:
    """Contributions to parameters or constants: summed over the batch, then added into GP."""
    GP, reduce, batch = targets.GP, np.add.reduce, targets.ws.batch
    if o.rows is not None:
        view = GP[o.rows]
        if targets.may_assign(o.rows, "P"):
            return lambda c: reduce(_full(c, view, batch), axis=1, out=view)
        return lambda c: np.add(view, reduce(_full(c, view, batch), axis=1), out=view)
    return lambda c: _add_repeated(o, GP, None, reduce(_full(c, o.index, batch), axis=1))


def _full(c: Any, targets: Any, batch: int) -> Any:
    """A contribution with one column per sample (a broadcast view when it was one column or a number)."""
    shape = (len(targets), batch)
    return c if getattr(c, "shape", None) == shape else np.broadcast_to(c, shape)


def _add_repeated(o: Operand, target: np.ndarray, shape: tuple[int, int] | None, c: Any) -> None:
    """Add rows of ``c`` into ``target[o.index]`` when indices may repeat (summed per index first)."""
    if shape is not None and c.shape != shape:
        c = np.broadcast_to(c, shape)
    if o.unique:
        target[o.index] += c
    else:
        target[o.distinct] += np.add.reduceat(c[o.order], o.starts, axis=0)
