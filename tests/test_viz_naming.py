"""Specification of viz.naming.local_rule: the op table's rules in the graph's own names, constants filled in."""

import pytest

import viz
import autograd
from autograd import Value, topological_order
from viz.naming import local_rule, short_names


def rule_of_power(c):
    x = Value(3.0, label="x")
    y = x ** c
    return local_rule(y, 0, {x: "x", y: "y"})


@pytest.mark.parametrize("c, expected", [
    (2, "∂y/∂x = 2·x"),            # (2−1) -> 1, x^1 -> x
    (3, "∂y/∂x = 3·x^2"),
    (1, "∂y/∂x = 1"),              # 1·x^0 -> 1·1 -> 1
    (2.5, "∂y/∂x = 2.5·x^1.5"),
    (0.5, "∂y/∂x = 0.5·x^(-0.5)"),  # a negative exponent keeps its parentheses
    (-1, "∂y/∂x = -x^(-2)"),
])
def test_power_rule_does_the_constant_arithmetic(c, expected):
    assert rule_of_power(c) == expected


def test_rules_with_names_stay_verbatim():
    a, b = Value(2.0, label="a"), Value(3.0, label="b")
    y = a ** b
    names = {a: "a", b: "b", y: "y"}
    assert local_rule(y, 0, names) == "∂y/∂a = b·a^(b−1)"
    assert local_rule(y, 1, names) == "∂y/∂b = a^b·ln a"


def test_names_with_digits_and_operator_like_labels_are_used_verbatim():
    x1, w2 = Value(2.0, label="x1"), Value(3.0, label="w2")
    y = x1 ** 10 * w2
    names = short_names(topological_order(y))
    assert local_rule(y.parents[0], 0, names) == "∂a/∂x1 = 10·x1^9"
    assert local_rule(y, 1, names) == "∂b/∂w2 = a"
    e = Value(1.0, label="exp")  # a label that is also a word of a rule's text is not replaced in the rule
    ey = e.exp()
    assert local_rule(ey, 0, {e: "exp", ey: "y"}) == "∂y/∂exp = e^exp"


def test_n_ary_rules_name_each_operand_and_fill_in_each_constant():
    w1, w2, x1, x2 = (Value(v, label=name) for v, name in ((1.0, "w1"), (2.0, "w2"), (3.0, "u"), (4.0, "v")))
    y = autograd.dot([w1, w2], [x1, x2])
    names = short_names(topological_order(y))
    assert [local_rule(y, i, names) for i in range(4)] == ["∂a/∂w1 = u", "∂a/∂w2 = v", "∂a/∂u = w1", "∂a/∂v = w2"]
    z = autograd.dot([w1, w2], [0.5, -2.0])
    names = short_names(topological_order(z))
    assert [local_rule(z, i, names) for i in range(2)] == ["∂a/∂w1 = 0.5", "∂a/∂w2 = -2"]


@pytest.mark.parametrize("make, expected", [
    (lambda x: x * -3, "∂y/∂x = -3"),
    (lambda x: x / -4, "∂y/∂x = 1/(-4)"),
    (lambda x: -3 / x, "∂y/∂x = 3/x²"),
    (lambda x: 2 ** x, "∂y/∂x = 2^x·ln 2"),
    (lambda x: x.leaky_relu(0.1), "∂y/∂x = 1 if x > 0 else 0.1"),
    (lambda x: x.elu(1.0), "∂y/∂x = 1 if x > 0 else eˣ"),
    (lambda x: x.elu(0.5), "∂y/∂x = 1 if x > 0 else 0.5·eˣ"),
])
def test_constants_and_parameters_are_filled_in(make, expected):
    x = Value(3.0, label="x")
    y = make(x)
    assert local_rule(y, 0, {x: "x", y: "y"}) == expected


def test_explain_and_step_captions_show_the_simplified_power_rule():
    x = Value(2.0, label="x")
    y = x ** 2
    y.label = "y"
    assert viz.backward_steps(y)[1].caption == "step 1: y = x^2 sends ∂y/∂y · 2·x = 1.0000 × 4.0000 = 4.0000 to x"
    assert "∂y/∂x = 2·x" in str(viz.explain(y)) and "(2−1)" not in str(viz.explain(y))


def test_names_are_unique_even_when_a_label_looks_like_a_repeat_suffix():
    a, b, c = Value(1.0, label="x"), Value(2.0, label="x"), Value(3.0, label="x#2")
    y = a * b + c
    y.label = "y"
    rows = [g.name for g in viz.explain(y).backward]
    assert len(rows) == len(set(rows)) == 5
    assert {"x", "x#2", "x#3"} <= set(rows)
    assert viz.explain(y).grad("x#2") == 1.0  # the node labelled x#2 keeps its own label


def test_equal_unlabelled_constants_and_letter_labels_get_distinct_names():
    x = Value(2.0, label="a")
    y = (x * Value(3.0)) + Value(3.0)
    names = viz.naming.short_names(topological_order(y))
    assert len(set(names.values())) == len(names)
    assert names[x] == "a" and sorted(names.values()) == ["3", "3#2", "a", "b", "c"]
