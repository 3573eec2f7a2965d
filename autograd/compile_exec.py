"""The compiled executor: runs a plan's steps forward over a batch, and back with the op table's own vjp rules.

Forward fills ``V`` (rows × batch) group by group; backward walks the steps in reverse, feeding
each group's upstream gradients to its op's ``vjp`` with the numpy namespace, adding the
contributions into the operands' rows of ``G`` (per sample) or into ``GP`` (parameters: summed
over the batch). Nothing here knows an op by name.
"""

from __future__ import annotations

import numpy as np

from . import numpy_math as nm
from .compile_plan import MATMUL, MAX, Operand, Plan, Step


def _fetch(o: Operand, V: np.ndarray, P: np.ndarray) -> np.ndarray:
    if o.source == "P":
        return P[o.index][:, None]
    return V[o.rows] if o.rows is not None else V[o.index]


def _fetch_all(step: Step, V: np.ndarray, P: np.ndarray) -> list[np.ndarray]:
    """Every operand's values; a packed step gathers them all at once (n, group, batch) and splits the view."""
    packed = step.packed
    if packed is None:
        return [_fetch(o, V, P) for o in step.operands]
    rows = V[packed.rows] if packed.rows is not None else V[packed.index]
    return list(rows.reshape(len(step.operands), -1, V.shape[1]))


def _arg(step: Step, V: np.ndarray, P: np.ndarray):
    """The group's constants: fixed columns, or rows of V when they change per sample."""
    return step.arg if step.arg_operand is None else _fetch(step.arg_operand, V, P)


def forward(plan: Plan, V: np.ndarray, P: np.ndarray) -> dict[int, np.ndarray]:
    """Fill V's node rows from its input rows and P; return the weight matrices gathered (for backward)."""
    weights: dict[int, np.ndarray] = {}
    with np.errstate(all="ignore"):  # a domain error becomes nan or inf here, which the caller reports
        _forward_steps(plan, V, P, weights)
    return weights


def _forward_steps(plan: Plan, V: np.ndarray, P: np.ndarray, weights: dict[int, np.ndarray]) -> None:
    for k, step in enumerate(plan.steps):
        if step.kind == MATMUL:
            W = weights[k] = P[step.block].reshape(step.weights.shape) if step.block else P[step.weights]
            V[step.out] = W @ _fetch(step.operands[0], V, P)
        elif step.kind == MAX:
            V[step.out] = np.max(np.stack(_fetch_all(step, V, P)), axis=0)
        else:
            V[step.out] = step.op.forward(nm, _arg(step, V, P), *_fetch_all(step, V, P))


def backward(plan: Plan, V: np.ndarray, G: np.ndarray, P: np.ndarray, GP: np.ndarray,
             weights: dict[int, np.ndarray]) -> None:
    """Propagate G (seeded at the output rows) back through every step; add parameter gradients into GP."""
    with np.errstate(all="ignore"):
        _backward_steps(plan, V, G, P, GP, weights)


def _backward_steps(plan: Plan, V: np.ndarray, G: np.ndarray, P: np.ndarray, GP: np.ndarray,
                    weights: dict[int, np.ndarray]) -> None:
    for k in range(len(plan.steps) - 1, -1, -1):
        step = plan.steps[k]
        if not step.needs_grad:
            continue
        g = G[step.out]
        if step.kind == MATMUL:
            _matmul_backward(step, weights[k], g, V, G, P, GP)
            continue
        contributions = step.op.vjp(nm, g, V[step.out], _arg(step, V, P), *_fetch_all(step, V, P))
        if step.packed is not None:
            stacked = np.stack([np.broadcast_to(c, g.shape) for c in contributions])
            _accumulate(step.packed, stacked.reshape(-1, g.shape[1]), g.shape, G, GP)
            continue
        for o, c in zip(step.operands, contributions):
            if o.needs_grad:
                _accumulate(o, c, g.shape, G, GP)


def _matmul_backward(step: Step, W: np.ndarray, g: np.ndarray, V: np.ndarray, G: np.ndarray,
                     P: np.ndarray, GP: np.ndarray) -> None:
    x = step.operands[0]
    dW = g @ _fetch(x, V, P).T  # Σ over the batch of g·x, for every weight at once
    if step.block is not None:
        block = GP[step.block].reshape(dW.shape)  # a view: the += lands in GP
        block += dW
    elif step.weights_unique:
        GP[step.weights] += dW
    else:
        np.add.at(GP, step.weights, dW)
    if x.needs_grad:
        _accumulate(x, W.T @ g, g.shape, G, GP)


def _accumulate(o: Operand, c, shape: tuple[int, int], G: np.ndarray, GP: np.ndarray) -> None:
    if o.source == "V":
        if o.rows is not None:
            G[o.rows] += c
            return
        target = G
        if c.shape != (len(o.index), shape[1]):
            c = np.broadcast_to(c, (len(o.index), shape[1]))
    else:
        target = GP
        c = c.sum(axis=1) if c.shape[-1] == shape[1] else np.broadcast_to(c, shape).sum(axis=1)
    if o.unique:
        target[o.index] += c
    else:
        target[o.distinct] += np.add.reduceat(c[o.order], o.starts, axis=0)
