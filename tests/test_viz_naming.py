"""Specification of viz.naming.local_rule: rules in the graph's own names, with constant arithmetic done."""

import pytest

import viz
from autograd import Value, topological_order
from viz.naming import local_rule, simplify


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


def test_simplify_leaves_names_that_contain_digits_alone():
    assert simplify("x1^10·w2") == "x1^10·w2"
    assert simplify("21·x^(x1−1)") == "21·x^(x1−1)"
    assert simplify("0.1·x + 1/(2√x)") == "0.1·x + 1/(2√x)"


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
