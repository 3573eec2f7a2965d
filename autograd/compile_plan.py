"""The schedule of a compiled program: a traced tape cut into groups of same-op nodes that run as one numpy call.

Node values live in one array ``V`` of shape (rows, batch): the inputs first, then each group's
outputs in a contiguous block of rows. Parameters and constants live in a vector ``P`` (one number
for the whole batch). Every node sits at a level one above its deepest parent; nodes of one level
are independent, so all nodes of a level with the same op (and the same kinds of operands) form a
group. N-ary ops that are a dot product of their two halves (facts of the op table, see
``is_bilinear``) run as one matrix product when a group shares its input vector and its weights
are parameters: the weights are gathered once per call into a matrix.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .compile_trace import CONSTANT, INPUT, MAX_OF, PARAMETER, Trace, TraceError
from . import float_math
from .ops import Op

ELEMENTWISE, MATMUL, MAX = "elementwise", "matmul", "max"


@dataclass
class Operand:
    """One operand position of a group: where its values come from, as an index per node of the group."""

    source: str  # "V" (per-sample rows) or "P" (one number per call)
    index: np.ndarray
    rows: slice | None  # the same rows as a slice when they are contiguous (a view, no copy)
    unique: bool  # no index repeats, so a plain += accumulates gradients correctly
    needs_grad: bool
    # When indices repeat: rows sorted by index, where each run of one index starts, and the distinct indices,
    # so contributions are summed with one np.add.reduceat (np.add.at is many times slower).
    order: np.ndarray | None = None
    starts: np.ndarray | None = None
    distinct: np.ndarray | None = None


@dataclass
class Step:
    kind: str
    op: Op | None
    out: slice
    operands: list[Operand]
    arg: Any = None
    weights: np.ndarray | None = None  # MATMUL: (group, n) positions in P
    weights_unique: bool = True
    block: slice | None = None  # MATMUL: the weights as one contiguous run of P, row by row
    packed: Operand | None = None  # 3+ operands all per-sample: every operand's rows as one gather
    arg_operand: Operand | None = None  # a constant that changes per sample, read from rows of V
    bias: Operand | None = None  # MATMUL: a sum with a parameter vector folded in (out is then the sum's rows)
    needs_grad: bool = False
    nodes: list[int] = field(default_factory=list)  # tape positions, for error messages


@dataclass
class Plan:
    steps: list[Step]
    n_rows: int
    n_inputs: int
    parameters: list  # the parameter Values, in P order (P[:len(parameters)])
    constants: np.ndarray  # P[len(parameters):]
    outputs: list[tuple[str, int]]  # ("V", row) or ("P", position)
    single: bool


def is_bilinear(op: Op) -> bool:
    """True if ``op`` computes Σᵢ wᵢ·xᵢ over its two groups of parents, read from the op table's facts:
    n-ary, ``linear`` (a sum of products, no function applied) and two operand groups (``("w", "x")``).

    >>> from autograd.ops import OPS
    >>> [name for name, op in OPS.items() if is_bilinear(op)]
    ['dot']
    """
    return op.arity is None and op.linear and len(op.operands) == 2


def passes_through(op: Op) -> bool:
    """True if a node of ``op`` with one parent and no constant is its parent unchanged: an n-ary ``linear``
    op with one operand group (a sum of its parents), confirmed by the op's own forward and vjp rules.

    >>> from autograd.ops import OPS
    >>> [name for name, op in OPS.items() if passes_through(op)]
    ['sum']
    """
    if not (op.arity is None and op.linear and len(op.operands) == 1):
        return False
    try:
        return all(op.forward(float_math, None, x) == x and list(op.vjp(float_math, 0.75, x, None, x)) == [0.75]
                   for x in (-1.5, 0.25, 3.0))
    except Exception:  # e.g. an op that needs its constant: not a plain sum
        return False


def is_sum(op: Op) -> bool:
    """True if ``op`` computes a + b, read from the op table's facts: binary and ``linear`` (a sum of its
    operands with no function applied).

    >>> from autograd.ops import OPS
    >>> [name for name, op in OPS.items() if is_sum(op)]
    ['add']
    """
    return op.arity == 2 and op.linear


def build_plan(trace: Trace, n_inputs: int, dtype: np.dtype) -> Plan:
    """Cut the traced tape into steps; assign rows of V and positions of P."""
    tape, leaves = trace.tape, trace.leaves
    where: dict[int, tuple[str, int]] = {}
    level = [0] * len(tape.nodes)
    needs = [False] * len(tape.nodes)
    for i, leaf in leaves.items():
        if leaf.kind == INPUT:
            where[i] = ("V", leaf.ref)
        elif leaf.kind in (PARAMETER, CONSTANT):
            where[i], needs[i] = ("P", -1), leaf.kind == PARAMETER  # positions are given below
    groups: dict[Any, list[int]] = {}
    dynamic = trace.dynamic_args
    for i in _dependency_order(tape, leaves, dynamic):
        if i in where:
            continue
        node, leaf = tape.nodes[i], leaves.get(i)
        ps = leaf.ref if leaf is not None else tape.parents[i]  # a MAX_OF leaf's "parents" are its operands
        level[i] = 1 + max([level[p] for p in ps] + ([level[dynamic[i]]] if i in dynamic else []), default=0)
        needs[i] = leaf is None and any(needs[p] for p in ps)
        key = _group_key(i, node, ps, level[i], where, leaf)
        groups.setdefault(key + ("per sample",) if i in dynamic else key, []).append(i)
        where[i] = ("V", -1)  # the row is assigned below; the source kind is what keys need
    params, constants = _place_parameters(tape, leaves, groups, where)
    return _assign_rows(tape, leaves, groups, where, needs, n_inputs, params, constants, dtype, dynamic)


def _place_parameters(tape: Any, leaves: dict, groups: dict, where: dict) -> tuple[list, list[float]]:
    """Positions in P: the weights of each matrix product first, row by row (so a step's weight matrix is a
    contiguous block of P, used without a gather), then the other parameters, then the constants."""
    order: dict[int, None] = {}
    for key in sorted(groups, key=lambda k: (k[0], groups[k][0])):
        if key[1] == MATMUL:
            n = len(key[3])
            for i in groups[key]:
                ps = tape.parents[i]
                order.update(dict.fromkeys(ps[n:] if key[4] else ps[:n]))
    order.update(dict.fromkeys(i for i, leaf in leaves.items() if leaf.kind == PARAMETER))  # in tape order
    params = []
    for i in order:
        where[i] = ("P", len(params))
        params.append(leaves[i].ref)
    constants = []
    for i, leaf in leaves.items():
        if leaf.kind == CONSTANT:
            where[i] = ("P", len(params) + len(constants))
            constants.append(leaf.ref)
    return params, constants


def _dependency_order(tape: Any, leaves: dict, dynamic: dict[int, int]) -> list[int]:
    """Tape positions with every node after what it depends on, a MAX_OF leaf counting its operands and a
    node with a per-sample constant counting that constant's leaf."""
    deps = [leaves[i].ref if i in leaves and leaves[i].kind == MAX_OF else ps for i, ps in enumerate(tape.parents)]
    for i, leaf in dynamic.items():
        deps[i] = (*deps[i], leaf)
    state = [0] * len(deps)  # 0 new, 1 open, 2 done
    order: list[int] = []
    for start in range(len(deps)):
        stack = [start]
        while stack:
            i = stack[-1]
            if state[i] == 2:
                stack.pop()
            elif state[i] == 1:
                state[i] = 2
                order.append(i)
                stack.pop()
            else:
                state[i] = 1
                for p in deps[i]:
                    if state[p] == 1:
                        raise TraceError("a constant made inside f is the max of values that depend on it; "
                                         "it cannot be recomputed per sample")
                    if state[p] == 0:
                        stack.append(p)
    return order


