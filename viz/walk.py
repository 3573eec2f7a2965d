"""Reading a graph through public Value fields only: outputs, node order, roles and path selection."""

from __future__ import annotations

from typing import Any, Callable, Iterable, Mapping

from autograd import Value, topological_order


def as_outputs(output: Any, what: str = "output") -> list[Value]:
    """One Value or a non-empty sequence of Values (such as an MLP's output list), as a list.

    >>> len(as_outputs([Value(1.0), Value(2.0)]))
    2
    """
    if isinstance(output, Value):
        return [output]
    if isinstance(output, (str, bytes)) or not isinstance(output, Iterable):
        raise TypeError(f"{what} must be a Value or a list of Values, got {type(output).__name__}: {output!r}")
    outputs = list(output)
    if not outputs:
        raise ValueError(f"{what} is an empty list: pass at least one Value")
    for i, v in enumerate(outputs):
        if not isinstance(v, Value):
            raise TypeError(f"{what}[{i}] must be a Value, got {type(v).__name__}: {v!r}")
    return outputs


def graph_order(outputs: list[Value]) -> list[Value]:
    """Every Value the outputs depend on, each once, every node after its parents.

    >>> x = Value(1.0); y = x * 2; z = x + 1
    >>> len(graph_order([y, z]))  # x, y, z
    3
    """
    if len(outputs) == 1:
        return topological_order(outputs[0])
    seen: set[Value] = set()
    order: list[Value] = []
    for out in outputs:
        # A node missing from earlier orders has its parents either there or earlier in this one.
        for v in topological_order(out):
            if v not in seen:
                seen.add(v)
                order.append(v)
    return order


def role(v: Value, outputs: set[Value], is_param: Callable[[Value], bool] | None = None) -> str:
    """``output``, ``intermediate``, ``parameter``, ``input`` or ``constant``.

    A parameter is what ``is_param`` says (``as_parameter_test``); by default a leaf ``nn`` made for
    a module: tagged with a ``group`` and labelled inside it (``"L1.N2.w1"`` in group ``"L1.N2"``).
    Other tagged leaves (a loss's targets and counts) are constants; an untagged labelled leaf is an
    input; an untagged unlabelled leaf is a constant.

    >>> w = Value(0.5, label="N1.w1"); w.group = "N1"
    >>> role(w, set()), role(Value(2.0, label="x"), set()), role(Value(3.0), set())
    ('parameter', 'input', 'constant')
    """
    if v in outputs:
        return "output"
    if not v.is_leaf:
        return "intermediate"
    if is_param is not None and is_param is not is_parameter:
        return "parameter" if is_param(v) else ("input" if v.label and not v.group else "constant")
    if v.group:
        return "parameter" if is_parameter(v) else "constant"
    return "input" if v.label else "constant"


def is_parameter(v: Value) -> bool:
    """A leaf ``nn`` made for a module: tagged with a group and labelled inside it (``L1.N2.w1``)."""
    group = v.group
    return v.is_leaf and bool(group) and v.label.startswith(group + ".")


def as_parameter_test(params: Any) -> Callable[[Value], bool]:
    """Which leaves are parameters, from ``draw``'s ``params``: None (the ``nn`` label convention,
    ``is_parameter``), a dict name → Value, a module (anything with ``parameters()``) or a list of Values.

    >>> w = Value(0.5); test = as_parameter_test({"w": w})
    >>> test(w), test(Value(0.5))
    (True, False)
    """
    if params is None:
        return is_parameter
    if isinstance(params, Mapping):
        values, what = list(params.values()), "params (a dict name → Value)"
    elif callable(getattr(params, "parameters", None)):
        values, what = list(params.parameters()), f"{type(params).__name__}.parameters()"
    elif isinstance(params, (list, tuple, set, frozenset)):
        values, what = list(params), "params"
    else:
        raise TypeError(
            f"params must be a dict name → Value, a module with .parameters(), or a list of Values, "
            f"got {type(params).__name__}: {params!r}"
        )
    for v in values:
        if not isinstance(v, Value):
            raise TypeError(f"{what} must hold Values, got {type(v).__name__}: {v!r}")
    chosen = {id(v) for v in values}
    return lambda v: v.is_leaf and id(v) in chosen


def path_between(order: list[Value], start: Value, end: Value) -> set[Value]:
    """The Values on some path from ``start`` to ``end`` (both included), ValueError if there is none.

    >>> a = Value(1.0); b = a * 2; c = b + a
    >>> len(path_between(topological_order(c), a, c))  # a, b, c but not the constant 2
    3
    """
    for name, v in (("start", start), ("end", end)):
        if not isinstance(v, Value):
            raise TypeError(f"path {name} must be a Value, got {type(v).__name__}: {v!r}")
    ancestors = set(topological_order(end))
    if start not in ancestors:
        raise ValueError(f"no path from {_name(start)} to {_name(end)}: the end does not depend on the start")
    reached = {start}
    for v in order:
        if v not in reached and any(p in reached for p in v.parents):
            reached.add(v)
    return reached & ancestors


def _name(v: Value) -> str:
    return repr(v.label) if v.label else f"the Value {v.data!r}"


def as_value_set(values: Iterable[Any] | None, what: str) -> set[Value]:
    """A set of Values from None, one Value, or an iterable of Values; TypeError for anything else."""
    if values is None:
        return set()
    if isinstance(values, Value):
        return {values}
    if isinstance(values, (set, frozenset, list, tuple)) and not values:
        return set()
    return set(as_outputs(values, what))
