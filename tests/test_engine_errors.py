"""Bad input fails early with a message in the user's terms; extreme but valid input stays finite."""

from __future__ import annotations

import math
import re

import pytest

import autograd
from autograd import Value, grad


@pytest.mark.parametrize(
    ("data", "error", "words"),
    [
        ("3", TypeError, "str"),
        (None, TypeError, "NoneType"),
        (1 + 2j, TypeError, "complex"),
        ([1], TypeError, "list"),
        (Value(1.0), TypeError, "not a Value"),
        (math.nan, ValueError, "finite"),
        (math.inf, ValueError, "finite"),
        (-math.inf, ValueError, "finite"),
    ],
    ids=["str", "None", "complex", "list", "Value", "nan", "inf", "-inf"],
)
def test_value_rejects_data_that_is_not_a_finite_real_number(data, error, words) -> None:
    with pytest.raises(error, match=words):
        Value(data)


def test_value_rejects_a_label_that_is_not_a_string() -> None:
    with pytest.raises(TypeError, match="label must be a str.*int"):
        Value(1.0, label=3)


@pytest.mark.parametrize(
    "operation",
    [lambda x: x + "a", lambda x: "a" + x, lambda x: x * None, lambda x: None * x, lambda x: x / [1],
     lambda x: x ** "2", lambda x: x - {}, lambda x: x < "a"],
    ids=["x+str", "str+x", "x*None", "None*x", "x/list", "x**str", "x-dict", "x<str"],
)
def test_arithmetic_with_a_non_number_is_a_type_error(operation) -> None:
    with pytest.raises(TypeError):
        operation(Value(2.0))


@pytest.mark.parametrize(
    "operation",
    [lambda x: x + math.nan, lambda x: math.inf * x, lambda x: x ** math.nan],
    ids=["x+nan", "inf*x", "x**nan"],
)
def test_arithmetic_with_a_non_finite_number_is_a_value_error(operation) -> None:
    with pytest.raises(ValueError, match="finite"):
        operation(Value(2.0))


@pytest.mark.parametrize(
    ("operation", "error", "op_name", "shown"),
    [
        (lambda: Value(0.0, label="z").log(), ValueError, "log(x) is undefined here", ["0.0", "'z'"]),
        (lambda: Value(-1.0, label="z").log(), ValueError, "log(x) is undefined here", ["-1.0", "'z'"]),
        (lambda: autograd.log(0), ValueError, "log(x) is undefined here", ["0.0"]),
        (lambda: Value(-1.0, label="s").sqrt(), ValueError, "√(x) is undefined here: sqrt(x) needs x >= 0", ["-1.0", "'s'"]),
        (lambda: autograd.sqrt(-1), ValueError, "√(x) is undefined here", ["-1.0"]),
        (lambda: Value(-8.0, label="b") ** 0.5, ValueError, "x^0.5 is undefined here", ["-8.0", "'b'"]),
        (lambda: (-8) ** Value(0.5, label="e"), ValueError, "(-8)^x is undefined here", ["0.5", "'e'"]),
        (lambda: autograd.power(-8, 0.5), ValueError, "x^0.5 is undefined here", ["-8.0"]),
        (lambda: Value(2.0, label="x") / 0, ZeroDivisionError, "x ÷ 0 is undefined here: division by zero", ["2.0", "'x'"]),
        (lambda: Value(2.0) / Value(0.0, label="d"), ZeroDivisionError, "a ÷ b is undefined here", ["0.0", "'d'"]),
        (lambda: 1 / Value(0.0, label="d"), ZeroDivisionError, "1 ÷ x is undefined here", ["0.0", "'d'"]),
        (lambda: 0 ** Value(-1.0, label="n"), ZeroDivisionError, "0^x is undefined here", ["-1.0", "'n'"]),
        (lambda: Value(0.0, label="z") ** -1, ZeroDivisionError, "x^-1 is undefined here", ["0.0", "'z'"]),
        (lambda: Value(1000.0, label="big").exp(), OverflowError, "exp(x) overflows", ["1000.0", "'big'"]),
        (lambda: autograd.exp(1000), OverflowError, "exp(x) overflows", ["1000.0"]),
        (lambda: Value(1e300, label="h") * 1e300, OverflowError, "x × 1e+300 gives inf", ["x is 1e+300, the Value labelled 'h'"]),
        (lambda: Value(2.0, label="t") ** 5000.0, OverflowError, "x^5000 overflows", ["2.0", "'t'"]),
    ],
    ids=[
        "log(0)", "log(-1)", "log(0) float", "sqrt(-1)", "sqrt(-1) float", "Value(-8)**0.5", "(-8)**Value(0.5)",
        "power(-8,0.5)", "x/0", "x/Value(0)", "1/Value(0)", "0**Value(-1)", "Value(0)**-1", "exp(1000)",
        "exp(1000) float", "overflowing product", "overflowing power",
    ],
)
def test_domain_errors_show_the_operation_the_value_and_the_label(operation, error, op_name, shown) -> None:
    with pytest.raises(error) as caught:
        operation()
    message = str(caught.value)
    assert op_name in message  # the operation as a learner writes it, never the table's internal name
    assert not re.search(r"\b(divc|rdivc|powc|rpowc|mulc)\b", message)
    for text in shown:
        assert text in message


