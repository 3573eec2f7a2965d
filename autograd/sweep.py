"""The graph walk and the reverse sweep every gradient computation runs: the engine's core loop.

``walk`` orders a graph (iteratively, so depth is limited only by memory); ``sweep`` applies the op
table's rules node by node in reverse order, yielding each node's upstream gradient and the
contributions it sends to its parents; ``backward_into_grads`` is the same sweep fused into ``.grad``
for speed. Nothing here knows an op by name. This module needs no ``Value`` import: ``value`` and
``backprop`` build on it.

Thread safety: a walk marks nodes in their shared ``_mark`` slot, so walks hold ``WALK_LOCK``;
``backward_into_grads`` holds it for its whole pass too, so two threads' backward calls on one
graph never interleave their sums.
"""

from __future__ import annotations

import threading
from typing import Any, Iterator

from . import float_math as _fm

# Reentrant: a custom op's rule may itself call backward without deadlocking its own thread.
WALK_LOCK = threading.RLock()


def walk(root: Any, saved: list | None = None) -> tuple[list, list]:
    """What ``root`` depends on: (non-leaf nodes, each after all of its parents; the leaves).

    A post-order depth-first walk with an explicit stack. Visited nodes are marked in their ``_mark``
    slot with a marker object made fresh for each walk, so no reset pass is needed and no set of
    visited nodes (whose lookups miss the cache on big graphs) is kept. Callers hold ``WALK_LOCK``.
    With a ``saved`` list, each non-leaf node's ``.grad`` is appended to it and set to 0 as the walk
    closes the node (backward's reset, done while the node is in the cache anyway).
    """
    opened, done = object(), object()
    inner: list = []
    leaves: list = []
    stack = [root]
    pop, push, keep, keep_leaf = stack.pop, stack.append, inner.append, leaves.append
    save = saved.append if saved is not None else None
    while stack:
        node = stack[-1]
        mark = node._mark
        if mark is opened:  # every parent is closed now
            node._mark = done
            pop()
            keep(node)
            if save is not None:
                save(node.grad)
                node.grad = 0.0
        elif mark is done:  # pushed twice: reached from two children before it was closed
            pop()
        else:
            a = node._a
            if a is None:
                node._mark = done
                pop()
                keep_leaf(node)
                continue
            node._mark = opened
            if type(a) is tuple:
                for p in reversed(a):
                    if p._mark is not done:
                        push(p)
            else:
                b = node._b
                if b is not None and b._mark is not done:
                    push(b)
                if a._mark is not done:
                    push(a)
    return inner, leaves


def parents_of(node: Any) -> tuple:
    """The node's parents from its two slots (the same tuple as ``Value.parents``)."""
    a = node._a
    if a is None:
        return ()
    if type(a) is tuple:
        return a
    b = node._b
    return (a,) if b is None else (a, b)


def contributions(node: Any, g: Any, m: Any = _fm, symbolic: bool = False) -> Any:
    """``g`` times the node's local derivative for each parent, by the op table's rule: at the parents'
    floats, or (``symbolic``) at the parent Values themselves so the results are Values."""
    if symbolic:
        return node.op.vjp(m, g, node, node.op_arg, *parents_of(node))
    return node.op.vjp(m, g, node.data, node.op_arg, *[p.data for p in parents_of(node)])


def undefined_gradient(node: Any, exc: Exception) -> ValueError:
    inputs = ", ".join(repr(p.data) for p in parents_of(node)[:4])
    where = f" (label {node.label!r})" if node.label else ""
    return ValueError(
        f"backward: the derivative of {node.op.name}({inputs}){where} is undefined or infinite: {exc}"
    )


def sweep(inner: list, root: Any, seed: Any, m: Any = _fm, symbolic: bool = False) -> Iterator[tuple]:
    """(node, upstream gradient, contributions) for each node of ``inner`` in reverse order, then
    (leaf, gradient, ()) for each leaf, in the order gradients first reached them. ``inner`` comes
    from ``walk(root)``; with ``symbolic`` the rules run on the parent Values (``m`` = functional).

    Each node's gradient is the sum of its children's contributions, added in the order they are
    sent (the order ``backward_into_grads`` adds them in, so both give the same bits).
    """
    grads: dict[Any, Any] = {root: seed}
    get = grads.get
    node = root
    try:
        for node in reversed(inner):
            g = grads[node]
            sent = tuple(contributions(node, g, m, symbolic))
            for p, pg in zip(parents_of(node), sent):
                previous = get(p)
                grads[p] = pg if previous is None else previous + pg
            yield node, g, sent
    except (ArithmeticError, ValueError) as exc:
        raise undefined_gradient(node, exc) from exc
    # Leaves last: every leaf's gradient is complete once no inner node is left.
    for node, g in grads.items():
        if node._a is None:
            yield node, g, ()


def backward_into_grads(root: Any, seed: float) -> None:
    """The sweep written into ``.grad``: leaves gain d(root)/d(leaf), inner nodes get theirs afresh.

    All or nothing: if a rule fails or a leaf's gradient is not finite, every ``.grad`` is restored.
    The loop is ``sweep`` inlined for binary and unary nodes (slot reads and ``+=`` on ``.grad``
    instead of a generator and a dict: 2.5× faster, measured with benchmarks/engine.py).
    """
    with WALK_LOCK:
        saved_inner: list[float] = []
        inner, leaves = walk(root, saved_inner)
        saved_leaves = [node.grad for node in leaves]
        for node in leaves:
            node.grad = 0.0
        root.grad = seed
        m = _fm
        node = root
        try:
            try:
                for node in reversed(inner):
                    a = node._a
                    if type(a) is tuple:
                        for p, pg in zip(a, node.op.vjp(m, node.grad, node.data, node.op_arg, *[p.data for p in a])):
                            p.grad += pg
                        continue
                    b = node._b
                    if b is None:
                        a.grad += node.op.vjp(m, node.grad, node.data, node.op_arg, a.data)[0]
                    else:
                        ga, gb = node.op.vjp(m, node.grad, node.data, node.op_arg, a.data, b.data)
                        a.grad += ga
                        b.grad += gb
            except (ArithmeticError, ValueError) as exc:
                raise undefined_gradient(node, exc) from exc
            for node, before in zip(leaves, saved_leaves):
                total = before + node.grad
                if total - total:  # inf or nan: say so now instead of letting it spread through training
                    raise ValueError(f"backward produced a non-finite gradient {total!r} for the leaf "
                                     f"{_describe(node)}; no .grad was changed")
                node.grad = total
        except BaseException:
            for node, before in zip(leaves, saved_leaves):
                node.grad = before
            for node, before in zip(inner, saved_inner):
                node.grad = before
            raise


def _describe(node: Any) -> str:
    return f"with data {node.data!r}" + (f" (label {node.label!r})" if node.label else "")
