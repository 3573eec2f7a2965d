"""``snapshot``: one graph's values, gradients and chain-rule facts as a JSON-able dict, the contract
between the engine and every live view (the explorer page, the Jupyter widget, the playground).

Each node has a stable ``id`` (its place in forward order, so the same structure gives the same ids
whatever the values), the shown ``name`` from ``naming.short_names``, and what the op table says about
it; the page does no math, it only shows these numbers.
"""

from __future__ import annotations

import hashlib
import math
import threading
from collections import OrderedDict
from typing import Any, Iterable

from autograd import Value, local_gradients, topological_order

from .explain import NodeStep, reverse_pass
from .explorer_fold import check_level, fold_fields, fold_numbers, layout_key
from .naming import formula, local_rule, short_names
from .cards import op_text
from .steps import _contributions as contribution_phrases  # the flip-book's caption text, written once
from .style import HeatScale, format_number
from .walk import graph_order, role

SNAPSHOT_VERSION = 1
MAX_NODES = 20_000  # beyond this a live view is neither fast nor readable: refused with a message


class GraphTooBigError(ValueError):
    """The graph has more nodes than a live view accepts."""


def snapshot(output: Value, *, target: Value | None = None, steps: bool = False,
             max_nodes: int = MAX_NODES, fold: str | None = None, expanded: Iterable[str] = ()) -> dict[str, Any]:
    """The graph behind ``output`` with every value, the gradient of ``target`` (default ``output``)
    with respect to each node, and per node the op's rule, local derivatives and the contributions sent.

    No Value's ``.grad`` is read or changed: gradients come from one reverse pass of their own, the
    same sweep ``explain`` runs, so they equal ``backward``'s to the last bit. ``steps=True`` adds the
    reverse pass step by step (``backward``, with the flip-book's captions) and the forward pass (``forward``).
    ``fold`` (``"none"``, ``"neuron"``, ``"layer"`` or ``"auto"``) adds, for a graph built with ``nn``, which
    nodes fold into one card per neuron or layer (``fold``; groups named in ``expanded`` are opened).

    >>> x = Value(2.0, label="x"); y = (x * x).sin()
    >>> s = snapshot(y)
    >>> [n["name"] for n in s["nodes"]], s["output"], s["inputs"]
    (['x', 'a', 'b'], 2, [{'name': 'x', 'id': 0, 'value': 2.0}])
    >>> s["nodes"][1]["local"], s["nodes"][1]["rules"]
    ([2.0, 2.0], ['∂a/∂x = x', '∂a/∂x = x'])
    >>> import nn
    >>> out = nn.MLP(2, [2, 1], seed=0)([1.0, 2.0])
    >>> [g["key"] for g in snapshot(out, fold="neuron", expanded=["L1.N2"])["fold"]["groups"]]
    ['L1.N1', 'L2.N1']
    """
    if fold is not None:
        check_level(fold)
    if not isinstance(output, Value):
        raise TypeError(f"snapshot needs one Value, got {type(output).__name__}: {output!r}")
    order = graph_order([output])
    if len(order) > max_nodes:
        raise GraphTooBigError(
            f"this graph has {len(order)} nodes, more than the {max_nodes} a live view shows; "
            "explore a smaller part (one sample, one neuron)"
        )
    index = {v: i for i, v in enumerate(order)}
    target = output if target is None else target
    if target not in index:
        raise ValueError("target must be a node of the graph being shown")
    names = short_names(order)
    grads: dict[Value, float] = {target: 1.0}
    sent: dict[Value, tuple[tuple[float, ...], tuple[float, ...]]] = {}
    backward: list[dict[str, Any]] = []
    known: dict[Value, float] = dict(grads)  # the totals before the current step, for its caption
    for step in reverse_pass(topological_order(target), names, grads, "snapshot"):
        sent[step.value] = (step.locals, step.products)
        if steps:
            backward.append(_backward_step(step, known, grads, index, names, names[target]))
    heat = HeatScale(list(grads.values()))
    key = structure_key(order, index, names)
    nodes = [{**shape, **_numbers(v, grads, sent), "heat": heat.index(grads.get(v, 0.0))}
             for v, shape in zip(order, _shapes(order, index, names, output, key))]
    result = {
        "version": SNAPSHOT_VERSION,
        "nodes": nodes,
        "output": index[output],
        "target": index[target],
        "inputs": _inputs(nodes, order, index),
        "structure": key,
    }
    folds = None if fold is None else fold_fields(order, output, index, names, key, fold, expanded)
    if folds is not None:
        result["fold"] = fold_numbers(folds, nodes)
    result["layout"] = layout_key(key, folds)
    if steps:
        result["backward"] = backward
        result["forward"] = [_forward_step(v, index, names) for v in order]
    return result