def test_a_derivative_that_does_not_exist_is_a_clear_error_at_backward() -> None:
    # (−2)**b is defined for whole b, but d/db = (−2)**b · ln(−2) is not a real number.
    b = Value(3.0, label="b")
    y = Value(-2.0) ** b
    assert y.data == -8.0
    with pytest.raises(ValueError, match=r"backward.*pow.*-2\.0"):
        y.backward()


def test_sqrt_of_zero_is_fine_forward_but_its_infinite_slope_is_reported() -> None:
    x = Value(0.0, label="x")
    y = x.sqrt()
    assert y.data == 0.0
    with pytest.raises((ValueError, ArithmeticError), match="sqrt"):
        y.backward()


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "softplus", "gelu", "silu", "elu", "erf", "leaky_relu", "relu"])
@pytest.mark.parametrize("x0", [-1000.0, 1000.0])
def test_saturating_functions_stay_finite_with_finite_gradients_at_plus_minus_1000(name: str, x0: float) -> None:
    x = Value(x0)
    y = getattr(x, name)()
    y.backward()
    first = grad(y, x, create_graph=True)
    assert math.isfinite(y.data) and math.isfinite(x.grad)
    assert math.isfinite(first.data) and math.isfinite(grad(first, x, allow_unused=True))  # relu-like: f' is constant


@pytest.mark.parametrize(
    ("name", "x0", "value", "slope"),
    [
        ("sigmoid", -1000.0, 0.0, 0.0), ("sigmoid", 1000.0, 1.0, 0.0),
        ("softplus", -1000.0, 0.0, 0.0), ("softplus", 1000.0, 1000.0, 1.0),
        ("tanh", 1000.0, 1.0, 0.0), ("silu", 1000.0, 1000.0, 1.0), ("silu", -1000.0, 0.0, 0.0),
        ("gelu", 1000.0, 1000.0, 1.0), ("gelu", -1000.0, 0.0, 0.0), ("elu", -1000.0, -1.0, 0.0),
    ],
)
def test_saturating_functions_reach_their_limits(name: str, x0: float, value: float, slope: float) -> None:
    x = Value(x0)
    y = getattr(x, name)()
    y.backward()
    assert (y.data, x.grad) == (value, slope)


def test_backward_rejects_a_non_value_and_a_non_finite_seed() -> None:
    with pytest.raises(TypeError, match="float"):
        autograd.backward(3.0)
    with pytest.raises(ValueError, match="finite"):
        Value(1.0).exp().backward(grad=math.nan)


def test_grad_rejects_non_value_output_and_inputs_by_position() -> None:
    x = Value(1.0)
    with pytest.raises(TypeError, match="output"):
        grad(2.0, [x])
    with pytest.raises(TypeError, match=r"inputs\[1\]"):
        grad(x * x, [x, 2.0])


def test_zero_grad_rejects_a_non_value_by_position() -> None:
    with pytest.raises(TypeError, match="item 1"):
        autograd.zero_grad([Value(1.0), 1.0])


def test_topological_order_rejects_a_non_value() -> None:
    with pytest.raises(TypeError, match="list"):
        autograd.topological_order([Value(1.0)])


@pytest.mark.parametrize("bad", [3, None, b"x", ["x"]])
def test_assigning_a_label_that_is_not_a_string_is_refused_naming_the_value(bad) -> None:
    y = Value(1.0) * 2
    with pytest.raises(TypeError, match=f"label must be a str, got {type(bad).__name__}: {re.escape(repr(bad))}"):
        y.label = bad
    assert y.label == ""


@pytest.mark.parametrize("bad", [5, 1.5, ("layer1",)])
def test_assigning_a_group_that_is_not_a_string_or_none_is_refused_naming_the_value(bad) -> None:
    x = Value(1.0)
    with pytest.raises(TypeError, match=f"group must be a str or None, got {type(bad).__name__}: {re.escape(repr(bad))}"):
        x.group = bad
    x.group = "layer1.neuron1"
    x.group = None
    assert x.group is None


@pytest.mark.parametrize("use", [lambda v: v * 2, lambda v: v.exp(), lambda v: v + Value(1.0),
                                 lambda v: autograd.dot([v], [1.0])], ids=["mulc", "exp", "add", "dot"])
def test_a_non_number_assigned_to_data_is_named_at_the_next_op(use) -> None:
    v = Value(1.0, label="w")
    v.data = "3"  # .data is a plain slot (reading it is the hot path), so the op that uses it says what is wrong
    with pytest.raises(TypeError, match=r"the Value labelled 'w' has \.data = '3' \(str\); \.data must be a float"):
        use(v)
