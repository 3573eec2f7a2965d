"""reverse_sweep: the reverse pass node by node, agreeing with backward to the last bit."""

from __future__ import annotations

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
