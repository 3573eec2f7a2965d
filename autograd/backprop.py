"""The public reverse-mode API: ``backward`` (into ``.grad``), ``grad`` (returned), ``reverse_sweep``
(node by node, for views that show the chain rule at work) and ``local_gradients``.

All of them run the one loop of ``autograd.sweep`` (``propagate``) over the op table's rules, adding
into the same ``.grad`` slots in the same order, so every view of a reverse pass agrees with
``backward`` by construction; none knows an op by name.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Iterator, Sequence

from . import float_math as _fm
from . import functional as _functional
from .grad_mode import enable_grad
from .sweep import WALK_LOCK, contributions, parents_of, sweep, undefined_gradient, walk
from .value import Value, as_float


def topological_order(root: Value) -> list[Value]:
    """Every Value ``root`` depends on (itself included), inputs first, each once.

    >>> x = Value(1.0); y = (x + x).exp()
    >>> [v.op.name if v.op else "leaf" for v in topological_order(y)]
    ['leaf', 'add', 'exp']
    """
    if not isinstance(root, Value):
        raise TypeError(f"expected a Value, got {type(root).__name__}: {root!r}")
    with WALK_LOCK:
        inner, leaves = walk(root)
    return leaves + inner


def backward(root: Value, grad: float = 1.0) -> None:
    """Accumulate d(root)/d(leaf) into every leaf's ``.grad``; recompute every intermediate ``.grad``.

    All or nothing: a pass that fails (an infinite derivative, a non-finite leaf gradient) changes
    no ``.grad``. Same as ``root.backward(grad)``.

    >>> x = Value(2.0); y = x ** 3; backward(y); x.grad
    12.0
    """
    if not isinstance(root, Value):
        raise TypeError(f"backward needs a Value, got {type(root).__name__}: {root!r}")
    root.backward(grad)


@dataclass(frozen=True, slots=True)
class SweepStep:
    """One node of a reverse sweep: ``grad`` is d(output)/d(node), the sum of what its children sent;
    ``contributions`` (aligned with ``node.parents``) is what it sends each parent: ``grad`` × the
    local derivative. A leaf's contributions are empty."""

    node: Value
    grad: float
    contributions: tuple[float, ...]


def reverse_sweep(output: Value, grad: float = 1.0) -> Iterator[SweepStep]:
    """The reverse pass of ``backward``, node by node: output first, each node after all its children
    (reverse topological order), leaves last. No ``.grad`` is touched.

    >>> x = Value(3.0, label="x"); y = x * x
    >>> [(s.node.label or s.node.op.name, s.grad, s.contributions) for s in reverse_sweep(y)]
    [('mul', 1.0, (3.0, 3.0)), ('x', 6.0, ())]
    """
    if not isinstance(output, Value):
        raise TypeError(f"reverse_sweep needs a Value, got {type(output).__name__}: {output!r}")
    seed = as_float(grad, "reverse_sweep's grad")
    steps: list[tuple] = []
    leaves = sweep(output, seed, _leaves_first_reached(output, steps), record=steps.append)
    for node, g, sent in steps:
        yield SweepStep(node, g, sent)
    for leaf, g in leaves:
        yield SweepStep(leaf, g, ())


def _leaves_first_reached(output: Value, steps: list[tuple]) -> Any:
    """A ``read`` for ``sweep``: each leaf with its gradient, in the order gradients first reached them."""

    def read(inner: list, leaves: list) -> list[tuple[Value, float]]:
        if not inner:
            return [(output, output.grad)]
        reached = dict.fromkeys(p for node, _, _ in steps for p in parents_of(node) if p._a is None)
        return [(leaf, leaf.grad) for leaf in reached]

    return read


def grad(
    output: Value,
    inputs: Value | Sequence[Value],
    create_graph: bool = False,
    grad_output: float = 1.0,
    allow_unused: bool = False,
) -> Any:
    """Return d(output)/d(each input) without touching any ``.grad``.

    With ``create_graph=True`` the results are Values that can be differentiated again, so
    derivatives of any order work. A single Value as ``inputs`` gives a single result. An input
    ``output`` does not depend on is an error (usually a mistake), unless ``allow_unused=True``:
    then its derivative is 0, as in PyTorch.

    >>> x = Value(2.0); y = x ** 3
    >>> (dy,) = grad(y, [x], create_graph=True); dy.data
    12.0
    >>> grad(dy, x)
    12.0
    >>> grad(y, Value(5.0), allow_unused=True)
    0.0
    """
    single = isinstance(inputs, Value)
    wanted = [inputs] if single else list(_check_inputs(inputs))
    if not isinstance(output, Value):
        raise TypeError(f"grad needs a Value as output, got {type(output).__name__}: {output!r}")
    def read(inner: list, leaves: list) -> dict[Value, Any]:
        wanted_here = set(wanted)
        return {v: v.grad for nodes in (inner, leaves) for v in nodes if v in wanted_here}

    if create_graph:
        with enable_grad():
            found = sweep(output, Value(as_float(grad_output, "grad_output")), read, _functional, symbolic=True)
    else:
        found = sweep(output, as_float(grad_output, "grad_output"), read)
    results = []
    for i, x in enumerate(wanted):
        if x in found:
            results.append(found[x])
        elif allow_unused:
            results.append(0.0)
        else:
            which = "the input" if single else f"inputs[{i}]"
            name = f" (label {x.label!r})" if x.label else ""
            raise ValueError(f"grad: {which}{name}, data {x.data!r}, is not used to compute the output; "
                             "pass allow_unused=True to get 0 for it")
    return results[0] if single else results


def _check_inputs(inputs: Iterable[Value]) -> Iterable[Value]:
    if isinstance(inputs, (str, bytes)) or not isinstance(inputs, Iterable):
        raise TypeError(f"grad: inputs must be a Value or a sequence of Values, got {type(inputs).__name__}")
    for i, x in enumerate(inputs):
        if not isinstance(x, Value):
            raise TypeError(f"grad: inputs[{i}] must be a Value, got {type(x).__name__}: {x!r}")
        yield x


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
        return tuple(contributions(node, as_float(upstream, "upstream"), _fm))
    except (ArithmeticError, ValueError) as exc:
        raise undefined_gradient(node, exc) from exc


def zero_grad(values: Iterable[Value]) -> None:
    """Set ``.grad = 0.0`` on each Value (parameters before a new backward pass).

    >>> w = Value(1.0); (w * 3).backward(); zero_grad([w]); w.grad
    0.0
    """
    for i, v in enumerate(values):
        if not isinstance(v, Value):
            raise TypeError(f"zero_grad: item {i} must be a Value, got {type(v).__name__}: {v!r}")
        v.grad = 0.0