def _inputs(nodes: list[dict[str, Any]], order: list[Value], index: dict[Value, int]) -> list[dict[str, Any]]:
    """The sliders, in the order the forward pass first uses them (an MLP's L1.N1.w1 before L2's), inputs first."""
    first_use: dict[int, int] = {}
    for i, v in enumerate(order):
        for p in v.parents:
            first_use.setdefault(index[p], i)
    leaves = [n for n in nodes if n["role"] in ("input", "parameter")]
    leaves.sort(key=lambda n: (n["role"] != "input", first_use.get(n["id"], len(order)), n["id"]))
    return [{"name": n["name"], "id": n["id"], "value": n["data"]} for n in leaves]


def _forward_step(v: Value, index: dict[Value, int], names: dict[Value, str]) -> dict[str, Any]:
    """One node of the forward pass: how it is computed from the nodes before it."""
    if v.op is None:
        return {"node": index[v], "caption": f"{names[v]} = {format_number(v.data, 4)} (given)"}
    args = ", ".join(f"{names[p]} = {format_number(p.data, 4)}" for p in v.parents[:4])
    more = ", …" if len(v.parents) > 4 else ""
    return {"node": index[v],
            "caption": f"{names[v]} = {formula(v, names)} = {format_number(v.data, 4)}  (with {args}{more})"}


def _backward_step(step: NodeStep, known: dict[Value, float], grads: dict[Value, float],
                   index: dict[Value, int], names: dict[Value, str], out: str) -> dict[str, Any]:
    """One node of the reverse pass: the flip-book's caption and each operand's gradient after it."""
    v = step.value
    lines = contribution_phrases(step, known, names, out, 4)
    for p in v.parents:
        known[p] = grads[p]
    return {"node": index[v], "caption": f"{names[v]} = {formula(v, names)} sends", "lines": lines,
            "grads": [[index[p], _finite(grads[p])] for p in dict.fromkeys(v.parents)]}


def _shape(v: Value, i: int, index: dict[Value, int], names: dict[Value, str], output: Value) -> dict[str, Any]:
    """The fields that depend only on the graph's structure (cached per structure key)."""
    op = v.op
    node: dict[str, Any] = {
        "id": i, "name": names[v], "label": v.label, "parents": [index[p] for p in v.parents],
        "role": role(v, {output}), "group": v.group or "", "op": None, "text": "", "formula": "", "rule": "",
        "rules": [],
    }
    if op is not None:
        node.update(op=op.name, text=op_text(v), formula=formula(v, names), rule=op.derivative,
                    rules=[local_rule(v, k, names) for k in range(len(v.parents))])
    return node


def _numbers(v: Value, grads: dict[Value, float], sent: dict) -> dict[str, Any]:
    """The fields that change with the values: data, grad, local derivatives, contributions sent."""
    numbers: dict[str, Any] = {"data": _finite(v.data), "grad": _finite(grads.get(v, 0.0)), "local": [], "sent": []}
    if v.op is not None:
        # A node the target does not depend on sends nothing: its local derivatives still inform.
        locals_, products = sent.get(v) or (_locals(v), (0.0,) * len(v.parents))
        numbers["local"] = [_finite(d) for d in locals_]
        numbers["sent"] = [_finite(d) for d in products]
    return numbers


def _shapes(order: list[Value], index: dict[Value, int], names: dict[Value, str], output: Value,
            key: str) -> list[dict[str, Any]]:
    """The structural fields of every node, computed once per structure (rules and formulas are text work)."""
    with _shapes_lock:
        shapes = _SHAPES.get(key)
    if shapes is None:
        shapes = [_shape(v, i, index, names, output) for i, v in enumerate(order)]
        with _shapes_lock:
            _SHAPES[key] = shapes
            while len(_SHAPES) > 16:
                _SHAPES.popitem(last=False)
    return shapes


_SHAPES: OrderedDict[str, list[dict[str, Any]]] = OrderedDict()
_shapes_lock = threading.Lock()


def _locals(v: Value) -> tuple[float | None, ...]:
    try:
        return local_gradients(v)
    except ValueError:  # undefined here (sqrt at 0): shown as missing, not as a crash
        return (None,) * len(v.parents)


def _finite(x: float | None) -> float | None:
    """JSON has no inf or nan: those become null (the page shows "undefined")."""
    return x if x is not None and math.isfinite(x) else None


def structure_key(order: list[Value], index: dict[Value, int], names: dict[Value, str]) -> str:
    """A short hash of everything that decides the layout (ops, constants, wiring, names, roles),
    so a view re-lays out only when it changes and merely swaps numbers otherwise."""
    digest = hashlib.sha1()
    for v in order:
        op = v.op
        arg = v.op_arg
        shown_arg = "" if arg is None else repr(arg)
        leaf_value = repr(v.data) if op is None and not v.label else ""  # an unlabelled constant is drawn by value
        line = f"{op.name if op else ''}|{shown_arg}|{[index[p] for p in v.parents]}|{names[v]}|{v.label}|{v.group}|{leaf_value}\n"
        digest.update(line.encode("utf-8"))
    return digest.hexdigest()[:16]