def _group_key(i: int, node: Any, ps: tuple[int, ...], level: int, where: dict, leaf: Any) -> tuple:
    if leaf is not None:  # MAX_OF
        return (level, MAX, tuple(where[p][0] for p in ps))
    sources = tuple(where[p][0] for p in ps)
    arg = node.op_arg
    arg_kind = None if arg is None else (len(arg) if isinstance(arg, tuple) else "c")
    if is_bilinear(node.op):
        n = len(ps) // 2
        first, second = sources[:n], sources[n:]
        if all(s == "P" for s in first) and all(s == "V" for s in second):
            return (level, MATMUL, node.op, ps[n:], False)
        if all(s == "V" for s in first) and all(s == "P" for s in second):
            return (level, MATMUL, node.op, ps[:n], True)
    return (level, ELEMENTWISE, node.op, sources, arg_kind)


def _assign_rows(tape, leaves, groups, where, needs, n_inputs, params, constants, dtype, dynamic) -> Plan:
    steps: list[Step] = []
    row = n_inputs
    for key in sorted(groups, key=lambda k: (k[0], groups[k][0])):
        members = groups[key]
        if _passes_through(key, members, tape, dynamic):  # Σ of one parent: read the parent's own rows
            for i in members:
                where[i] = where[tape.parents[i][0]]
            continue
        for i in members:
            where[i] = ("V", row)
            row += 1
        out = slice(row - len(members), row)
        kind = key[1]
        if kind == MATMUL:
            steps.append(_matmul_step(key, members, out, tape, where, needs))
            continue
        ps_of = [leaves[i].ref if kind == MAX else tape.parents[i] for i in members]
        operands = [_operand([where[ps[k]] for ps in ps_of], [needs[ps[k]] for ps in ps_of])
                    for k in range(len(ps_of[0]))]
        op = None if kind == MAX else tape.nodes[members[0]].op
        arg = None if kind == MAX else _group_arg([tape.nodes[i].op_arg for i in members], dtype)
        packed = None
        if len(operands) > 2 and all(o.source == "V" for o in operands):
            packed = _operand([("V", int(r)) for o in operands for r in o.index], [any(o.needs_grad for o in operands)])
        arg_operand = None
        if members[0] in dynamic:
            arg, arg_operand = None, _operand([where[dynamic[i]] for i in members], [False] * len(members))
        steps.append(Step(kind, op, out, operands, arg, needs_grad=kind != MAX and any(o.needs_grad for o in operands),
                          nodes=members, packed=packed, arg_operand=arg_operand))
    outputs = [where[i] for i in tape.outputs]
    return Plan(_fold_biases(steps, outputs), row, n_inputs, params, np.asarray(constants, dtype=dtype), outputs,
                tape.single)


