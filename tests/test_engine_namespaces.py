"""Every rule runs on any math namespace: branch-free on values, and using only names each namespace has."""

from __future__ import annotations

import importlib.util

import pytest

from autograd import float_math, functional
from autograd.ops import OPS, _BUILT_IN


class Traced:
    """A stand-in value: arithmetic gives more Traced values, but asking its truth fails, so a rule
    that branches on data (``if y < 0.9``, ``a if x > 0 else b``) is caught."""

    def __bool__(self) -> bool:
        raise AssertionError("a rule branched on a value: move the choice into a namespace helper")

    def _op(self, *other: object) -> "Traced":
        return Traced()

    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = _op
    __truediv__ = __rtruediv__ = __pow__ = __rpow__ = __neg__ = __pos__ = __abs__ = _op
    __lt__ = __le__ = __gt__ = __ge__ = _op


class Recorder:
    """A namespace whose every function records its name and returns a Traced value."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def __getattr__(self, name: str):
        self.used.add(name)
        return lambda *args: Traced()


# The names the built-in rules use: a numpy namespace for batches must have each of them.
RULE_NAMES = {
    "dot", "elu", "elu_slope", "erf", "exp", "gelu", "leaky_relu", "log", "normal_cdf", "normal_pdf", "power",
    "power_slope", "relu", "sigmoid", "sign", "silu", "sin", "cos", "softplus", "sqrt", "step", "tan", "tanh",
    "tanh_grad", "xlogy",
}


def run_rules(op, m: Recorder) -> None:
    count = {1: 1, 2: 2, None: 4}[op.arity]
    xs = [Traced() for _ in range(count)]
    arg = (0.5, 2.0, 1.0, 3.0) if op.name == "dotc" else 0.5
    op.forward(m, arg, *xs)
    op.vjp(m, Traced(), Traced(), arg, *xs)


@pytest.mark.parametrize("name", sorted(_BUILT_IN))
def test_each_rule_is_branch_free_on_values(name: str) -> None:
    run_rules(OPS[name], Recorder())


def test_the_rules_use_exactly_the_listed_namespace_names() -> None:
    m = Recorder()
    for name in _BUILT_IN:
        run_rules(OPS[name], m)
    assert m.used == RULE_NAMES


@pytest.mark.parametrize("namespace", [float_math, functional], ids=["float_math", "functional"])
def test_every_namespace_has_every_name_the_rules_use(namespace) -> None:
    missing = sorted(name for name in RULE_NAMES if not callable(getattr(namespace, name, None)))
    assert missing == []


def test_a_numpy_namespace_if_present_has_every_name_the_rules_use() -> None:
    if importlib.util.find_spec("autograd.numpy_math") is None:
        pytest.skip("no numpy namespace in this checkout")
    from autograd import numpy_math

    assert sorted(name for name in RULE_NAMES if not hasattr(numpy_math, name)) == []


def test_shared_helpers_give_the_same_numbers_on_floats_and_values() -> None:
    from autograd import Value

    for name, args in [("normal_cdf", (0.7,)), ("normal_pdf", (0.7,)), ("tanh_grad", (0.7, 0.6)),
                       ("tanh_grad", (3.0, 0.995)), ("elu_slope", (-0.7, 0.5)), ("power_slope", (0.7, 2.5))]:
        assert getattr(functional, name)(*map(Value, args)).data == getattr(float_math, name)(*args), name
