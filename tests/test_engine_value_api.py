"""The Value's everyday surface: numbers it accepts, repr, in-place operators, no_grad, sum and dot."""

from __future__ import annotations

import math

import numpy as np
import pytest

import autograd
from autograd import Value, enable_grad, grad, is_grad_enabled, no_grad


@pytest.mark.parametrize(
    "number",
    [np.float64(2.5), np.float32(2.5), np.int64(3), np.bool_(True), True, 7],
    ids=["float64", "float32", "int64", "bool_", "bool", "int"],
)
def test_value_accepts_python_and_numpy_real_scalars_as_floats(number) -> None:
    v = Value(number)
    assert type(v.data) is float
    assert v.data == float(number)


@pytest.mark.parametrize("scalar", [np.float64(2.0), np.float32(2.0), np.int64(2)], ids=["float64", "float32", "int64"])
def test_numpy_scalar_on_the_left_gives_a_value(scalar) -> None:
    x = Value(3.0)
    for result in (scalar * x, scalar + x, scalar - x, scalar / x, scalar ** x):
        assert isinstance(result, Value)
    y = scalar * x
    y.backward()
    assert (y.data, x.grad) == (6.0, 2.0)


def test_repr_shows_data_grad_and_label() -> None:
    assert repr(Value(2.0, label="x")) == "Value(data=2.0, grad=0.0, label='x')"
    assert repr(Value(2)) == "Value(data=2.0, grad=0.0)"


def test_float_and_comparisons_use_the_data() -> None:
    a, b = Value(1.5), Value(2.5)
    assert float(a) == 1.5
    assert a < b and b > a and a <= 1.5 and b >= 2.5 and a < 2
    assert max([a, b]) is b


def test_values_hash_by_identity() -> None:
    a, b = Value(1.0), Value(1.0)
    assert len({a, b}) == 2
    assert a != b and a == a


def test_in_place_operators_build_new_nodes_and_leave_the_original_alone() -> None:
    x = Value(2.0, label="x")
    y = x
    y += 1
    y *= 3
    y -= 1
    y /= 2
    y **= 2
    assert x.data == 2.0 and x.is_leaf and y is not x
    assert y.data == 16.0
    y.backward()
    assert x.grad == 2 * 4.0 * 1.5  # d/dx ((3(x+1) − 1)/2)² = 2·((3(x+1) − 1)/2)·3/2


def test_value_to_the_power_of_a_value_differentiates_in_both() -> None:
    a, b = Value(2.0), Value(3.0)
    y = a ** b
    y.backward()
    assert y.data == 8.0
    assert a.grad == 12.0
    assert b.grad == pytest.approx(8 * math.log(2), rel=1e-15)


def test_number_to_the_power_of_a_value_is_an_exponential() -> None:
    x = Value(3.0)
    y = 2 ** x
    y.backward()
    assert y.data == 8.0
    assert x.grad == pytest.approx(8 * math.log(2), rel=1e-15)


def test_no_grad_results_record_no_parents() -> None:
    x = Value(2.0)
    with no_grad():
        y = (x * x).exp() + autograd.sum([x, x])
        assert not is_grad_enabled()
    assert y.is_leaf and y.parents == () and y.op is None
    assert y.data == pytest.approx(math.exp(4) + 4)
    assert is_grad_enabled()


def test_no_grad_restores_recording_after_an_exception() -> None:
    with pytest.raises(ZeroDivisionError):
        with no_grad():
            Value(1.0) / 0
    assert is_grad_enabled()
    assert not (Value(1.0) * 2).is_leaf


def test_enable_grad_records_inside_no_grad_and_restores_it_after() -> None:
    x = Value(2.0)
    with no_grad():
        with enable_grad():
            y = x * x
        z = x * x
        assert not is_grad_enabled()
    assert y.parents == (x, x) and z.is_leaf


def test_no_grad_works_as_a_decorator() -> None:
    @no_grad()
    def predict(v: Value) -> Value:
        return v.tanh()

    assert predict(Value(0.5)).is_leaf
    assert is_grad_enabled()


def test_sum_makes_one_node_with_one_parent_per_item() -> None:
    values = [Value(float(i)) for i in range(5)]
    s = autograd.sum(values)
    assert s.op.name == "sum" and s.parents == tuple(values)
    assert all(not p.parents or p.op.name != "sum" for p in s.parents)
    s.backward()
    assert [v.grad for v in values] == [1.0] * 5


def test_sum_accepts_numbers_among_values_and_counts_repeats() -> None:
    a = Value(1.5)
    s = autograd.sum([a, 2, a, np.float64(0.5)])
    assert s.data == 5.5 and len(s.parents) == 4
    s.backward()
    assert a.grad == 2.0


