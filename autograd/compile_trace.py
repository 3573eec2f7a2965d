"""Tracing for ``autograd.compile``: run a function twice on placeholder Values and turn the graph into a tape.

A tape lists the graph's nodes in topological order, each by op, constant and parent positions. Two
traces on different inputs must give the same tape; comparing them is also how the leaves are told
apart: a leaf that is the same object in both traces is a parameter (it outlives the call), one made
afresh by the function is a constant if its value did not change, and a value the function computed
in Python from an input (``float(x)``, or the max of some outputs that softmax subtracts for
stability) is recognised and recomputed per sample. Anything else depends on the input in a way a
replay cannot reproduce, and is reported.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

import numpy as np

from .grad_mode import enable_grad
from .backprop import topological_order
from .value import Value
from . import functional


class TraceError(ValueError):
    """The function cannot be compiled: what it computes depends on input values in a way a replay cannot follow."""


@dataclass
class Tape:
    """One trace: ``nodes`` in topological order; ``parents[i]`` are positions in ``nodes``."""

    nodes: list[Value]
    parents: list[tuple[int, ...]]
    outputs: list[int]
    inputs: list[int]  # position of each placeholder (or -1 when the function never used it)
    single: bool  # f returned one Value rather than a sequence


# How a leaf gets its value in the compiled program.
INPUT, PARAMETER, CONSTANT, MAX_OF = "input", "parameter", "constant", "max_of"


@dataclass
class Leaf:
    kind: str
    ref: Any = None  # input column, the parameter Value, the constant, or the positions a max is over


@dataclass
class Trace:
    """The agreed structure of two traces, with every leaf resolved."""

    tape: Tape
    leaves: dict[int, Leaf] = field(default_factory=dict)
    # node → the virtual leaf (a position past the traced nodes) its constant is read from, per sample
    dynamic_args: dict[int, int] = field(default_factory=dict)
    eager_outputs: list[list[float]] = field(default_factory=list)  # per trace row, f's outputs run eagerly


def trace_once(f: Callable, row: Sequence[float]) -> Tape:
    """Call ``f`` on one placeholder leaf per number in ``row`` and record the graph it builds."""
    placeholders = [Value(x, label=f"x{j + 1}") for j, x in enumerate(row)]
    with enable_grad():
        result = f(placeholders)
        single = isinstance(result, Value)
        outputs = [result] if single else _as_outputs(result)
        root = outputs[0] if len(outputs) == 1 else functional.sum(outputs)
    nodes = topological_order(root)
    if len(outputs) > 1:
        nodes.pop()  # the helper sum over the outputs is not part of f
    position = {id(v): i for i, v in enumerate(nodes)}
    where = position.__getitem__
    parents = [tuple(map(where, map(id, v.parents))) for v in nodes]
    return Tape(nodes, parents, [position[id(v)] for v in outputs],
                [position.get(id(p), -1) for p in placeholders], single)


def _as_outputs(result: Any) -> list[Value]:
    try:
        outputs = list(result)
    except TypeError:
        raise TraceError(f"the compiled function must return a Value or a sequence of Values, "
                         f"got {type(result).__name__}: {result!r}") from None
    if not outputs:
        raise TraceError("the compiled function returned an empty sequence; it must return at least one Value")
    for i, v in enumerate(outputs):
        if not isinstance(v, Value):
            raise TraceError(f"the compiled function must return Values; output {i} is {type(v).__name__}: {v!r}")
    return outputs


def trace(f: Callable, rows: np.ndarray) -> Trace:
    """Trace ``f`` on two input rows, check both traces agree, and resolve every leaf."""
    first, second = trace_once(f, rows[0].tolist()), trace_once(f, rows[1].tolist())
    varying = _check_same_structure(first, second)
    result = Trace(first)
    inputs = {i: j for j, i in enumerate(first.inputs) if i >= 0}
    for i, (a, b) in enumerate(zip(first.nodes, second.nodes)):
        if a.op is not None:
            continue
        if a is b:  # the common case (every weight of a network) first
            result.leaves[i] = Leaf(PARAMETER, a)
        else:
            result.leaves[i] = Leaf(INPUT, inputs[i]) if i in inputs else _resolve_leaf(i, a, b, first, second, rows)
    result.eager_outputs = [[t.nodes[k].data for k in t.outputs] for t in (first, second)]
    _resolve_dynamic_args(result, varying, second, rows)
    return result


def _check_same_structure(a: Tape, b: Tape) -> list[int]:
    """Raise unless both traces have the same graph; return the nodes whose (number) constant differs."""
    where = ("the graph f builds depends on the input values (Python control flow such as `if x.data > 0` "
             "or a loop over data cannot be compiled; write it with ops such as relu or sign instead)")
    if len(a.nodes) != len(b.nodes) or a.outputs != b.outputs or a.inputs != b.inputs or a.single != b.single:
        raise TraceError(f"{where}: two traces built {len(a.nodes)} and {len(b.nodes)} nodes")
    varying: list[int] = []
    for i, (u, v) in enumerate(zip(a.nodes, b.nodes)):
        if u.op is not v.op or a.parents[i] != b.parents[i]:
            raise TraceError(f"{where}: node {i} is {_show(u)} in one trace and {_show(v)} in the other")
        if isinstance(u.op_arg, float) and isinstance(v.op_arg, float) and u.op_arg != v.op_arg:
            varying.append(i)
        elif not _same_constant(u.op_arg, v.op_arg):
            raise TraceError(f"{where}: the constant of node {i} ({_show(u)}) is {u.op_arg!r} in one trace and "
                             f"{v.op_arg!r} in the other, so it was computed from an input's .data")


    return varying


def _resolve_dynamic_args(result: Trace, varying: list[int], second: Tape, rows: np.ndarray) -> None:
    """Constants of ops that change with the input (``out - target``, softmax's ``z - max``): each becomes
    a virtual leaf read per sample, an input column or a max over nodes, or the trace is refused."""
    tape = result.tape
    made: dict[tuple, int] = {}
    for i in varying:
        c1, c2 = tape.nodes[i].op_arg, second.nodes[i].op_arg
        leaf = _input_column(c1, c2, rows)
        if leaf is None:
            sharing = [k for k in varying if tape.nodes[k].op_arg == c1]
            over = tuple(dict.fromkeys(p for k in sharing for p in tape.parents[k]))
            if over and c1 == max(tape.nodes[p].data for p in over) and c2 == max(second.nodes[p].data for p in over):
                leaf = Leaf(MAX_OF, over)
        if leaf is None:
            raise TraceError(f"the constant of node {i} ({_show(tape.nodes[i])}) is {c1!r} in one trace and {c2!r} "
                             "in the other: it was computed from an input's .data in a way a replay cannot follow")
        key = (leaf.kind, leaf.ref)
        if key not in made:
            made[key] = len(tape.nodes)
            tape.nodes.append(None)  # a virtual leaf: no Value, its value comes from ``leaf``
            tape.parents.append(())
            result.leaves[made[key]] = leaf
        result.dynamic_args[i] = made[key]


def _input_column(c1: float, c2: float, rows: np.ndarray) -> Leaf | None:
    for j in range(rows.shape[1]):  # a number read from input j (float(x), a target baked into a loss)
        if c1 == rows[0, j] and c2 == rows[1, j]:
            return Leaf(INPUT, j)
    return None


def _same_constant(x: Any, y: Any) -> bool:
    if isinstance(x, tuple) and isinstance(y, tuple):
        return len(x) == len(y) and all(p == q for p, q in zip(x, y))
    return x == y


def _show(v: Value) -> str:
    name = v.op.name if v.op is not None else "a leaf"
    return f"{name} {v.label!r}" if v.label else name


def _resolve_leaf(i: int, a: Value, b: Value, first: Tape, second: Tape, rows: np.ndarray) -> Leaf:
    """A leaf made afresh in each trace: a constant, a number read from an input, or a per-sample max."""
    if a.data == b.data:
        return Leaf(CONSTANT, a.data)
    leaf = _input_column(a.data, b.data, rows)
    if leaf is not None:
        return leaf
    over = _shift_operands(i, first)
    if over and all(t.nodes[i].data == max(t.nodes[k].data for k in over) for t in (first, second)):
        return Leaf(MAX_OF, over)
    label = f" {a.label!r}" if a.label else ""
    raise TraceError(
        f"the constant{label} made inside f changes with the input ({a.data!r} vs {b.data!r}) and is not a "
        "recognisable function of it: values computed from .data in Python cannot be replayed on a batch"
    )


def _shift_operands(i: int, tape: Tape) -> tuple[int, ...]:
    """The other operands of every node that uses leaf ``i`` (the candidates for a per-sample max shift)."""
    others: list[int] = []
    for k, ps in enumerate(tape.parents):
        if i in ps:
            others.extend(p for p in ps if p != i)
    return tuple(dict.fromkeys(others))
