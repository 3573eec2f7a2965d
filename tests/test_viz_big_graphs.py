"""Specification of big graphs in viz.draw: following the size hint always ends in a readable picture."""

import re
import xml.etree.ElementTree as ET

import pytest

import nn
import viz
from autograd import Value
from nn.datasets import make_moons
from nn.losses import hinge, mse
from viz.graph import DEFAULT_MAX_NODES


@pytest.fixture(scope="module")
def moons_loss():
    """The 100-point moons hinge loss of an MLP(2, [16, 16, 1]): about 20,000 Values."""
    X, y = make_moons(100, seed=0)
    model = nn.MLP(2, [16, 16, 1], seed=1)
    outputs = [model(list(map(float, x))) for x in X]
    loss = hinge(outputs, 2 * y - 1)
    loss.backward()
    return loss


def svg_nodes(source, with_x=False):
    """(first line of text, y position) of every node in the rendered picture, top to bottom (with
    ``with_x``: (text, x, y))."""
    root = ET.fromstring(viz.render(source, "svg"))
    ns = {"svg": "http://www.w3.org/2000/svg"}
    found = []
    for g in root.iter("{http://www.w3.org/2000/svg}g"):
        if g.get("class") == "node":
            texts = g.findall(".//svg:text", ns)
            if texts:
                x, y = float(texts[0].get("x")), float(texts[0].get("y"))
                found.append((texts[0].text, x, y) if with_x else (texts[0].text, y))
    return sorted(found, key=lambda t: t[-1])


def test_the_full_graph_is_refused_with_the_hint_to_collapse(moons_loss):
    with pytest.raises(ValueError, match="pass collapse='neuron' or collapse='layer'"):
        viz.draw(moons_loss)


@pytest.mark.parametrize("collapse", ["neuron", "layer"])
def test_following_the_hint_draws_within_the_default_limit(moons_loss, collapse):
    source = viz.draw(moons_loss, collapse=collapse).source  # no max_nodes needed
    drawn = len(re.findall(r"^\t*\s*[gvo]\d+ \[", source, flags=re.M))
    assert drawn <= 45 if collapse == "neuron" else drawn <= 12
    assert drawn < DEFAULT_MAX_NODES
    assert "terms × 100" in source and "each ReLU(" in source  # the 100 per-sample margins, one node
    assert ET.fromstring(viz.render(source, "svg")).tag.endswith("svg")


def test_folded_terms_say_what_each_computes_and_feed_the_sum_once(moons_loss):
    source = viz.draw(moons_loss, collapse="layer").source
    assert re.search(r"each (ReLU\(1 − L3\)|ReLU\(L3 \+ 1\))", source)
    terms = re.search(r"(g\d+) \[label=<[^\n]*terms × 100", source).group(1)
    assert len(re.findall(rf"^\s*{terms} -> o\d+", source, flags=re.M)) == 1  # not 100 edges
    assert len(re.findall(r"^\s*g\d+ -> " + terms + r"\b", source, flags=re.M)) == 1  # from L3 only


def test_collapsed_neurons_stand_in_number_order_in_the_picture(moons_loss):
    order = [text for text, _ in svg_nodes(viz.draw(moons_loss, collapse="neuron").source)
             if text and text.startswith("L1.N")]
    assert order == [f"L1.N{k}" for k in range(1, 17)]


def test_dense_layer_to_layer_edges_are_thin_and_translucent(moons_loss):
    source = viz.draw(moons_loss, collapse="neuron").source
    dense = [line for line in source.splitlines() if "penwidth=0.5" in line and " -> " in line]
    assert len(dense) == 16 * 16  # every L1 neuron to every L2 neuron, each drawn once
    assert all(re.search(r'color="#[0-9a-f]{8}"', line) for line in dense)  # with an alpha channel
    assert "ranksep=1.4" in source


def test_a_small_sum_keeps_its_terms():
    xs = [Value(float(k), label=f"x{k}") for k in range(3)]
    net = nn.MLP(1, [2, 1], seed=0)
    loss = mse([net([x]) for x in xs], [0.0, 1.0, 0.0])
    assert "terms ×" not in viz.draw(loss, collapse="layer").source


# ----- params: which leaves are parameters ----------------------------------------------------------


def fill_of(source, title):
    line = next(l for l in source.splitlines() if f"<B>{title}</B>" in l)
    return re.search(r'BGCOLOR="(#[0-9a-f]{6})"', line).group(1)


def test_params_as_a_dict_marks_exactly_those_leaves():
    w, x = Value(0.5, label="w"), Value(2.0, label="x")
    y = w * x
    parameter = viz.style.ROLES["parameter"].fill
    assert fill_of(viz.draw(y).source, "w") != parameter  # by default a plain labelled leaf is an input
    source = viz.draw(y, params={"weight": w}).source
    assert fill_of(source, "w") == parameter and fill_of(source, "x") == viz.style.ROLES["input"].fill


def test_params_as_a_module_uses_its_parameters():
    net = nn.MLP(2, [2, 1], seed=0)
    out = net([1.0, 2.0])
    for v in net.parameters():
        v.label = ""  # no label convention left to rely on
    source = viz.draw(out, params=net).source
    assert source.count(viz.style.ROLES["parameter"].fill) == net.num_parameters()
    folded = viz.draw(out, params=net, collapse="layer").source
    assert "6 params" in folded and "3 params" in folded


def test_params_of_the_wrong_kind_are_refused_clearly():
    y = Value(1.0, label="x") * 2
    with pytest.raises(TypeError, match="params must be a dict name → Value, a module"):
        viz.draw(y, params=3)
    with pytest.raises(TypeError, match="must hold Values"):
        viz.draw(y, params={"w": 0.5})


def test_a_neurons_weights_stand_w1_first_in_the_picture():
    net = nn.MLP(2, [3, 1], "tanh", seed=3)
    loss = mse([net([0.0, 1.0]), net([1.0, 1.0])], [1.0, 0.0])
    loss.backward()
    shown = svg_nodes(viz.draw(loss).source, with_x=True)
    column = next(x for text, x, _ in shown if text == "w3")  # L2.N1's weights stand in one column
    assert [text for text, x, _ in shown if abs(x - column) < 2 and text.startswith("w")] == ["w1", "w2", "w3"]


def test_a_penalty_over_every_parameter_neither_counts_as_outputs_nor_pulls_the_layout():
    X, y = make_moons(20, seed=0)
    model = nn.MLP(2, [4, 1], activation="relu", seed=1)
    loss = hinge([model(list(map(float, x))) for x in X], 2 * y - 1) + nn.l2_penalty(model.parameters(), 1e-4)
    source = viz.draw(loss, collapse="neuron").source
    assert source.count(">20 outputs<") == 5  # L1.N1..N4 and L2.N1, one output per sample each
    assert "23 outputs" not in source and "linear, relu" not in source
    penalty_edges = [line for line in source.splitlines() if "constraint=false" in line]
    assert len(penalty_edges) == 5  # one faint edge from each neuron's parameters into the penalty
    assert all("style=dashed" in line for line in penalty_edges)