def test_sum_and_dot_of_plain_numbers_are_floats() -> None:
    assert autograd.sum([1, 2.5]) == 3.5 and type(autograd.sum([])) is float
    assert autograd.dot([1, 2], [3, 4]) == 11.0 and type(autograd.dot([], [])) is float


def test_dot_of_two_value_lists_is_one_node_with_weights_then_inputs_as_parents() -> None:
    ws, xs = [Value(1.0), Value(-2.0)], [Value(3.0), Value(0.5)]
    y = autograd.dot(ws, xs)
    assert y.op.name == "dot" and y.parents == (*ws, *xs)
    assert y.data == 2.0
    y.backward()
    assert [v.grad for v in ws + xs] == [3.0, 0.5, 1.0, -2.0]


@pytest.mark.parametrize("values_first", [True, False], ids=["dot(values, numbers)", "dot(numbers, values)"])
def test_dot_with_one_side_plain_numbers_stores_them_as_constants(values_first: bool) -> None:
    ws = [Value(0.0), Value(1.0)]
    y = autograd.dot(ws, [2, 3]) if values_first else autograd.dot([2, 3], ws)
    assert y.op.name == "dotc" and y.parents == tuple(ws) and y.op_arg == (2.0, 3.0)
    y.backward()
    assert (y.data, [w.grad for w in ws]) == (3.0, [2.0, 3.0])


def test_dot_mixing_values_and_numbers_on_one_side_still_makes_one_node() -> None:
    w = Value(2.0)
    y = autograd.dot([w, 1.0], [Value(3.0), 4.0])
    assert y.data == 10.0
    assert grad(y, w) == 3.0
    assert sum(1 for v in autograd.topological_order(y) if not v.is_leaf) == 1


@pytest.mark.parametrize(
    ("call", "error", "words"),
    [
        (lambda: autograd.dot([Value(1.0)], [1.0, 2.0]), ValueError, "equal length.*1 and 2"),
        (lambda: autograd.dot(Value(1.0), [1.0]), TypeError, "iterable"),
        (lambda: autograd.dot([Value(1.0)], 3), TypeError, "iterable"),
        (lambda: autograd.dot([Value(1.0)], ["a"]), TypeError, "str"),
        (lambda: autograd.sum(3), TypeError, "iterable"),
        (lambda: autograd.sum("ab"), TypeError, "iterable"),
        (lambda: autograd.sum([Value(1.0), None]), TypeError, "NoneType"),
        (lambda: autograd.sum([Value(1.0), math.nan]), ValueError, "finite"),
    ],
    ids=["lengths", "dot-Value", "dot-int", "dot-str-item", "sum-int", "sum-str", "sum-None", "sum-nan"],
)
def test_sum_and_dot_reject_bad_arguments(call, error, words) -> None:
    with pytest.raises(error, match=words):
        call()


@pytest.mark.parametrize(
    ("name", "x0", "expected"),
    [("exp", 0.0, 1.0), ("log", 1.0, 0.0), ("sqrt", 4, 2.0), ("sigmoid", 0, 0.5), ("tanh", 0, 0.0),
     ("relu", -1, 0.0), ("softplus", 0, math.log(2)), ("erf", 0, 0.0), ("sign", -3, -1.0)],
)
def test_module_functions_accept_plain_numbers_and_return_floats(name: str, x0, expected: float) -> None:
    result = getattr(autograd, name)(x0)
    assert type(result) is float and result == expected


def test_module_functions_on_values_record_the_same_op_as_the_methods() -> None:
    x = Value(0.3)
    for name in ("exp", "log", "sqrt", "sin", "cos", "tan", "tanh", "sigmoid", "relu", "gelu", "softplus", "silu", "erf"):
        via_function, via_method = getattr(autograd, name)(x), getattr(x, name)()
        assert via_function.op is via_method.op and via_function.data == via_method.data


def test_leaky_relu_and_elu_keep_their_constant_in_op_arg() -> None:
    x = Value(-2.0)
    assert x.leaky_relu(0.2).op_arg == 0.2 and x.leaky_relu(0.2).data == pytest.approx(-0.4)
    assert x.elu(0.5).op_arg == 0.5 and x.elu(0.5).data == pytest.approx(0.5 * math.expm1(-2))
    assert (x ** 3).op_arg == 3.0


def test_sign_is_zero_at_zero_by_default_and_takes_the_value_at_zero_as_its_op_arg():
    assert Value(0.0).sign().data == 0.0
    assert Value(0.0).sign(at_zero=-1.0).data == -1.0
    assert autograd.sign(0.0, at_zero=1) == 1.0
    assert autograd.sign(-0.5) == -1.0
    x = Value(0.0)
    y = x.sign(at_zero=-1.0) * 3
    y.backward()
    assert x.grad == 0.0
    with pytest.raises(TypeError, match="at_zero"):
        Value(1.0).sign(at_zero="low")
