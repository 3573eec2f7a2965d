"""First derivatives of every op agree with finite differences, and gradcheck tells right from wrong."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd
from autograd import Value, gradcheck
from engine_cases import ALL, Case, close, five_point_derivative, partial

FEW = settings(max_examples=60, deadline=None)


def points(case: Case) -> st.SearchStrategy[list[float]]:
    """Hypothesis points inside the case's smooth domain, one float per input."""
    per_input = [
        st.one_of([st.floats(lo, hi, allow_nan=False, allow_infinity=False) for lo, hi in domain])
        for domain in case.domains
    ]
    return st.tuples(*per_input).map(list)


def assert_gradient_matches_differences(case: Case, point: list[float]) -> None:
    leaves = [Value(p) for p in point]
    out = case.apply(*leaves)
    out.backward()
    for i, leaf in enumerate(leaves):
        numeric = five_point_derivative(partial(case, point, i), point[i])
        assert close(leaf.grad, numeric, scale=abs(out.data), rel=1e-9), (case.name, point, i, leaf.grad, numeric)


@pytest.mark.parametrize("case", ALL, ids=lambda c: c.name)
def test_gradient_of_each_op_matches_central_differences(case: Case) -> None:
    @FEW
    @given(points(case))
    def check(point: list[float]) -> None:
        assert_gradient_matches_differences(case, point)

    check()


def test_every_op_in_the_table_has_a_gradient_case() -> None:
    covered = {case.op_name() for case in ALL}
    assert set(autograd.OPS) <= covered, f"ops without a test case: {sorted(set(autograd.OPS) - covered)}"


@pytest.mark.parametrize("case", ALL, ids=lambda c: c.name)
def test_grad_returns_what_backward_accumulates(case: Case) -> None:
    point = [sum(domain[-1]) / 2 for domain in case.domains]
    leaves = [Value(p) for p in point]
    out = case.apply(*leaves)
    returned = autograd.grad(out, leaves)
    out.backward()
    assert returned == [leaf.grad for leaf in leaves]


def test_gradcheck_passes_on_a_smooth_function() -> None:
    report = gradcheck(lambda x, y: (x * y).tanh() + x.exp() / y, [0.3, 1.7])
    assert report.passed and bool(report)
    assert report.worst < 1e-8
    assert [c.index for c in report.inputs] == [0, 1]


def test_gradcheck_reports_a_graph_cut_by_reading_data() -> None:
    # Reading .data turns the second factor into a constant, so backward misses half of d(x²)/dx.
    report = gradcheck(lambda x: x * Value(x.data), [3.0])
    assert not report.passed
    (check,) = report.inputs
    assert check.analytic == 3.0
    assert check.numeric == pytest.approx(6.0, rel=1e-8)
    assert "FAILED" in str(report)


def test_gradcheck_reports_a_kink_where_the_one_sided_derivatives_differ() -> None:
    report = gradcheck(lambda x: x.relu(), [0.0])
    assert not report.passed
    assert report.inputs[0].analytic == 0.0
    assert report.inputs[0].numeric == pytest.approx(0.5)


def test_gradcheck_keeps_input_labels_in_its_report() -> None:
    report = gradcheck(lambda w, b: w * 2.0 + b, [Value(1.0, label="w"), Value(0.0, label="b")])
    assert [c.label for c in report.inputs] == ["w", "b"]
    assert "passed" in str(report) and "w" in str(report)


@pytest.mark.parametrize(
    ("f", "inputs", "kwargs", "error", "words"),
    [
        (42, [1.0], {}, TypeError, "callable"),
        (lambda x: x, ["1"], {}, TypeError, "gradcheck input 0"),
        (lambda x: x, [1.0], {"eps": 0.0}, ValueError, "eps"),
        (lambda x: x.data, [1.0], {}, TypeError, "must return a Value"),
    ],
    ids=["not-callable", "string-input", "zero-eps", "returns-float"],
)
def test_gradcheck_rejects_bad_arguments_by_name(f, inputs, kwargs, error, words) -> None:
    with pytest.raises(error, match=words):
        gradcheck(f, inputs, **kwargs)


@pytest.mark.parametrize("x0", [-1.0, -15.0, -30.0, -700.0])
@pytest.mark.parametrize("alpha", [1.0, 0.5])
def test_elu_slope_keeps_full_relative_precision_far_below_zero(x0: float, alpha: float) -> None:
    x = Value(x0)
    assert autograd.grad(x.elu(alpha), x) == pytest.approx(alpha * math.exp(x0), rel=1e-15)


@pytest.mark.parametrize("x", [0.3, -0.7, 1.5, 3.0, -8.0, 12.0, 19.0, 25.0, 300.0])
def test_tanh_gradient_is_correct_to_the_last_digits_in_the_tails_too(x):
    from decimal import Decimal, getcontext

    getcontext().prec = 50
    e = Decimal(x).exp() + (-Decimal(x)).exp()
    exact = 4 / (e * e)  # sech²x
    v = Value(x)
    v.tanh().backward()
    assert abs(Decimal(v.grad) - exact) / exact < Decimal("4e-16")


def test_sigmoid_gradient_is_correct_to_the_last_digits_in_the_tails_too():
    from decimal import Decimal, getcontext

    getcontext().prec = 50
    for x in (-40.0, -5.0, 5.0, 40.0, 700.0):
        t = (-Decimal(abs(x))).exp()
        exact = t / (1 + t) ** 2  # σ(x)·σ(−x)
        v = Value(x)
        v.sigmoid().backward()
        assert abs(Decimal(v.grad) - exact) / exact < Decimal("4e-16"), x


def test_tanh_second_derivative_in_the_tail_matches_the_closed_form():
    x = Value(3.0)
    (d1,) = autograd.grad(x.tanh(), [x], create_graph=True)
    t = math.tanh(3.0)
    assert autograd.grad(d1, x) == pytest.approx(-2 * t * (1 - t * t), rel=1e-12)
