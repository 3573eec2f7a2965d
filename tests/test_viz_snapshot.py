"""viz.snapshot: the JSON contract between the engine and every live view."""

from __future__ import annotations

import json
import math

import pytest

import nn
from autograd import Value, local_gradients, parse, topological_order
from viz.naming import short_names
from viz.snapshot import GraphTooBigError, snapshot
from viz.walk import graph_order

EXPRESSION = "cos(sin(x**2) + 3*x**2)"


def build(x: float = 2.0) -> Value:
    return parse(EXPRESSION).evaluate(x=x)


def mlp_loss() -> Value:
    net = nn.MLP(2, [3, 1], "tanh", seed=0)
    out = net([Value(0.5, label="x1"), Value(-1.0, label="x2")])
    out = out[0] if isinstance(out, list) else out
    return (out - 1.0) ** 2


def test_gradients_equal_backward_to_the_last_bit():
    for output in (build(), mlp_loss()):
        snap = snapshot(output)
        output.backward()
        order = graph_order([output])
        assert [n["grad"] for n in snap["nodes"]] == [v.grad for v in order]
        assert [n["data"] for n in snap["nodes"]] == [v.data for v in order]


def test_hand_derived_gradient_of_the_tutorial_expression():
    # d/dx cos(sin(x²) + 3x²) = −sin(sin(x²) + 3x²) · (cos(x²)·2x + 6x)
    x = 2.0
    expected = -math.sin(math.sin(x * x) + 3 * x * x) * (math.cos(x * x) * 2 * x + 6 * x)
    snap = snapshot(build(x))
    assert snap["nodes"][snap["inputs"][0]["id"]]["grad"] == pytest.approx(expected, rel=1e-12)


def test_gradient_matches_central_finite_differences():
    h = 1e-6
    slope = (build(2.0 + h).data - build(2.0 - h).data) / (2 * h)
    assert snapshot(build(2.0))["nodes"][0]["grad"] == pytest.approx(slope, rel=1e-6)


def test_no_value_grad_is_read_or_changed():
    y = build()
    snapshot(y)
    assert all(v.grad == 0.0 for v in topological_order(y))


def test_names_come_from_the_one_naming_function():
    y = mlp_loss()
    order = graph_order([y])
    names = short_names(order)
    assert [n["name"] for n in snapshot(y)["nodes"]] == [names[v] for v in order]


def test_parents_are_ids_in_order_with_duplicates_kept():
    x = Value(3.0, label="x")
    snap = snapshot(x * x - x)
    nodes = snap["nodes"]
    mul = next(n for n in nodes if n["op"] == "mul")
    assert mul["parents"] == [0, 0]
    assert nodes[snap["output"]]["parents"] == [mul["id"], 0]


def test_each_node_carries_its_rule_local_derivatives_and_what_it_sends():
    y = build()
    y.backward()
    order = graph_order([y])
    snap = snapshot(y)
    for v, n in zip(order, snap["nodes"]):
        if v.op is None:
            assert n["op"] is None and n["local"] == [] and n["sent"] == []
            continue
        assert n["op"] == v.op.name and n["rule"] == v.op.derivative
        assert n["local"] == list(local_gradients(v))
        assert n["sent"] == list(local_gradients(v, v.grad))  # exactly what backward adds
        assert len(n["rules"]) == len(v.parents)
    sin = next(n for n in snap["nodes"] if n["op"] == "sin")
    assert sin["rules"] == ["∂b/∂a = cos a"] and sin["formula"] == "sin(a)"


def test_roles_inputs_and_groups():
    y = mlp_loss()
    snap = snapshot(y)
    roles = {n["role"] for n in snap["nodes"]}
    assert {"input", "parameter", "intermediate", "output"} <= roles
    names = [i["name"] for i in snap["inputs"]]
    assert "x1" in names and "x2" in names and any(name.startswith("L1.") for name in names)
    assert any(n["group"] for n in snap["nodes"] if n["role"] == "parameter")


