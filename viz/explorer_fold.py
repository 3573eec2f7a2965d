"""The explorer's folded views of a graph built with ``nn``: one card per neuron or per layer (and one for
the per-sample terms of a wide sum), the rule ``draw(collapse=...)`` follows (``viz.grouping.Grouping``),
with single groups opened on request.

What folds depends only on the graph's structure and the fold state, so it is computed once per
(structure, level, opened groups) and cached; the numbers a folded card shows are added per snapshot.
"""

from __future__ import annotations

import hashlib
import math
import threading
from collections import OrderedDict
from typing import Any, Iterable, Mapping

from autograd import Value

from .cards import term_formula
from .grouping import Grouping
from .quoting import quoted
from .walk import is_parameter

LEVELS = ("none", "neuron", "layer")
AUTO_FOLD_NODES = 60      # "auto": a graph with nn groups and more nodes than this starts folded
AUTO_NEURON_CARDS = 160   # ... by neuron when that leaves at most this many cards to draw, else by layer


def check_level(level: Any) -> str:
    """A fold level as the snapshot takes it: ``"none"``, ``"neuron"``, ``"layer"`` or ``"auto"``.

    >>> check_level("layer")
    'layer'
    """
    if level not in (*LEVELS, "auto"):
        raise ValueError(f"fold must be one of none, neuron, layer, auto; got {quoted(level)}")
    return level


def fold_fields(order: list[Value], output: Value, index: Mapping[Value, int], names: Mapping[Value, str],
                structure: str, level: str, expanded: Iterable[str]) -> dict[str, Any] | None:
    """The snapshot's structural ``fold`` field for this fold state, None for a graph with nothing to fold.

    >>> import nn
    >>> from autograd import topological_order
    >>> from viz.naming import short_names
    >>> out = nn.MLP(2, [2, 1], seed=0)([1.0, 2.0]); order = topological_order(out)
    >>> f = fold_fields(order, out, {v: i for i, v in enumerate(order)}, short_names(order), "s", "layer", [])
    >>> f["levels"], [g["key"] for g in f["groups"]]
    (['neuron', 'layer'], ['L1', 'L2'])
    """
    counts, known = _level_counts(order, output, structure)
    if not counts:
        return None
    if level == "auto":
        level = _auto_level(len(order), counts)
    if level not in counts:
        level = "none"
    opened = _opened(expanded, known) if level != "none" else ()
    cache_key = (structure, level, opened)
    with _lock:
        found = _FOLDS.get(cache_key)
    if found is None:
        found = _folds(order, output, index, names, level, opened)
        found["levels"] = list(counts)
        with _lock:
            _FOLDS[cache_key] = found
            while len(_FOLDS) > 32:
                _FOLDS.popitem(last=False)
    return found


def layout_key(structure: str, fold: dict[str, Any] | None) -> str:
    """The key of a snapshot's picture: its structure, and the fold state when something is folded."""
    if fold is None or fold["level"] == "none":
        return structure
    state = fold["level"] + "|" + "\n".join(fold["open"])
    return f"{structure}-{hashlib.sha1(state.encode('utf-8')).hexdigest()[:8]}"


def fold_numbers(fold: dict[str, Any], nodes: list[dict[str, Any]]) -> dict[str, Any]:
    """``fold`` with each group's numbers read from the snapshot's nodes: its one output's ``data`` and
    ``grad`` (a sum of folded terms: the sum of their data), and ``param_grad``, the length
    √(Σ grad²) of its parameters' gradients (None where it has none or one is undefined)."""
    groups = []
    for group in fold["groups"]:
        outs = [nodes[i] for i in group["outputs"]]
        data = grad = None
        if group["kind"] == "terms":
            values = [o["data"] for o in outs]
            data = None if None in values else math.fsum(values)
        elif len(outs) == 1:
            data, grad = outs[0]["data"], outs[0]["grad"]
        grads = [nodes[i]["grad"] for i in group["params"]]
        size = None if not grads or None in grads else math.sqrt(math.fsum(g * g for g in grads))
        groups.append({**group, "data": data, "grad": grad, "param_grad": size})
    return {**fold, "groups": groups}


def _folds(order: list[Value], output: Value, index: Mapping[Value, int], names: Mapping[Value, str],
           level: str, opened: tuple[str, ...]) -> dict[str, Any]:
    """The groups of one fold state: what each folds, what it sends out, its parameters, a short detail."""
    grouping = Grouping(order, [output], None if level == "none" else level, False, expanded=opened)
    groups = []
    for key in grouping.keys:
        members = grouping.members[key]
        outs = grouping.results_of(key) or members[-1:]
        params = [m for m in members if is_parameter(m)]
        if key in grouping.terms:
            kind, detail = "terms", f"each {term_formula(outs[0], members, names, grouping)}"
        else:
            kind, detail = ("layer" if "." not in key else "neuron"), grouping.detail_of(key)
        groups.append({"id": grouping.node_id(key), "key": key, "kind": kind, "detail": detail,
                       "members": [index[m] for m in members], "outputs": [index[o] for o in outs],
                       "params": [index[p] for p in params]})
    return {"level": level, "open": list(opened), "groups": groups}


def _level_counts(order: list[Value], output: Value, structure: str) -> tuple[dict[str, int], frozenset[str]]:
    """Per level that folds some nn group of this graph, how many cards its folded picture draws; and
    every key a group of it can be opened by (its tags' dotted prefixes, its wide sums' terms)."""
    with _lock:
        found = _COUNTS.get(structure)
    if found is None:
        counts, known = {}, set()
        for level in ("neuron", "layer"):
            grouping = Grouping(order, [output], level, False)
            known.update(grouping.terms)
            if any(key not in grouping.terms for key in grouping.keys):
                counts[level] = grouping.drawn_count
        for tag in {v.group for v in order if v.group}:
            parts = tag.split(".")
            known.update(".".join(parts[:k]) for k in range(1, len(parts) + 1))
        found = counts, frozenset(known)
        with _lock:
            _COUNTS[structure] = found
            while len(_COUNTS) > 32:
                _COUNTS.popitem(last=False)
    return found


def _opened(expanded: Iterable[str], known: frozenset[str]) -> tuple[str, ...]:
    """The distinct groups asked to be open that this graph has, sorted (a set lookup per name, so a
    request naming thousands costs little).

    >>> _opened(["L2", "L1", "L2", "12345 terms"], frozenset({"L1", "L2"}))
    ('L1', 'L2')
    """
    return tuple(sorted(known.intersection(expanded)))


def _auto_level(size: int, counts: dict[str, int]) -> str:
    if size <= AUTO_FOLD_NODES:
        return "none"
    if counts.get("neuron", AUTO_NEURON_CARDS + 1) <= AUTO_NEURON_CARDS:
        return "neuron"
    return "layer" if "layer" in counts else "neuron"


_FOLDS: OrderedDict[tuple, dict[str, Any]] = OrderedDict()
_COUNTS: OrderedDict[str, tuple[dict[str, int], frozenset[str]]] = OrderedDict()
_lock = threading.Lock()
