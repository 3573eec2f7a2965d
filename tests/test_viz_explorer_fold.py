"""The explorer's folded views of graphs built with nn: which nodes fold into which card, the numbers a
card shows, the folded picture's ids, and the fold state over the server's API and in the widget."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET

import pytest

import nn
from autograd import Value
from nn.losses import mse
from viz.explorer import Answers, ExplorerServer
from viz.explorer_fold import AUTO_FOLD_NODES
from viz.explorer_svg import folded_ids, layout_svg, with_layout
from viz.grouping import Grouping
from viz.snapshot import snapshot
from viz.walk import graph_order

from test_viz_explorer import get

SVG = "{http://www.w3.org/2000/svg}"


def mlp_loss(sizes=(3, 3, 1), samples=((0.5, -1.0),), targets=(1.0,), seed=0) -> tuple[nn.MLP, Value]:
    net = nn.MLP(2, list(sizes), "tanh", seed=seed)
    return net, mse([net(list(x)) for x in samples], list(targets))


def groups_by_key(snap):
    return {g["key"]: g for g in snap["fold"]["groups"]}


def test_folding_by_neuron_puts_each_neurons_nodes_in_its_card():
    _, loss = mlp_loss()
    snap = snapshot(loss, fold="neuron")
    fold = snap["fold"]
    assert fold["level"] == "neuron" and fold["open"] == [] and fold["levels"] == ["neuron", "layer"]
    assert [g["key"] for g in fold["groups"]] == ["L1.N1", "L1.N2", "L1.N3", "L2.N1", "L2.N2", "L2.N3", "L3.N1"]
    assert [g["id"] for g in fold["groups"]] == [f"g{k}" for k in range(7)]
    for group in fold["groups"]:
        assert group["kind"] == "neuron"
        assert {snap["nodes"][i]["group"] for i in group["members"]} == {group["key"]}
        assert sorted(group["members"]) == [n["id"] for n in snap["nodes"] if n["group"] == group["key"]]
        last = ".z" if group["key"] == "L3.N1" else ".out"  # the linear output neuron ends at its sum
        assert [snap["nodes"][i]["name"] for i in group["outputs"]] == [group["key"] + last]
        assert sorted(group["params"]) == [n["id"] for n in snap["nodes"]
                                           if n["group"] == group["key"] and n["role"] == "parameter"]
    assert groups_by_key(snap)["L2.N1"]["detail"] == "4 params · tanh"
    assert groups_by_key(snap)["L3.N1"]["detail"] == "4 params · linear"


def test_a_folded_card_shows_its_outputs_numbers_and_its_parameters_gradient_length():
    _, loss = mlp_loss()
    snap = snapshot(loss, fold="neuron")
    loss.backward()
    order = graph_order([loss])
    for group in snap["fold"]["groups"]:
        (out,) = group["outputs"]
        assert (group["data"], group["grad"]) == (snap["nodes"][out]["data"], snap["nodes"][out]["grad"])
        by_hand = math.sqrt(sum(order[i].grad ** 2 for i in group["params"]))  # backward()'s gradients
        assert group["param_grad"] == pytest.approx(by_hand, rel=1e-12)
        assert group["param_grad"] > 0


def test_folding_by_layer_and_opening_a_layer_shows_its_neurons_folded():
    _, loss = mlp_loss()
    layers = snapshot(loss, fold="layer")["fold"]
    assert [(g["key"], g["kind"]) for g in layers["groups"]] == [("L1", "layer"), ("L2", "layer"), ("L3", "layer")]
    assert groups_by_key({"fold": layers})["L2"]["detail"] == "12 params · tanh"
    opened = snapshot(loss, fold="layer", expanded=["L2"])
    assert [g["key"] for g in opened["fold"]["groups"]] == ["L1", "L2.N1", "L2.N2", "L2.N3", "L3"]
    assert opened["fold"]["open"] == ["L2"]


def test_opening_a_neuron_draws_its_nodes_one_by_one_and_drops_unknown_names():
    _, loss = mlp_loss()
    snap = snapshot(loss, fold="neuron", expanded=["L2.N2", "no.such.group", "L9"])
    assert snap["fold"]["open"] == ["L2.N2"]
    assert "L2.N2" not in groups_by_key(snap) and len(snap["fold"]["groups"]) == 6
    hidden = folded_ids(snap)
    for n in snap["nodes"]:  # folded: every neuron's node but L2.N2's; the loss's own nodes are never folded
        assert (n["id"] in hidden) == (n["group"].count(".") == 1 and n["group"] != "L2.N2"), n


def test_a_wide_sums_per_sample_terms_fold_into_one_card_with_their_sum():
    samples = [(0.1 * k, 1.0 - 0.2 * k) for k in range(8)]
    _, loss = mlp_loss(sizes=(2, 1), samples=samples, targets=[k % 2 for k in range(8)])
    snap = snapshot(loss, fold="neuron")
    (terms,) = [g for g in snap["fold"]["groups"] if g["kind"] == "terms"]
    assert terms["key"] == "8 terms" and len(terms["outputs"]) == 8 and terms["detail"].startswith("each ")
    assert terms["data"] == pytest.approx(math.fsum(snap["nodes"][i]["data"] for i in terms["outputs"]), abs=0)
    neuron = groups_by_key(snap)["L2.N1"]
    assert len(neuron["outputs"]) == 8 and neuron["data"] is None and neuron["grad"] is None  # one per sample
    assert "8 terms" not in groups_by_key(snapshot(loss, fold="neuron", expanded=["8 terms"]))


def test_auto_folds_a_big_nn_graph_and_leaves_small_graphs_and_expressions_alone():
    _, small = mlp_loss(sizes=(2, 1))
    assert len(graph_order([small])) <= AUTO_FOLD_NODES
    assert snapshot(small, fold="auto")["fold"]["level"] == "none"
    _, big = mlp_loss(sizes=(16, 16, 1), samples=[(0.5, -1.0), (1.0, 2.0)], targets=[1.0, 0.0])
    auto = snapshot(big, fold="auto")
    assert auto["fold"]["level"] == "neuron" and len(auto["fold"]["groups"]) == 33
    x = Value(2.0, label="x")
    plain = snapshot(x.sin(), fold="auto")
    assert "fold" not in plain and plain["layout"] == plain["structure"]
    assert "fold" not in snapshot(big) and snapshot(big)["layout"] == snapshot(big)["structure"]  # as before
    with pytest.raises(ValueError, match="fold must be one of"):
        snapshot(big, fold="neurons")


def test_the_folded_picture_has_one_card_per_group_and_none_for_what_it_hides():
    _, loss = mlp_loss()
    snap = snapshot(loss, fold="neuron", expanded=["L2.N2"])
    root = ET.fromstring(layout_svg(snap))
    cards = [g for g in root.iter(f"{SVG}g") if "vg-node" in g.get("class", "").split()]
    folded = [g for g in cards if "vg-group" in g.get("class").split()]
    assert [(g.get("data-group"), g.get("data-name")) for g in folded] == [(g["id"], g["key"]) for g in snap["fold"]["groups"]]
    hidden = folded_ids(snap)
    shown = [(g.get("data-id"), g.get("data-name")) for g in cards if g.get("data-id") is not None]
    assert shown == [(str(n["id"]), n["name"]) for n in snap["nodes"] if n["id"] not in hidden]
    assert {"L2.N2.w1", "L2.N2.out"} <= {name for _, name in shown}
    one = folded[0]
    assert {t.get("class") for t in one.iter(f"{SVG}text")} >= {"vg-name", "vg-data", "vg-grad", "vg-pgrad"}
    assert one.get("tabindex") == "0" and one.get("role") == "button"
    assert [r.get("class") for r in one.iter(f"{SVG}rect")] == ["vg-card", "vg-heat"]  # heat behind its grad
    drawn = {str(i) for i, _ in ((n["id"], 0) for n in snap["nodes"]) if i not in hidden} | set(hidden.values())
    edges = [(p.get("data-from"), p.get("data-to")) for p in root.iter(f"{SVG}path") if "vg-edge" in p.get("class")]
    assert edges and all(a in drawn and b in drawn for a, b in edges)
    assert ("g0", "g3") in edges  # L1.N1 feeds L2.N1: one edge between their cards


def test_a_layer_to_layer_bundle_is_drawn_thin():
    _, loss = mlp_loss(sizes=(8, 8, 1))
    svg = layout_svg(snapshot(loss, fold="neuron"))
    assert svg.count('class="vg-edge vg-dense"') == 8 * 8 + 8  # 8 neurons to 8, and 8 to the output neuron
    assert 'class="vg-edge vg-dense"' not in layout_svg(snapshot(mlp_loss()[1], fold="neuron"))  # 3 to 3: plain


def test_a_penalty_over_every_parameter_is_not_a_groups_output_and_its_edges_are_faint():
    net, loss = mlp_loss(samples=[(0.5, -1.0), (1.0, 2.0)], targets=[1.0, 0.0])
    snap = snapshot(loss + nn.l2_penalty(net.parameters(), 1e-3), fold="neuron")
    for group in snap["fold"]["groups"]:
        assert len(group["outputs"]) == 2  # one per sample: its parameters feeding the penalty are not outputs
        assert group["detail"].endswith(("tanh", "linear"))
    svg = layout_svg(snap)
    assert svg.count('class="vg-edge vg-faint"') == 7  # one dashed edge from each neuron into the penalty


def test_a_layout_is_made_once_per_structure_and_fold_state():
    _, loss = mlp_loss()
    first = with_layout(snapshot(loss, fold="neuron"))
    assert first["svg"].startswith("<svg") and first["layout"] != first["structure"]
    again = with_layout(snapshot(loss, fold="neuron"), first["layout"])
    assert "svg" not in again and again["layout"] == first["layout"]
    layer = with_layout(snapshot(loss, fold="layer"), first["layout"])
    assert layer["svg"] != first["svg"] and layer["layout"] not in (first["layout"], first["structure"])
    opened = snapshot(loss, fold="neuron", expanded=["L1.N1"])
    assert opened["layout"] not in (first["layout"], layer["layout"])
    assert snapshot(loss, fold="none", expanded=["L1.N1"])["layout"] == first["structure"]


def test_draws_collapse_is_unchanged_and_expanded_groups_open_there_too():
    _, loss = mlp_loss()
    order = graph_order([loss])
    plain = Grouping(order, [loss], "layer", True)
    assert plain.keys == ["L1", "L2", "L3"]
    opened = Grouping(order, [loss], "layer", True, expanded={"L1", "L1.N2"})
    assert opened.keys == ["L1.N1", "L1.N3", "L2", "L3"]
    assert {opened.key_of(v) for v in order if v.group == "L1.N2"} == {None}


def test_the_server_takes_the_fold_state_and_sends_a_picture_when_it_changes():
    net, loss = mlp_loss(sizes=(16, 16, 1), samples=[(0.5, -1.0), (1.0, 2.0)], targets=[1.0, 0.0])
    ex = ExplorerServer(loss).start()
    try:
        status, first = get(ex)
        assert status == 200 and first["fold"]["level"] == "neuron" and 'data-name="L2.N7"' in first["svg"]
        _, layer = get(ex, fold="layer", have=first["layout"])
        assert [g["key"] for g in layer["fold"]["groups"]] == ["L1", "L2", "L3"] and "vg-group" in layer["svg"]
        _, same = get(ex, fold="layer", have=layer["layout"], **{"L1.N1.w1": "0.25"})
        assert "svg" not in same and same["fold"]["groups"][0]["param_grad"] != layer["fold"]["groups"][0]["param_grad"]
        _, opened = get(ex, fold="layer", open="L1,L1.N2", have=layer["layout"])
        assert opened["fold"]["open"] == ["L1", "L1.N2"] and 'data-name="L1.N2.w1"' in opened["svg"]
        status, body = get(ex, fold="folded")
        assert status == 400 and "fold must be none, neuron, layer or auto" in body["error"]
    finally:
        ex.close()


def test_fold_and_open_are_settings_not_variable_names():
    from viz.server import HTTPError

    for expression in ("fold * x", "open + 1"):
        with pytest.raises(HTTPError, match="cannot be a variable name"):
            Answers("x", {"x": 1.0}).answer({"expr": expression})


def test_the_widget_keeps_its_fold_state_when_python_sets_an_input():
    pytest.importorskip("anywidget")
    from viz.widget import Explorer

    _, loss = mlp_loss()
    w = Explorer(loss)
    assert w.snapshot["fold"]["level"] == "none"  # a small graph starts unfolded
    sent = []
    w.send = lambda content, buffers=None: sent.append(content)
    w._handle_custom_msg({"type": "request", "id": "a:1", "params": {"fold": "layer", "have": w.snapshot["layout"]}}, [])
    assert sent[-1]["snapshot"]["fold"]["level"] == "layer" and "vg-group" in w.svg
    w.set(**{"L1.N1.w1": 0.5})
    assert w.snapshot["fold"]["level"] == "layer" and "svg" not in sent[-1]["snapshot"]  # same picture, new numbers
