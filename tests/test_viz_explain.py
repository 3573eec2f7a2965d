"""Specification of viz.explain: the chain-rule table, whose sums are the engine's gradients to the last bit."""

import math

import pytest

import nn
import viz
from autograd import Value, grad, parse, topological_order
from nn.losses import mse
from viz.naming import short_names


def seed_j(x=2.0):
    """J = cos(sin(x²) + 3x²), the exercise at the end of the backpropagation tutorial."""
    J = parse("cos(sin(x**2) + 3*x**2)").evaluate(x=x)
    J.label = "J"
    return J


def by_name(output):
    order = topological_order(output)
    return {name: v for v, name in short_names(order).items()}


def test_every_total_equals_the_engines_gradient_exactly():
    J = seed_j()
    e = viz.explain(J)
    nodes = by_name(J)
    names = [g.name for g in e.backward]
    engine = grad(J, [nodes[n] for n in names])
    assert [g.total for g in e.backward] == engine


def test_totals_equal_what_backward_stores_in_grad():
    J = seed_j(0.7)
    J.backward()
    e = viz.explain(J)
    for name, v in by_name(J).items():
        assert e.grad(name) == v.grad, name


def test_each_total_is_the_sum_of_its_contributions_in_order():
    e = viz.explain(seed_j())
    for g in e.backward:
        if g.contributions:
            total = None
            for c in g.contributions:
                total = c.product if total is None else total + c.product
            assert total == g.total


def test_each_product_is_the_local_derivative_times_the_upstream_gradient():
    e = viz.explain(seed_j(1.3))
    for g in e.backward:
        for c in g.contributions:
            assert math.isclose(c.product, c.local * c.upstream, rel_tol=1e-15, abs_tol=1e-300)


def test_local_derivatives_follow_the_tutorials_hand_derivation():
    x = 2.0
    e = viz.explain(seed_j(x))
    (via_sin,) = [c for c in e.backward if c.name == "a"][0].contributions
    assert via_sin.local == math.cos(x * x)  # db/da = cos(a)
    uses_of_x = [g for g in e.backward if g.name == "x"][0].contributions
    assert [c.local for c in uses_of_x] == [2 * x, 2 * x]  # da/dx = 2x for each x² node
    d = math.sin(x * x) + 3 * x * x
    assert [g for g in e.backward if g.name == "e"][0].contributions[0].local == -math.sin(d)  # dJ/dd = -sin(d)


def test_a_node_used_twice_gets_two_contributions_and_a_sum():
    x = Value(3.0, label="x")
    y = x * x
    y.label = "y"
    e = viz.explain(y)
    uses = [g for g in e.backward if g.name == "x"][0]
    assert [c.product for c in uses.contributions] == [3.0, 3.0]
    assert uses.total == 6.0
    assert "sum of the uses" in str(e)


def test_network_loss_parameter_gradients_match_backward_exactly():
    net = nn.MLP(2, [3, 1], "tanh", seed=0)
    loss = mse([net(x) for x in ([0.5, -1.0], [1.0, 2.0])], [1.0, 0.0])
    loss.backward()
    e = viz.explain(loss)
    totals = {g.name: g.total for g in e.backward}
    for p in net.parameters():
        assert totals[p.label] == p.grad, p.label


def test_backpropagation_tutorial_alice_gradient_of_w1():
    net = nn.MLP(2, [2, 1], "sigmoid", "sigmoid", weights=[[[1, 1], [1, 1]], [[1, 1]]], biases=[[0, 0], [0]])
    y = net([-2.0, -1.0])
    L = (1 - y) ** 2
    L.label = "L"
    assert viz.explain(L).grad("L1.N1.w1") == pytest.approx(0.0214, abs=1e-3)


def test_text_table_shows_forward_values_and_rules_in_the_graphs_names():
    text = str(viz.explain(seed_j()))
    forward, backward = text.split("Backward pass")
    assert "cos(e)" in forward and "0.2451" in forward
    assert "∂J/∂e = −sin e" in backward
    assert "∂b/∂a = cos a" in backward
    assert "9.0991" in backward  # dJ/dx at x = 2


def test_precision_controls_the_digits_shown():
    assert "0.245" in str(viz.explain(seed_j(), precision=3))
    assert "0.2451" not in str(viz.explain(seed_j(), precision=3))


def test_markdown_and_html_carry_the_same_rows():
    e = viz.explain(seed_j())
    md = e.to_markdown()
    assert "| ∂J/∂x |" in md and "---:" in md
    html = e._repr_html_()
    assert html.count("<table") == 2 and "∂J/∂e = −sin e" in html


def test_unknown_name_lookup_lists_the_names():
    with pytest.raises(KeyError, match="names"):
        viz.explain(seed_j()).grad("nope")


def test_explain_needs_one_value():
    with pytest.raises(TypeError, match="one Value"):
        viz.explain([seed_j()])


def test_an_undefined_local_derivative_is_a_clear_error_naming_the_node():
    x = Value(0.0, label="x")
    y = x.sqrt()
    y.label = "y"
    with pytest.raises(ValueError, match=r"y = √\(x\) is undefined or infinite at x = 0\.0"):
        viz.explain(y)


def test_markdown_escapes_html_and_keeps_each_row_on_one_line():
    x = Value(2.0, label="<img src=x onerror=alert(1)>\nrow|2")
    y = x * x
    y.label = "`y`"
    y.backward()
    md = viz.explain(y).to_markdown()
    assert "<img" not in md and "&lt;img src=x onerror=alert(1)&gt;" in md
    assert "\\\\nrow\\|2" in md  # the newline shown as \n (escaped for Markdown), the pipe escaped
    table = [line for line in md.splitlines() if line.startswith("|")]
    assert table and all(line.count("|") - line.count("\\|") == table[0].count("|") for line in table[:2])
    assert all(line.endswith("|") for line in table)
    assert "<code>\\`y\\`</code>" in md


def test_text_views_show_control_characters_in_labels_as_escapes():
    x = Value(2.0, label="x\ny\x00")
    y = x.sin()
    y.backward()
    for text in (str(viz.explain(y)), viz.tree(y)):
        assert "x\\ny\\x00" in text and "\x00" not in text
    assert len(viz.tree(y).splitlines()) == 2
