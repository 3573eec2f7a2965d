"""The graph walk and the reverse sweep every gradient computation runs: the engine's core loop.

``walk`` orders a graph (iteratively, so depth is limited only by memory); ``propagate`` is the one
reverse sweep: it applies the op table's rules node by node in reverse order, adding each node's
contributions to its parents' ``.grad``. ``backward_into_grads`` keeps what it leaves in ``.grad``
(``backward``); ``sweep`` reads it and restores every ``.grad`` (``grad``, ``reverse_sweep``, and
through them every view). Nothing here knows an op by name. This module needs no ``Value`` import:
``value`` and ``backprop`` build on it.

Thread safety: a walk marks nodes in their shared ``_mark`` slot and a sweep uses their ``.grad``
slots, so both hold ``WALK_LOCK`` for the whole pass: two threads' passes over one graph never
interleave their sums.
"""

from __future__ import annotations

import threading
from typing import Any, Callable

from . import float_math as _fm

# Reentrant: a custom op's rule may itself call backward without deadlocking its own thread.
WALK_LOCK = threading.RLock()


def walk(root: Any, saved: list | None = None, zero: Any = 0.0) -> tuple[list, list]:
    """What ``root`` depends on: (non-leaf nodes, each after all of its parents; the leaves).

    A post-order depth-first walk with an explicit stack. Visited nodes are marked in their ``_mark``
    slot with a marker object made fresh for each walk, so no reset pass is needed and no set of
    visited nodes (whose lookups miss the cache on big graphs) is kept. Callers hold ``WALK_LOCK``.
    With a ``saved`` list, each non-leaf node's ``.grad`` is appended to it and set to ``zero`` as the
    walk closes the node (the sweep's reset, done while the node is in the cache anyway).
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
                node.grad = zero
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


class _NoGradientYet:
    """What a symbolic sweep starts each ``.grad`` at: adding a Value to it gives that Value, so a
    node's first contribution is kept as it is instead of becoming a new ``0 + g`` node."""

    __slots__ = ()

    def __add__(self, other: Any) -> Any:
        return other

    __radd__ = __add__


NO_GRADIENT_YET = _NoGradientYet()


def propagate(inner: list, m: Any = _fm, symbolic: bool = False, record: Any = None) -> None:
    """THE reverse sweep: each node of ``inner`` in reverse order (``inner[-1]``, the root, first) adds
    the contributions its rule sends to its parents' ``.grad``, in parent order. Every gradient
    computation runs this loop: ``backward`` keeps the result, the others read it and restore.

    A node's ``.grad`` is final when it is reached (every child came before it). ``record``, if
    given, is called with ``(node, grad, contributions)`` per node; with ``symbolic`` the rules run on
    the parent Values (``m`` = functional), so gradients are Values. When neither is asked for, a
    one- or two-operand node takes the fast path: the same rule call and the same additions with
    slot reads instead of a tuple and a loop (what makes ``backward`` fast; benchmarks/engine.py).
    """
    general = symbolic or record is not None
    node = None
    try:
        for node in reversed(inner):
            a = node._a
            if general or type(a) is tuple:
                g = node.grad
                sent = tuple(contributions(node, g, m, symbolic))
                for p, pg in zip(parents_of(node), sent):
                    p.grad += pg
                if record is not None:
                    record((node, g, sent))
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


def _start(root: Any, seed: Any, zero: Any) -> tuple[list, list, list, list]:
    """Walk ``root``'s graph, saving every ``.grad`` and setting it to ``zero``, then seed the root.
    Returns (inner nodes, leaves, their saved gradients: inner's, leaves')."""
    saved_inner: list = []
    inner, leaves = walk(root, saved_inner, zero)
    saved_leaves = [node.grad for node in leaves]
    for node in leaves:
        node.grad = zero
    root.grad = seed
    return inner, leaves, saved_inner, saved_leaves


def _restore(nodes: list, saved: list) -> None:
    for node, before in zip(nodes, saved):
        node.grad = before


def backward_into_grads(root: Any, seed: float) -> None:
    """``propagate`` kept in ``.grad``: leaves gain d(root)/d(leaf), inner nodes get theirs afresh.

    All or nothing: if a rule fails or a leaf's gradient is not finite, every ``.grad`` is restored.
    """
    with WALK_LOCK:
        inner, leaves, saved_inner, saved_leaves = _start(root, seed, 0.0)
        try:
            propagate(inner)
            for node, before in zip(leaves, saved_leaves):
                total = before + node.grad
                if total - total:  # inf or nan: say so now instead of letting it spread through training
                    raise ValueError(f"backward produced a non-finite gradient {total!r} for the leaf "
                                     f"{_describe(node)}; no .grad was changed")
                node.grad = total
        except BaseException:
            _restore(leaves, saved_leaves)
            _restore(inner, saved_inner)
            raise


def sweep(root: Any, seed: Any, read: Callable[[list, list], Any], m: Any = _fm, symbolic: bool = False,
          record: Any = None) -> Any:
    """``propagate`` from ``root`` without keeping anything: ``read(inner, leaves)`` runs while every
    node's gradient is in its ``.grad``, then every ``.grad`` is restored; returns what ``read`` returned.

    The same loop, the same additions in the same order as ``backward_into_grads``, so whatever is
    read here equals what ``backward`` stores, to the last bit (the sign of a zero included).
    """
    with WALK_LOCK:
        zero = NO_GRADIENT_YET if symbolic else 0.0
        inner, leaves, saved_inner, saved_leaves = _start(root, seed, zero)
        try:
            propagate(inner, m, symbolic, record)
            return read(inner, leaves)
        finally:
            _restore(leaves, saved_leaves)
            _restore(inner, saved_inner)


def _describe(node: Any) -> str:
    return f"with data {node.data!r}" + (f" (label {node.label!r})" if node.label else "")
