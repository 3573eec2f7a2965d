"""Graph traversal and the reverse-mode executors: ``backward`` (into ``.grad``) and ``grad`` (returned).

Both walk the graph iteratively (no recursion, so depth is limited only by memory) and apply the
derivative rules of the op table; neither knows any op by name.
"""

from __future__ import annotations

from typing import Any, Iterable, Sequence

from . import float_math as _fm
from .value import Value, as_float

def _walk(root: Value) -> tuple[list[Value], list[Value]]:
    """What ``root`` depends on: (non-leaf nodes, each after all of its parents; the leaves).

    A post-order depth-first walk with an explicit stack (no recursion, so depth is limited only
    by memory). Visited nodes are marked in their ``_mark`` slot with a marker object made fresh for
    each walk, so no reset pass is needed and no set of visited nodes (whose lookups miss the cache
    on big graphs) is kept.
    """
    opened, done = object(), object()
    inner: list[Value] = []
    leaves: list[Value] = []
    stack = [root]
    pop, push, keep, keep_leaf = stack.pop, stack.append, inner.append, leaves.append
    while stack:
        node = stack[-1]
        mark = node._mark
        if mark is opened:  # every parent is closed now
            node._mark = done
            pop()
            keep(node)
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


def topological_order(root: Value) -> list[Value]:
    """Every Value ``root`` depends on (itself included), inputs first, each once.

    >>> x = Value(1.0); y = (x + x).exp()
    >>> [v.op.name if v.op else "leaf" for v in topological_order(y)]
    ['leaf', 'add', 'exp']
    """
    if not isinstance(root, Value):
        raise TypeError(f"expected a Value, got {type(root).__name__}: {root!r}")
    inner, leaves = _walk(root)
    return leaves + inner


def _undefined_gradient(node: Value, exc: Exception) -> ValueError:
    inputs = ", ".join(repr(p.data) for p in node.parents[:4])
    where = f" (label {node.label!r})" if node.label else ""
    return ValueError(
        f"backward: the derivative of {node.op.name}({inputs}){where} is undefined or infinite: {exc}"
    )


def backward(root: Value, grad: float = 1.0) -> None:
    """Accumulate d(root)/d(leaf) into every leaf's ``.grad``; recompute every intermediate ``.grad``.

    >>> x = Value(2.0); y = x ** 3; backward(y); x.grad
    12.0
    """
    if not isinstance(root, Value):
        raise TypeError(f"backward needs a Value, got {type(root).__name__}: {root!r}")
    seed = as_float(grad, "backward's grad")
    if root._a is None:
        root.grad += seed
        return
    inner, leaves = _walk(root)
    for node in inner:
        node.grad = 0.0
    root.grad = seed
    m = _fm
    node = root
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
        raise _undefined_gradient(node, exc) from exc
    for node in leaves:
        g = node.grad
        if g - g:  # inf or nan: say so now instead of letting it spread through training
            raise ValueError(f"backward produced a non-finite gradient {g!r} for {node!r}")


def grad(
    output: Value,
    inputs: Value | Sequence[Value],
    create_graph: bool = False,
    grad_output: float = 1.0,
) -> Any:
    """Return d(output)/d(each input) without touching any ``.grad``.

    With ``create_graph=True`` the results are Values that can be differentiated again, so
    derivatives of any order work. A single Value as ``inputs`` gives a single result.

    >>> x = Value(2.0); y = x ** 3
    >>> (dy,) = grad(y, [x], create_graph=True); dy.data
    12.0
    >>> grad(dy, x)
    12.0
    """
    single = isinstance(inputs, Value)
    wanted = [inputs] if single else list(_check_inputs(inputs))
    if not isinstance(output, Value):
        raise TypeError(f"grad needs a Value as output, got {type(output).__name__}: {output!r}")
    order, _leaves = _walk(output)
    if create_graph:
        from . import functional as m
        from .grad_mode import enable_grad

        seed: Any = Value(as_float(grad_output, "grad_output"))
        with enable_grad():
            grads = _accumulate(order, output, seed, m, symbolic=True)
    else:
        grads = _accumulate(order, output, as_float(grad_output, "grad_output"), _fm, symbolic=False)
    zero = 0.0
    results = [grads.get(id(x), zero) for x in wanted]
    return results[0] if single else results


def _check_inputs(inputs: Iterable[Value]) -> Iterable[Value]:
    for i, x in enumerate(inputs):
        if not isinstance(x, Value):
            raise TypeError(f"grad: inputs[{i}] must be a Value, got {type(x).__name__}: {x!r}")
        yield x


def _accumulate(order: list[Value], output: Value, seed: Any, m: Any, symbolic: bool) -> dict[int, Any]:
    """Reverse pass into a dict keyed by id(node). Symbolic mode feeds the rules Values, not floats."""
    grads: dict[int, Any] = {id(output): seed}
    get = grads.get
    node = output
    try:
        for node in reversed(order):
            g = get(id(node))
            if g is None or node._a is None:
                continue
            parents = node.parents
            if symbolic:
                contributions = node.op.vjp(m, g, node, node.op_arg, *parents)
            else:
                contributions = node.op.vjp(m, g, node.data, node.op_arg, *[p.data for p in parents])
            for p, pg in zip(parents, contributions):
                key = id(p)
                previous = get(key)
                grads[key] = pg if previous is None else previous + pg
    except (ArithmeticError, ValueError) as exc:
        raise _undefined_gradient(node, exc) from exc
    return grads


def local_gradients(node: Value, upstream: float = 1.0) -> tuple[float, ...]:
    """upstream · ∂node/∂parent for each parent, in order: the op table's rule at the node's values.

    With the default ``upstream = 1`` these are the local derivatives a chain-rule table shows;
    with the node's own gradient they are exactly the contributions ``backward`` sends.

    >>> x = Value(2.0); y = x * x
    >>> local_gradients(y), local_gradients(y, upstream=0.5)
    ((2.0, 2.0), (1.0, 1.0))
    """
    if not isinstance(node, Value):
        raise TypeError(f"local_gradients needs a Value, got {type(node).__name__}: {node!r}")
    if node.op is None:
        return ()
    try:
        return tuple(node.op.vjp(_fm, as_float(upstream, "upstream"), node.data, node.op_arg,
                                 *[p.data for p in node.parents]))
    except (ArithmeticError, ValueError) as exc:
        raise _undefined_gradient(node, exc) from exc


def zero_grad(values: Iterable[Value]) -> None:
    """Set ``.grad = 0.0`` on each Value (parameters before a new backward pass).

    >>> w = Value(1.0); (w * 3).backward(); zero_grad([w]); w.grad
    0.0
    """
    for i, v in enumerate(values):
        if not isinstance(v, Value):
            raise TypeError(f"zero_grad: item {i} must be a Value, got {type(v).__name__}: {v!r}")
        v.grad = 0.0