def test_ids_and_structure_are_stable_across_values_and_change_with_structure():
    a, b = snapshot(build(2.0)), snapshot(build(-0.7))
    assert a["structure"] == b["structure"]
    assert [n["name"] for n in a["nodes"]] == [n["name"] for n in b["nodes"]]
    assert a["nodes"][0]["data"] != b["nodes"][0]["data"]
    other = snapshot(parse("cos(sin(x**2) + 4*x**2)").evaluate(x=2.0))
    assert other["structure"] != a["structure"]


def test_any_node_can_be_the_one_differentiated():
    y = build()
    order = graph_order([y])
    inner = next(v for v in order if v.op is not None and v.op.name == "sin")  # b = sin(x²)
    snap = snapshot(y, target=inner)
    nodes = snap["nodes"]
    assert snap["target"] == order.index(inner) and snap["output"] == len(order) - 1
    assert nodes[snap["target"]]["grad"] == 1.0
    assert nodes[snap["output"]]["grad"] == 0.0  # the output is downstream of the target
    assert nodes[0]["grad"] == pytest.approx(math.cos(4.0) * 4.0, rel=1e-12)  # d sin(x²)/dx at 2


def test_a_target_outside_the_graph_is_refused():
    with pytest.raises(ValueError, match="target"):
        snapshot(build(), target=Value(1.0))


def test_steps_replay_the_reverse_pass_with_the_flip_book_captions():
    y = build()
    y.backward()
    snap = snapshot(y, steps=True)
    inner = [n for n in snap["nodes"] if n["op"] is not None]
    assert [s["node"] for s in snap["backward"]] == [n["id"] for n in reversed(inner)]
    final: dict[int, float] = {snap["target"]: 1.0}
    for step in snap["backward"]:
        final.update(dict(step["grads"]))
    assert final == {n["id"]: n["grad"] for n in snap["nodes"]}
    assert snap["backward"][0]["caption"] == "f = cos(e) sends"
    assert snap["backward"][0]["lines"] == ["∂f/∂f · −sin e = 1.0000 × 0.9695 = 0.9695 to e"]
    assert [s["node"] for s in snap["forward"]] == list(range(len(snap["nodes"])))
    assert snap["forward"][2]["caption"].startswith("b = sin(a) = -0.7568")


def test_steps_caption_a_node_used_twice_with_its_running_sum():
    x = Value(3.0, label="x")
    y = x * x
    y.label = "y"
    (step,) = snapshot(y, steps=True)["backward"]
    assert step["lines"][1] == "∂y/∂y · x = 1.0000 × 3.0000 = 3.0000 to x (x now 3.0000 + 3.0000 = 6.0000)"


def test_snapshot_is_strict_json():
    text = json.dumps(snapshot(mlp_loss(), steps=True), allow_nan=False)
    assert json.loads(text)["version"] == 1


def test_heat_bins_follow_gradient_magnitude():
    snap = snapshot(build())
    x, out = snap["nodes"][0], snap["nodes"][snap["output"]]
    assert x["heat"] == 4  # |9.10| is the largest gradient here
    assert all(n["heat"] is None or 0 <= n["heat"] <= 4 for n in snap["nodes"])
    assert out["heat"] is not None


def test_a_huge_graph_is_refused_with_a_clear_message():
    x = Value(1.0, label="x")
    y = x
    for _ in range(60):
        y = y + 1.0
    with pytest.raises(GraphTooBigError, match="61 nodes, more than the 50"):
        snapshot(y, max_nodes=50)


def test_a_non_value_is_a_type_error():
    with pytest.raises(TypeError, match="snapshot needs one Value"):
        snapshot(3.0)


def test_sliders_come_in_the_order_the_forward_pass_uses_them():
    import nn
    model = nn.MLP(2, [2, 1], seed=0)
    x1, x2 = Value(0.5, label="x1"), Value(-1.0, label="x2")
    loss = (model([x1, x2]) - 1) ** 2
    names = [i["name"] for i in snapshot(loss)["inputs"]]
    assert names == ["x1", "x2", "L1.N1.w1", "L1.N1.w2", "L1.N1.b", "L1.N2.w1", "L1.N2.w2", "L1.N2.b",
                     "L2.N1.w1", "L2.N1.w2", "L2.N1.b"]
