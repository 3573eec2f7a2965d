"""Derivatives of derivatives: grad(create_graph=True) returns Values that differentiate again."""

from __future__ import annotations

import math
import random

import pytest

from autograd import Value, grad
from engine_cases import ALL, Case, close, five_point_derivative, sample


def derivative(f, x: Value, order: int):
    """The order-th derivative of f at x, as a Value (each step keeps the graph)."""
    y = f(x)
    for _ in range(order):
        y = grad(y, x, create_graph=True)
    return y


def test_second_derivative_of_x_cubed_at_2_is_12() -> None:
    assert derivative(lambda x: x ** 3, Value(2.0), 2).data == 12.0


def test_third_derivative_of_x_to_the_fourth_is_24x() -> None:
    for x0 in (-1.5, 0.5, 2.0):
        assert derivative(lambda x: x ** 4, Value(x0), 3).data == pytest.approx(24 * x0, rel=1e-15)


def test_fourth_and_fifth_derivatives_of_x_to_the_fourth_are_24_and_0() -> None:
    x = Value(1.3)
    fourth = derivative(lambda v: v ** 4, x, 4)
    assert fourth.data == pytest.approx(24.0, rel=1e-15)
    assert grad(fourth, x) == 0.0


def _sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x))


SECOND_DERIVATIVES = {
    "sin": (lambda x: x.sin(), lambda x: -math.sin(x)),
    "exp": (lambda x: x.exp(), math.exp),
    "tanh": (lambda x: x.tanh(), lambda x: -2 * math.tanh(x) * (1 - math.tanh(x) ** 2)),
    "sigmoid": (lambda x: x.sigmoid(), lambda x: _sigmoid(x) * (1 - _sigmoid(x)) * (1 - 2 * _sigmoid(x))),
}


@pytest.mark.parametrize("name", sorted(SECOND_DERIVATIVES))
@pytest.mark.parametrize("x0", [-2.0, -0.4, 0.0, 0.7, 3.0])
def test_second_derivative_matches_its_closed_form(name: str, x0: float) -> None:
    f, closed = SECOND_DERIVATIVES[name]
    assert derivative(f, Value(x0), 2).data == pytest.approx(closed(x0), rel=1e-12, abs=1e-15)


def test_newtons_method_finds_the_minimum_of_a_quartic() -> None:
    # f(x) = x⁴ − 3x³ + 2 has its minimum at x = 9/4, where f'' = 27/4 > 0.
    x = 3.0
    for _ in range(12):
        v = Value(x)
        slope = grad(v ** 4 - 3 * v ** 3 + 2, v, create_graph=True)
        curvature = grad(slope, v)
        x -= slope.data / curvature
    assert x == pytest.approx(2.25, rel=1e-14)


def test_first_derivative_with_create_graph_equals_the_plain_one() -> None:
    rng = random.Random(5)
    for case in ALL:
        point = [sample(domain, rng) for domain in case.domains]
        leaves = [Value(p) for p in point]
        out = case.apply(*leaves)
        symbolic = grad(out, leaves, create_graph=True)
        plain = grad(out, leaves)
        assert [g.data for g in symbolic] == pytest.approx(plain, rel=1e-14, abs=1e-300), case.name


def _plain_slope(case: Case, t: float) -> float:
    x = Value(t)
    return grad(case.apply(x), x)


@pytest.mark.parametrize("case", [c for c in ALL if c.arity == 1], ids=lambda c: c.name)
def test_second_derivative_of_each_unary_op_matches_differences_of_its_first(case: Case) -> None:
    rng = random.Random(case.name)
    for _ in range(25):
        x0 = sample(case.domains[0], rng)
        x = Value(x0)
        first = grad(case.apply(x), x, create_graph=True)
        second = grad(first, x, allow_unused=True)  # a constant slope (x + 2.5) has no graph
        numeric = five_point_derivative(lambda t: _plain_slope(case, t), x0)
        assert close(second, numeric, scale=abs(first.data), rel=1e-9), (case.name, x0, second, numeric)


def test_mixed_second_partials_are_symmetric() -> None:
    a, b = Value(0.7), Value(-1.2)
    f = (a * b).sin() + a ** 2 * b.exp()
    da, db = grad(f, [a, b], create_graph=True)
    assert grad(da, b) == pytest.approx(grad(db, a), rel=1e-14)


def test_grad_with_create_graph_leaves_every_grad_field_untouched() -> None:
    x = Value(0.5)
    y = (x * x).tanh()
    first = grad(y, x, create_graph=True)
    grad(first, x)
    assert x.grad == 0.0 and y.grad == 0.0
