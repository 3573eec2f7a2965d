"""reverse_sweep: the reverse pass node by node, agreeing with backward to the last bit."""

from __future__ import annotations

import math
import random

import pytest

import autograd
from autograd import Value, local_gradients, reverse_sweep, topological_order


def random_graph(seed: int) -> tuple[list[Value], Value]:
    rng = random.Random(seed)
    leaves = [Value(rng.uniform(-1, 1), label=f"x{i}") for i in range(5)]
    pool = list(leaves)
    for _ in range(40):
        a, b = rng.choice(pool), rng.choice(pool)
        kind = rng.randrange(7)
        y = [a + b, a * b, (a * 0.5).tanh(), a - b * 2, (a * a + 1).log(), autograd.dot([a, b], [b, a]),
             autograd.sum([a, b, a])][kind]
        pool.append(y)
    return leaves, autograd.sum(pool[-6:])


@pytest.mark.parametrize("seed", range(8))
def test_sweep_gradients_equal_backward_to_the_last_bit(seed: int) -> None:
    leaves, out = random_graph(seed)
    swept = {step.node: step.grad for step in reverse_sweep(out)}
    assert all(v.grad == 0.0 for v in topological_order(out))  # the sweep touches no .grad
    out.backward()
    assert all(swept[v] == v.grad for v in topological_order(out))


def test_sweep_visits_output_first_children_before_parents_and_leaves_last() -> None:
    leaves, out = random_graph(0)
    steps = list(reverse_sweep(out, grad=2.0))
    assert steps[0].node is out and steps[0].grad == 2.0
    position = {step.node: i for i, step in enumerate(steps)}
    assert len(position) == len(topological_order(out))
    for step in steps:
        assert all(position[p] > position[step.node] for p in step.node.parents)
    assert all(s.node.is_leaf == (s.contributions == ()) for s in steps)
    first_leaf = min(i for i, s in enumerate(steps) if s.node.is_leaf)
    assert all(s.node.is_leaf for s in steps[first_leaf:])


def test_each_gradient_is_the_sum_of_the_contributions_sent_to_the_node_in_order() -> None:
    leaves, out = random_graph(3)
    received: dict[Value, float] = {}
    for step in reverse_sweep(out):
        if step.node is not out:
            assert step.grad == received[step.node]
        assert len(step.contributions) == len(step.node.parents)
        assert step.contributions == local_gradients(step.node, upstream=step.grad)
        for p, c in zip(step.node.parents, step.contributions):
            received[p] = received[p] + c if p in received else c


def test_sweep_of_a_leaf_is_the_seed_alone_and_bad_input_is_refused() -> None:
    x = Value(1.0)
    assert [(s.node, s.grad, s.contributions) for s in reverse_sweep(x, 3.0)] == [(x, 3.0, ())]
    with pytest.raises(TypeError, match="reverse_sweep needs a Value"):
        list(reverse_sweep(1.0))
    with pytest.raises(ValueError, match="undefined or infinite"):
        list(reverse_sweep(Value(0.0).sqrt()))


def test_sweep_and_backward_agree_on_the_sign_of_a_zero_gradient() -> None:
    # d(a*b)/db = a = -0.0: one loop adds it to a fresh 0.0 for every caller, so all give +0.0.
    a, b = Value(-0.0, label="a"), Value(2.0, label="b")
    out = a * b
    swept = {s.node: s.grad for s in reverse_sweep(out)}
    (from_grad,) = autograd.grad(out, [b])
    out.backward()
    assert math.copysign(1.0, swept[b]) == math.copysign(1.0, from_grad) == math.copysign(1.0, b.grad) == 1.0


def test_backward_grad_and_the_sweep_all_run_the_one_loop(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[bool] = []
    real = autograd.sweep.propagate

    def counting(inner, m=autograd.float_math, symbolic=False, record=None):
        calls.append(symbolic)
        return real(inner, m, symbolic, record)

    monkeypatch.setattr(autograd.sweep, "propagate", counting)
    leaves, out = random_graph(1)
    out.backward()
    autograd.grad(out, leaves, allow_unused=True)
    autograd.grad(out, leaves, create_graph=True, allow_unused=True)
    list(reverse_sweep(out))
    assert calls == [False, False, True, False]


def test_a_sweep_leaves_every_grad_as_it_found_it_even_when_a_rule_fails() -> None:
    leaves, out = random_graph(2)
    out.backward()
    before = {v: v.grad for v in topological_order(out)}
    list(reverse_sweep(out, grad=3.0))
    autograd.grad(out, leaves, create_graph=True, allow_unused=True)
    assert {v: v.grad for v in topological_order(out)} == before
    x = Value(0.0)
    x.grad = 4.0
    bad = x.sqrt() * 2
    bad.grad = 7.0
    with pytest.raises(ValueError, match="undefined or infinite"):
        list(reverse_sweep(bad))
    assert (x.grad, bad.grad) == (4.0, 7.0)


def test_create_graph_keeps_a_first_contribution_as_it_is() -> None:
    # No `0 + g` node: the derivative of exp(x) is exactly the rule's one product, seed × exp(x).
    x = Value(0.5)
    y = x.exp()
    dy = autograd.grad(y, x, create_graph=True)
    assert dy.op.name == "mul" and y in dy.parents
    assert [v.op.name for v in topological_order(dy) if v.op] == ["exp", "mul"]
