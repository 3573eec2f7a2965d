"""Re-running a traced graph with new leaf values: each node's ``data`` recomputed by its op's float
forward from the op table, in forward order (nothing is rebuilt, nothing is eval'ed).

>>> from autograd import Value
>>> x = Value(2.0, label="x"); y = x * x + 1
>>> order = graph_order([y]); replay(order, {x: 3.0}); y.data
10.0
"""

from __future__ import annotations

from typing import Mapping

from autograd import Value
from autograd.value import compute

from .walk import graph_order

__all__ = ["replay", "graph_order"]


def replay(order: list[Value], leaves: Mapping[Value, float]) -> None:
    """Give each leaf in ``leaves`` its new ``data`` and recompute every node of ``order`` (forward order).

    All or nothing: if an op is undefined at the new values (``log`` of a negative number), every
    ``data`` is restored and a ValueError names the node and the op's domain.
    """
    saved = [v.data for v in order]
    try:
        for leaf, value in leaves.items():
            leaf.data = value
        for v in order:
            if v.op is not None:  # the engine's own checked forward: its errors show the operation as written
                v.data = compute(v.op, v.op_arg, v.parents, [p.data for p in v.parents])
    except (ArithmeticError, ValueError) as exc:
        for node, data in zip(order, saved):
            node.data = data
        raise ValueError(str(exc)) from None
