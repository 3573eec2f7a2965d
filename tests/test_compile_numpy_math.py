"""The numpy namespace mirrors float_math: the same names, the same numbers, elementwise over arrays."""

from __future__ import annotations

import inspect
import math
import re

import numpy as np
import pytest

from autograd import float_math, numpy_math, ops

PUBLIC = sorted(name for name, v in vars(float_math).items() if callable(v) and not name.startswith("_")
                and getattr(v, "__module__", "math") in ("math", "builtins", float_math.__name__))
POINTS = [-800.0, -30.0, -5.5, -1.0, -1e-3, -0.0, 0.0, 1e-3, 0.5, 1.0, 2.0, 7.25, 30.0, 800.0]


def test_every_float_math_name_exists_in_the_numpy_namespace() -> None:
    missing = [name for name in PUBLIC if not callable(getattr(numpy_math, name, None))]
    assert PUBLIC and not missing, missing


def test_every_name_a_rule_uses_exists_in_both_namespaces() -> None:
    used = set(re.findall(r"\bm\.(\w+)", inspect.getsource(ops)))
    assert {"exp", "sigmoid", "dot"} <= used
    assert not [n for n in used if not hasattr(float_math, n)]
    assert not [n for n in used if not hasattr(numpy_math, n)]


def _float_values(name: str, xs: list[float], *extra: float) -> list[float]:
    out = []
    for x in xs:
        try:
            out.append(getattr(float_math, name)(x, *extra))
        except (ValueError, OverflowError, ZeroDivisionError):
            out.append(math.nan)
    return out


@pytest.mark.parametrize("name", ["exp", "log", "sqrt", "sin", "cos", "tan", "tanh", "erf", "sigmoid", "softplus",
                                  "relu", "gelu", "normal_cdf", "normal_pdf", "sech_squared", "silu", "step", "sign"])
def test_unary_functions_agree_with_float_math(name: str) -> None:
    xs = [x for x in POINTS if not (name == "exp" and x > 700)]
    expected = np.array(_float_values(name, xs))
    with np.errstate(all="ignore"):
        got = getattr(numpy_math, name)(np.array(xs))
    ok = np.isfinite(expected)
    np.testing.assert_allclose(got[ok], expected[ok], rtol=1e-14, atol=1e-300)


@pytest.mark.parametrize("name, arg", [("leaky_relu", 0.1), ("elu", 1.5), ("elu_slope", 0.7), ("sign", -1.0)])
def test_functions_with_a_constant_agree_with_float_math(name: str, arg: float) -> None:
    expected = _float_values(name, POINTS, arg)
    got = getattr(numpy_math, name)(np.array(POINTS), arg)
    np.testing.assert_allclose(got, expected, rtol=1e-15)


def test_power_and_xlogy_agree_where_defined_and_are_nonfinite_where_float_math_raises() -> None:
    xs = np.array([0.0, 0.5, 2.0, -2.0, -8.0])
    for c in (2.0, 3.0, 0.5, -1.0):
        expected = np.array(_float_values("power", xs.tolist(), c))
        with np.errstate(all="ignore"):
            got = numpy_math.power(xs, c)
        ok = np.isfinite(expected)
        np.testing.assert_allclose(got[ok], expected[ok], rtol=1e-15)
        assert not np.isfinite(got[~ok]).any()
    ys = np.array([0.0, 1.5, 0.0, 2.0])
    with np.errstate(all="ignore"):
        got = numpy_math.xlogy(ys, np.array([-1.0, 3.0, 0.0, -2.0]))
    assert got[0] == 0.0 and got[2] == 0.0 and got[1] == 1.5 * math.log(3.0) and not np.isfinite(got[3])


def test_tanh_grad_and_power_slope_agree_with_float_math() -> None:
    xs = np.array(POINTS[1:-1])
    with np.errstate(all="ignore"):
        np.testing.assert_allclose(numpy_math.tanh_grad(xs, np.tanh(xs)),
                                   [float_math.tanh_grad(x, math.tanh(x)) for x in xs], rtol=1e-14, atol=1e-300)
        for c in (0.0, 2.0, 3.5):
            expected = np.array(_float_values("power_slope", np.abs(xs).tolist(), c))
            np.testing.assert_allclose(numpy_math.power_slope(np.abs(xs), c), expected, rtol=1e-14)
    assert numpy_math.power_slope(np.array([0.0]), 0.0).tolist() == [0.0]


def test_float32_batches_stay_float32() -> None:
    x = np.linspace(-3, 3, 7, dtype=np.float32)
    for name in ("sigmoid", "relu", "step", "sign", "softplus", "erf", "gelu"):
        assert getattr(numpy_math, name)(x).dtype == np.float32, name
    assert numpy_math.elu_slope(x, np.float32(1.0)).dtype == np.float32


def test_dot_adds_left_to_right_over_arrays() -> None:
    ws = (np.array([1.0, 2.0]), np.array([3.0, 4.0]))
    xs = (np.array([0.5, 0.5]), np.array([2.0, -1.0]))
    assert numpy_math.dot(ws, xs).tolist() == [6.5, -3.0]