def _fold_biases(steps: list[Step], outputs: list[tuple[str, int]]) -> list[Step]:
    """A matrix product whose rows only feed a sum with a parameter vector (a layer's ``w·x + b``) becomes
    one step: the product written into the sum's rows, the vector added in place. The product's own rows
    are then left unused (zero)."""
    readers: dict[int, int] = {}  # V row → how many operand positions read it, over every step
    for step in steps:
        for o in [*step.operands, *([step.arg_operand] if step.arg_operand is not None else [])]:
            if o.source == "V":
                for r in np.unique(o.index).tolist():
                    readers[r] = readers.get(r, 0) + 1
    produced_by = {step.out.start: step for step in steps if step.kind == MATMUL}
    kept: list[Step] = []
    for step in steps:
        m = _foldable(step, produced_by, readers, outputs)
        if m is None:
            kept.append(step)
            continue
        m.bias = next(o for o in step.operands if o.source == "P")
        m.out, m.nodes = step.out, m.nodes + step.nodes
    return kept


def _foldable(step: Step, produced_by: dict[int, Step], readers: dict[int, int],
              outputs: list[tuple[str, int]]) -> Step | None:
    """The matrix product ``step`` (a sum of its rows and a parameter vector) can absorb, or None."""
    if step.kind != ELEMENTWISE or not is_sum(step.op) or step.arg is not None or step.arg_operand is not None:
        return None
    sources = [o.source for o in step.operands]
    if sorted(sources) != ["P", "V"]:
        return None
    x, b = (step.operands[0], step.operands[1]) if sources[0] == "V" else (step.operands[1], step.operands[0])
    m = produced_by.get(x.rows.start) if x.rows is not None else None
    if m is None or m.bias is not None or m.out != x.rows or b.rows is None:
        return None
    rows = range(m.out.start, m.out.stop)
    if any(readers.get(r, 0) != 1 for r in rows) or any(s == "V" and w in rows for s, w in outputs):
        return None
    return m


def _passes_through(key: tuple, members: list[int], tape: Any, dynamic: dict[int, int]) -> bool:
    """A group of plain sums over one per-sample parent each, with no constant (``sum([x])``)."""
    return (key[1] == ELEMENTWISE and key[3] == ("V",) and key[4] is None and members[0] not in dynamic
            and passes_through(key[2]))


def _matmul_step(key, members, out, tape, where, needs) -> Step:
    shared, swapped = key[3], key[4]
    n = len(shared)
    weight_rows = [tape.parents[i][n:] if swapped else tape.parents[i][:n] for i in members]
    weights = np.array([[where[p][1] for p in ws] for ws in weight_rows], dtype=np.intp).reshape(len(members), n)
    x = _operand([where[p] for p in shared], [needs[p] for p in shared])
    start = int(weights.flat[0])
    block = slice(start, start + weights.size) if np.array_equal(weights.ravel(), np.arange(start, start + weights.size)) else None
    return Step(MATMUL, tape.nodes[members[0]].op, out, [x], weights=weights, block=block,
                weights_unique=len(np.unique(weights)) == weights.size, needs_grad=True, nodes=members)


def _operand(places: list[tuple[str, int]], needs: list[bool]) -> Operand:
    index = np.array([p for _, p in places], dtype=np.intp)
    contiguous = len(index) > 0 and bool(np.all(np.diff(index) == 1))
    rows = slice(int(index[0]), int(index[-1]) + 1) if contiguous else None
    distinct, starts = np.unique(index[np.argsort(index, kind="stable")], return_index=True)
    if len(distinct) == len(index):
        return Operand(places[0][0], index, rows, True, any(needs))
    return Operand(places[0][0], index, rows, False, any(needs), np.argsort(index, kind="stable"), starts, distinct)


def _group_arg(args: list[Any], dtype: np.dtype) -> Any:
    """A group's constants as columns that broadcast over the batch: (group, 1), or a tuple of them."""
    if args[0] is None:
        return None
    if isinstance(args[0], tuple):
        table = np.array(args, dtype=dtype)
        return tuple(table[:, k:k + 1] for k in range(table.shape[1]))
    return np.array(args, dtype=dtype)[:, None]
