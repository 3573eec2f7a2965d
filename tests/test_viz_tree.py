"""Specification of viz.tree: an indented text tree with shared nodes marked, never repeated."""

import pytest

import viz
from autograd import Value, parse


def test_tree_of_the_tutorial_expression():
    J = parse("cos(sin(x**2) + 3*x**2)").evaluate(x=2.0)
    J.label = "J"
    J.backward()
    assert viz.tree(J, precision=2).splitlines() == [
        "J = cos(e)  data 0.25  grad 1.00",
        "└── e = b + d  data 11.24  grad 0.97",
        "    ├── b = sin(a)  data -0.76  grad 0.97",
        "    │   └── a = x^2  data 4.00  grad -0.63",
        "    │       └── x  input  data 2.00  grad 9.10",
        "    └── d = c × 3  data 12.00  grad 0.97",
        "        └── c = x^2  data 4.00  grad 2.91",
        "            └── x  ↑ shown above",
    ]


def test_a_shared_subexpression_is_written_once():
    x = Value(1.5, label="x")
    s = x.sin()
    s.label = "s"
    y = s * s + s
    lines = viz.tree(y).splitlines()
    assert sum(line.endswith("s  ↑ shown above") for line in lines) == 2
    assert sum("s = sin(x)" in line for line in lines) == 1


def test_data_and_grad_can_be_left_out():
    x = Value(2.0, label="x")
    text = viz.tree(x * 2.0, show_data=False, show_grad=False)
    assert "data" not in text and "grad" not in text


def test_unlabelled_constants_are_named_by_their_value():
    x = Value(1.0, label="x")
    assert "└── 3  constant" in viz.tree(x + Value(3.0))


def test_a_deep_graph_does_not_hit_the_recursion_limit():
    x = Value(0.1, label="x")
    y = x
    for _ in range(5000):
        y = y * 1.0
    assert len(viz.tree(y, max_nodes=None).splitlines()) == 5001


def test_tree_needs_a_value():
    with pytest.raises(TypeError, match="Value"):
        viz.tree(1.0)


def chain(depth):
    x = Value(1.0, label="x")
    y = x
    for _ in range(depth):
        y = y * 1.0001
    return y


def test_a_graph_over_the_node_limit_is_refused_with_the_way_out():
    with pytest.raises(ValueError, match=r"10001 nodes, more than max_nodes=2000.*max_nodes=10001 \(or None\)"):
        viz.tree(chain(10_000))


def test_a_deep_chain_grows_linearly_not_with_the_square_of_its_depth():
    text = viz.tree(chain(10_000), max_nodes=None)
    lines = text.splitlines()
    assert len(lines) == 10_001
    assert max(map(len, lines)) < 200 and len(text) < 2_000_000  # was 200M characters
    assert lines[-1].startswith(" " * 96 + "└── [depth 10000] x  input")


def test_tree_rejects_a_max_nodes_that_is_not_a_positive_int():
    for bad in (0, -1, 2.5, True):
        with pytest.raises(ValueError, match="max_nodes"):
            viz.tree(chain(2), max_nodes=bad)
