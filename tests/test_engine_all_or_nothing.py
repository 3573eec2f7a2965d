"""A backward pass that fails changes no ``.grad`` at all, and later passes work."""

from __future__ import annotations

import math

import pytest

from autograd import Value, topological_order


def grads_of(out: Value) -> list[float]:
    return [v.grad for v in topological_order(out)]


def test_backward_that_fails_midway_changes_no_grad() -> None:
    x = Value(2.0, label="x")
    x.grad = 5.0
    out = Value(0).sqrt() + x * 3
    (x * 7).backward()  # x.grad 12 now; out's inner nodes hold stale gradients from nowhere: 0
    before = grads_of(out)
    with pytest.raises(ValueError, match=r"derivative of sqrt\(0.0\) is undefined or infinite"):
        out.backward()
    assert grads_of(out) == before and x.grad == 12.0


def test_backward_that_fails_restores_intermediate_gradients_of_an_earlier_pass() -> None:
    x = Value(0.5)
    inner = x * 2
    out = inner.sqrt()
    out.backward()
    before = grads_of(out)
    x.data = 0.0  # now the sqrt's derivative is infinite, its inputs changed under it
    inner.data = 0.0
    out.data = 0.0
    with pytest.raises(ValueError, match="undefined or infinite"):
        out.backward()
    assert grads_of(out) == before


def test_backward_with_a_non_finite_leaf_gradient_changes_no_grad_and_later_passes_work() -> None:
    w, v = Value(1e-320, label="w"), Value(1.0, label="v")
    with pytest.raises(ValueError, match=r"non-finite gradient inf for the leaf with data 1e-320 \(label 'w'\)"):
        (w.log() + v * 5).backward()
    assert (w.grad, v.grad) == (0.0, 0.0)
    (w * 2 + v * 5).backward()
    assert (w.grad, v.grad) == (2.0, 5.0)


def test_a_failed_backward_does_not_undo_gradients_accumulated_before() -> None:
    x = Value(3.0)
    (x * x).backward()
    with pytest.raises(ValueError):
        (Value(0.0).sqrt() * x).backward()
    assert x.grad == 6.0
    (x * x).backward()
    assert x.grad == 12.0


def test_leaf_gradients_accumulate_as_the_sum_of_the_new_pass() -> None:
    x = Value(0.1)
    x.grad = 1e16
    y = x * 3 + x * 5
    y.backward()
    assert x.grad == 1e16 + 8.0  # the new pass's total is added once, as PyTorch does
    assert math.isfinite(x.grad)


@pytest.mark.parametrize("exponent", [0, 1, 2, 3])
def test_power_at_zero_has_the_derivative_of_the_rule(exponent: int) -> None:
    x = Value(0.0)
    (x ** exponent).backward()
    assert x.grad == (1.0 if exponent == 1 else 0.0)


def test_power_zero_at_zero_gives_zero_through_every_executor() -> None:
    from autograd import grad, parse

    x = Value(0.0)
    (first,) = grad(x ** 0, [x], create_graph=True)
    assert first == 0.0 or first.data == 0.0
    assert grad(x ** 0.0, x) == 0.0
    out = parse("x**0 + x").evaluate(x=0.0)
    out.backward()
    assert out.parents[0].parents[0].grad == 1.0


def test_square_root_at_zero_still_fails_clearly() -> None:
    x = Value(0.0)
    with pytest.raises(ValueError, match="powc"):
        (x ** 0.5).backward()
    assert x.grad == 0.0
