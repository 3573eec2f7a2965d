"""Graph shape and backward semantics: ordered parents, repeated calls, depth, and freeing."""

from __future__ import annotations

import collections
import gc
import math
import sys
import weakref

import pytest

import autograd
from autograd import Value, backward, grad, topological_order, zero_grad


def small_graph():
    """x, w leaves; h intermediate; y output: y = tanh(w·x) · x."""
    x, w = Value(0.5, label="x"), Value(-1.5, label="w")
    h = (w * x).tanh()
    return x, w, h, h * x


def test_a_million_op_chain_backpropagates_at_the_default_recursion_limit() -> None:
    assert sys.getrecursionlimit() <= 1000  # nothing raised it for us
    x = Value(1.0)
    y = x
    for i in range(1_000_000):
        y = y + 1.0 if i % 2 else y * 1.0
    y.backward()
    assert x.grad == 1.0
    assert y.data == 500_001.0
    last = weakref.ref(y)
    del y
    assert last() is None  # freed by reference counting, without recursion


def test_grad_and_the_sweep_walk_a_deep_chain_without_recursion_and_restore_every_grad() -> None:
    # 100 times the recursion limit: grad and reverse_sweep run backward's iterative loop.
    x = Value(1.0)
    y = x
    for i in range(100_000):
        y = y + 1.0 if i % 2 else y * 1.0
    x.grad = 5.0
    assert autograd.grad(y, x) == 1.0 and x.grad == 5.0
    (last_step,) = collections.deque(autograd.reverse_sweep(y), maxlen=1)
    assert last_step.node is x and last_step.grad == 1.0 and x.grad == 5.0


def test_leaf_gradients_accumulate_across_backward_calls() -> None:
    x, w, h, y = small_graph()
    y.backward()
    once = (x.grad, w.grad)
    y.backward()
    assert (x.grad, w.grad) == (2 * once[0], 2 * once[1])


def test_intermediate_gradients_are_recomputed_not_doubled() -> None:
    x, w, h, y = small_graph()
    y.backward()
    first = h.grad
    y.backward()
    assert h.grad == first == x.data


def test_after_zero_grad_two_backward_calls_agree_exactly() -> None:
    x, w, h, y = small_graph()
    y.backward()
    first = (x.grad, w.grad, h.grad)
    zero_grad([x, w])
    y.backward()
    assert (x.grad, w.grad, h.grad) == first


def test_backward_seed_scales_every_gradient() -> None:
    x, w, h, y = small_graph()
    y.backward()
    unit = (x.grad, w.grad)
    zero_grad([x, w])
    y.backward(grad=2.0)
    assert (x.grad, w.grad) == (2 * unit[0], 2 * unit[1])


def test_backward_of_a_leaf_adds_the_seed_to_its_grad() -> None:
    x = Value(3.0)
    x.backward()
    backward(x, 2.5)
    assert x.grad == 3.5


def test_a_plus_a_keeps_both_parents_and_has_gradient_2() -> None:
    a = Value(3.0)
    s = a + a
    assert s.parents == (a, a)
    s.backward()
    assert a.grad == 2.0


def test_a_times_a_has_gradient_2a() -> None:
    a = Value(-1.25)
    (a * a).backward()
    assert a.grad == -2.5


@pytest.mark.parametrize("op", ["sub", "div", "pow"])
def test_binary_ops_keep_their_operands_in_order(op: str) -> None:
    a, b = Value(2.0), Value(3.0)
    apply = {"sub": lambda p, q: p - q, "div": lambda p, q: p / q, "pow": lambda p, q: p ** q}[op]
    forward, reverse = apply(a, b), apply(b, a)
    assert forward.op.name == reverse.op.name == op
    assert forward.parents == (a, b) and reverse.parents == (b, a)


def test_is_leaf_is_true_only_for_values_without_parents() -> None:
    x, w, h, y = small_graph()
    assert x.is_leaf and w.is_leaf
    assert not h.is_leaf and not y.is_leaf
    assert x.parents == ()


def test_topological_order_lists_each_value_once_after_its_parents() -> None:
    x, w, h, y = small_graph()
    order = topological_order(y)
    assert len(order) == len({id(v) for v in order}) == 5  # x, w, w·x, tanh, ·x
    position = {id(v): i for i, v in enumerate(order)}
    assert order[-1] is y
    for v in order:
        assert all(position[id(p)] < position[id(v)] for p in v.parents)


def test_grad_of_an_input_the_output_does_not_use_is_an_error_naming_it() -> None:
    x, w, h, y = small_graph()
    with pytest.raises(ValueError, match=r"inputs\[1\] \(label 'unused'\), data 9.0, is not used.*allow_unused=True"):
        grad(y, [x, Value(9.0, label="unused")])
    with pytest.raises(ValueError, match="the input, data 9.0, is not used"):
        grad(y, Value(9.0), create_graph=True)


def test_grad_allow_unused_gives_zero_for_an_input_the_output_does_not_use() -> None:
    x, w, h, y = small_graph()
    assert grad(y, [x, Value(9.0)], allow_unused=True)[1] == 0.0
    assert grad(y, Value(9.0), create_graph=True, allow_unused=True) == 0.0


def test_grad_accepts_an_intermediate_value_as_input() -> None:
    x, w, h, y = small_graph()
    assert grad(y, h) == x.data


def _track(values) -> list[weakref.ref]:
    return [weakref.ref(v) for v in values]


def test_graphs_are_freed_without_the_cycle_collector() -> None:
    gc.collect()
    gc.disable()
    try:
        x, w, h, y = small_graph()
        y.backward()
        first = grad(y, [x, w], create_graph=True)
        second = grad(first[0], [x, w], create_graph=True)
        refs = _track([x, w, h, y, *first, *second, *topological_order(second[0])])
        del x, w, h, y, first, second
        assert [r() for r in refs] == [None] * len(refs)
    finally:
        gc.enable()


def test_nary_graphs_and_no_grad_results_are_freed_without_the_cycle_collector() -> None:
    gc.collect()
    gc.disable()
    try:
        ws = [Value(float(i)) for i in range(4)]
        s = autograd.sum([autograd.dot(ws, [1.0, 2.0, 3.0, 4.0]), autograd.dot(ws, ws)])
        s.backward()
        with autograd.no_grad():
            inference = s * 2.0
        refs = _track([*ws, s, inference, *topological_order(s)])
        del ws, s, inference
        assert [r() for r in refs] == [None] * len(refs)
    finally:
        gc.enable()


def test_local_gradients_are_the_rule_at_the_node_and_scale_with_upstream():
    from autograd import local_gradients
    x, y = Value(2.0), Value(5.0)
    assert local_gradients(x / y) == (1 / 5.0, -2.0 / 25.0)
    assert local_gradients((x * 3).sin()) == (math.cos(6.0),)
    assert local_gradients(x) == ()
    z = x * y
    z.backward()
    assert local_gradients(z, upstream=z.grad) == (x.grad, y.grad)
    with pytest.raises(ValueError, match="sqrt"):
        local_gradients(Value(0.0).sqrt())
    with pytest.raises(TypeError, match="Value"):
        local_gradients(2.0)
