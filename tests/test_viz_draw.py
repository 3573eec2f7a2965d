"""Specification of viz.draw: the DOT source it writes (cards, ops, edges, roles, frames, folding, limits)."""

import re

import graphviz
import pytest

import viz
from autograd import Value, dot
from viz import style


def card_line(source: str, label: str) -> str:
    """The one node line whose card title is ``label``."""
    lines = [line for line in source.splitlines() if f"<B>{label}</B>" in line and "[label=<<TABLE" in line]
    assert len(lines) == 1, f"expected one card titled {label!r}, found {len(lines)}"
    return lines[0]


def node_id(line: str) -> str:
    return line.split()[0]


def edges(source: str) -> list[tuple[str, str, str]]:
    """(tail, head, attributes) for every edge, in source order."""
    found = []
    for line in source.splitlines():
        m = re.match(r"\s*(\w+) -> (\w+)(?: \[(.*)\])?\s*$", line)
        if m:
            found.append((m.group(1), m.group(2), m.group(3) or ""))
    return found


def frames(source: str) -> dict[str, tuple[str, ...]]:
    """For each node id, the labels of the clusters around it, outermost first."""
    stack: list[str] = []
    where = {}
    for line in source.splitlines():
        line = line.strip()
        if line.startswith("subgraph cluster_"):
            stack.append(re.search(r"label=<([^>]*)>", line).group(1))
        elif line == "}":
            if stack:
                stack.pop()
        else:
            m = re.match(r"(\w+) \[", line)
            if m:
                where[m.group(1)] = tuple(stack)
    return where


def neuron(name: str, w: list[float], b: float, x: list[Value]) -> Value:
    """A hand-made neuron tagged the way nn tags one (labels name.w1.., group name)."""
    ws = [Value(v, label=f"{name}.w{k}") for k, v in enumerate(w, start=1)]
    bias = Value(b, label=f"{name}.b")
    s = dot(ws, x)
    z = s + bias
    out = z.tanh()
    out.label = f"{name}.out"
    for v in (*ws, bias, s, z, out):
        v.group = name
    return out


def small_net() -> tuple[Value, list[Value]]:
    x = [Value(0.5, label="x1"), Value(-1.0, label="x2")]
    h = [neuron("L1.N1", [0.3, -0.2], 0.1, x), neuron("L1.N2", [-0.4, 0.6], 0.0, x)]
    o = neuron("L2.N1", [1.0, -1.0], 0.2, h)
    loss = (o - 1.0) ** 2
    loss.label = "loss"
    loss.backward()
    return loss, x


# ----- cards and ops -----------------------------------------------------------------------------


def test_returns_a_graphviz_digraph_that_callers_can_restyle():
    x = Value(2.0, label="x")
    g = viz.draw(x * x)
    assert isinstance(g, graphviz.Digraph)
    g.attr(bgcolor="black")
    assert "bgcolor=black" in g.source


def test_each_value_card_shows_label_data_and_grad_at_the_chosen_precision():
    x = Value(2.0, label="x")
    y = (x * 3.0).sin()
    y.label = "y"
    y.backward()
    source = viz.draw(y, precision=3).source
    line = card_line(source, "x")
    assert ">2.000<" in line
    assert f">{x.grad:.3f}<" in line
    assert "2.0000" not in line


def test_precision_six_shows_six_decimals():
    x = Value(1.0 / 3.0, label="x")
    source = viz.draw(x + 1.0, precision=6).source
    assert ">0.333333<" in card_line(source, "x")


def test_tiny_values_switch_to_scientific_notation_instead_of_rounding_to_zero():
    x = Value(1.5e-9, label="x")
    assert "1.5000e-09" in card_line(viz.draw(x * 2.0).source, "x")


def test_hiding_data_and_grad_removes_those_rows():
    x = Value(2.0, label="x")
    source = viz.draw(x * x, show_data=False, show_grad=False).source
    assert ">data<" not in source and ">grad<" not in source
    assert "<B>x</B>" in source


def test_each_op_is_one_small_node_showing_its_symbol_and_constant():
    x = Value(2.0, label="x")
    source = viz.draw((x ** 2) * 3.0).source
    assert 'label="^2"' in source
    assert 'label="× 3"' in source


def test_dot_with_constant_inputs_shows_the_constants_compactly():
    w = [Value(0.5, label="w1"), Value(-0.5, label="w2")]
    assert 'label="· [2, 3]"' in viz.draw(dot(w, [2.0, 3.0])).source
    many = [Value(1.0) for _ in range(9)]
    assert "… 9 in all" in viz.draw(dot(many, list(range(9)))).source


def test_op_nodes_carry_a_tooltip_with_the_local_derivative_and_its_value_here():
    x = Value(2.0, label="x")
    source = viz.draw(x.sin()).source
    assert 'tooltip="a = sin(x) (op sin)\\n∂a/∂x = cos x, here -0.416147"' in source
    w = Value(-1.5, label="w")
    assert "a = x × w (op mul)\\n∂a/∂x = w, here -1.5\\n∂a/∂w = x, here 2" in viz.draw(x * w).source
    assert "a = x × 3 (op mulc)\\n∂a/∂x = 3, here 3" in viz.draw(x * 3).source


def test_every_card_and_tooltip_uses_the_names_explain_and_tree_use():
    x = Value(2.0, label="x")
    j = (x ** 2).sin() + 3 * x ** 2
    j = j.cos()
    j.backward()
    source = viz.draw(j).source
    names = [row.split()[0] for row in str(viz.explain(j)).splitlines()[3:10]]
    assert names == ["x", "a", "b", "c", "d", "e", "f"]
    for name in names:  # each name is the bold title of one card, and its tooltip starts with it
        assert source.count(f"<B>{name}</B>") == 1
        assert f'tooltip="{name} (' in source
    assert "e = b + d" in viz.tree(j) and 'tooltip="f = cos(e) (op cos)' in source


def test_an_op_whose_derivative_is_undefined_here_says_so_in_its_tooltip():
    x = Value(0.0, label="x")
    assert "here undefined" in viz.draw(x.sqrt()).source


def test_value_tooltips_give_full_precision_numbers():
    x = Value(2.0, label="x")
    y = x.sin()
    y.backward()
    assert repr(x.grad) in card_line(viz.draw(y).source, "x")


def test_tooltips_can_be_switched_off():
    x = Value(2.0, label="x")
    assert "tooltip" not in viz.draw(x.sin(), tooltips=False).source


def test_labels_are_escaped_for_html():
    x = Value(1.0, label="<a&b>")
    assert "&lt;a&amp;b&gt;" in viz.draw(x * 2.0).source


# ----- edges -------------------------------------------------------------------------------------


def test_a_plus_a_draws_both_edges():
    a = Value(3.0, label="a")
    source = viz.draw(a + a).source
    a_id = node_id(card_line(source, "a"))
    into_op = [e for e in edges(source) if e[0] == a_id]
    assert len(into_op) == 2
    assert into_op[0][1] == into_op[1][1]


def test_non_commutative_operands_are_named_a_and_b_in_order():
    p, q = Value(5.0, label="p"), Value(2.0, label="q")
    source = viz.draw(q - p).source  # q is the first operand
    q_id, p_id = node_id(card_line(source, "q")), node_id(card_line(source, "p"))
    named = {tail: attrs for tail, _, attrs in edges(source) if "headlabel" in attrs}
    assert 'headlabel="a"' in named[q_id]
    assert 'headlabel="b"' in named[p_id]


def test_edges_follow_data_flow_order():
    x = Value(2.0, label="x")
    y = x.exp()
    y.label = "y"
    z = y.log()
    z.label = "z"
    source = viz.draw(z).source
    x_id, y_id, z_id = (node_id(card_line(source, n)) for n in "xyz")
    chain = edges(source)
    assert [chain[0][0], chain[1][1], chain[2][0], chain[3][1]] == [x_id, y_id, y_id, z_id]
    assert chain[0][1] == chain[1][0] and chain[2][1] == chain[3][0]  # through each op node


def taillabels(source: str) -> dict[str, str]:
    return {tail: re.search(r'taillabel="(\w+)"', attrs).group(1) for tail, _, attrs in edges(source) if "taillabel" in attrs}


def test_dot_product_operands_are_labelled_w_and_x_at_their_cards():
    w = [Value(1.0, label="p"), Value(2.0, label="q")]
    x = [Value(3.0, label="height"), Value(4.0, label="weight")]
    source = viz.draw(dot(w, x)).source
    labels = taillabels(source)
    assert labels[node_id(card_line(source, "q"))] == "w2"
    assert labels[node_id(card_line(source, "height"))] == "x1"


def test_an_operand_name_the_card_already_shows_is_not_repeated():
    w = [Value(1.0, label="w1"), Value(2.0, label="w2")]
    x = [Value(3.0, label="x1"), Value(4.0, label="size")]
    labels = taillabels(viz.draw(dot(w, x)).source)
    assert sorted(labels.values()) == ["x2"]


def test_operand_names_are_not_written_outside_a_frame_where_its_title_is():
    loss, _ = small_net()
    framed, flat = viz.draw(loss).source, viz.draw(loss, clusters=False).source
    assert "taillabel" not in framed  # inputs enter each neuron's frame; w1, w2 repeat the cards' titles
    names = [re.search(r'taillabel="(\w+)"', attrs).group(1) for _, _, attrs in edges(flat) if "taillabel" in attrs]
    assert names.count("w1") == 3  # each neuron's, at cards titled "L1.N1.w1" and so on
    assert names.count("x1") == 1  # L2.N1's x1 is L1.N1.out; the input card x1 says so itself


# ----- roles -------------------------------------------------------------------------------------


def test_roles_have_their_own_colours():
    loss, _ = small_net()
    source = viz.draw(loss, clusters=False).source
    assert style.ROLES["input"].fill in card_line(source, "x1")
    assert style.ROLES["parameter"].fill in card_line(source, "L1.N1.w1")
    assert style.ROLES["output"].border in card_line(source, "loss")
    assert style.ROLES["intermediate"].fill in card_line(source, "L1.N1.out")


def test_constants_are_small_quiet_chips_without_a_grad_row():
    x = Value(2.0, label="x")
    y = x * Value(3.0)
    source = viz.draw(y).source
    chip = next(line for line in source.splitlines() if style.ROLES["constant"].fill in line)
    assert ">3<" in chip and ">grad<" not in chip


def test_several_outputs_are_all_drawn_as_outputs():
    x = Value(1.0, label="x")
    a, b = x * 2.0, x + 1.0
    a.label, b.label = "a", "b"
    source = viz.draw([a, b]).source
    assert style.ROLES["output"].border in card_line(source, "a")
    assert style.ROLES["output"].border in card_line(source, "b")


# ----- highlight, path, heat ------------------------------------------------------------------------


def test_highlight_marks_only_the_given_values():
    x, y = Value(1.0, label="x"), Value(2.0, label="y")
    source = viz.draw(x * y, highlight=[x]).source
    assert style.HIGHLIGHT in card_line(source, "x")
    assert style.HIGHLIGHT not in card_line(source, "y")


def test_path_highlights_every_value_between_start_and_end_and_nothing_else():
    loss, x = small_net()
    source = viz.draw(loss, path=(x[0], loss), clusters=False).source
    for label in ("x1", "L1.N1.out", "L2.N1.out", "loss"):
        assert style.HIGHLIGHT in card_line(source, label), label
    for label in ("x2", "L1.N1.w1", "L2.N1.b"):
        assert style.HIGHLIGHT not in card_line(source, label), label


def test_path_without_a_connection_is_a_clear_error():
    a, b = Value(1.0, label="a"), Value(2.0, label="b")
    with pytest.raises(ValueError, match="no path"):
        viz.draw(a + b, path=(a, b))


def test_heatmap_colours_the_largest_gradient_deepest_and_adds_a_legend():
    x, y = Value(3.0, label="x"), Value(0.01, label="y")
    z = x * y
    z.backward()  # dz/dy = 3 is the largest, dz/dx = 0.01
    source = viz.draw(z, heatmap=True).source
    assert style.HEAT[-1] in card_line(source, "y")
    assert style.HEAT[-1] not in card_line(source, "x")
    assert "legend [label=" in source and "|grad|" in source


def test_heat_legend_sits_past_the_outputs():
    x = Value(3.0, label="x")
    y = x * x
    y.label = "y"
    y.backward()
    source = viz.draw(y, heatmap=True).source
    assert (node_id(card_line(source, "y")), "legend", "style=invis") in edges(source)


def test_heat_legend_before_backward_shows_no_colour_swatches():
    x = Value(3.0, label="x")
    legend = next(line for line in viz.draw(x * x, heatmap=True).source.splitlines() if line.strip().startswith("legend"))
    assert not any(colour in legend for colour in style.HEAT)


def test_heat_scale_uses_a_log_scale_and_leaves_zero_uncoloured():
    scale = style.HeatScale([1e-4, 1e-2, 1.0])
    assert scale.index(1.0) == len(style.HEAT) - 1
    assert scale.index(1e-4) == 0
    assert 0 < scale.index(1e-2) < len(style.HEAT) - 1
    assert scale.index(0.0) is None


# ----- frames and folding ---------------------------------------------------------------------------


def test_values_of_a_module_sit_in_neuron_frames_inside_layer_frames():
    loss, _ = small_net()
    source = viz.draw(loss).source
    where = frames(source)
    w1_cards = [node_id(line) for line in source.splitlines() if "<B>w1</B>" in line]
    assert sorted(where[n] for n in w1_cards) == [("L1", "L1.N1"), ("L1", "L1.N2"), ("L2", "L2.N1")]
    assert where[node_id(card_line(source, "x1"))] == ()
    assert where[node_id(card_line(source, "loss"))] == ()


def test_inside_its_frame_a_label_drops_the_group_prefix():
    loss, _ = small_net()
    source = viz.draw(loss).source
    assert "<B>L1.N1.w1</B>" not in source
    assert source.count("<B>w1</B>") == 3  # one per neuron


def test_clusters_can_be_switched_off():
    loss, _ = small_net()
    source = viz.draw(loss, clusters=False).source
    assert "subgraph cluster" not in source
    assert "<B>L1.N1.w1</B>" in source


def test_collapse_neuron_draws_each_neuron_as_one_node():
    loss, _ = small_net()
    source = viz.draw(loss, collapse="neuron").source
    for name in ("L1.N1", "L1.N2", "L2.N1"):
        line = card_line(source, name)
        assert "3 params · tanh" in line and "one neuron folded" in line
    assert "w1</B>" not in source
    assert frames(source)[node_id(card_line(source, "L1.N1"))] == ("L1",)


def test_folded_neurons_of_a_layer_stand_in_order_for_every_renderer():
    loss, _ = small_net()
    source = viz.draw(loss, collapse="neuron").source
    n1, n2 = node_id(card_line(source, "L1.N1")), node_id(card_line(source, "L1.N2"))
    # In a frame laid out left to right, dot and graphviz-pure stack a chain bottom-up, so it runs backwards.
    assert f"{{ rank=same; {n2} -> {n1} [style=invis] }}" in source
    assert f"{{ rank=same; {n1} -> {n2} [style=invis] }}" in viz.draw(loss, collapse="neuron", rankdir="TB").source


def test_a_neurons_weights_stand_in_order():
    loss, _ = small_net()
    source = viz.draw(loss, clusters=False).source
    w1, w2 = node_id(card_line(source, "L1.N1.w1")), node_id(card_line(source, "L1.N1.w2"))
    assert f"{{ rank=same; {w1} -> {w2} [style=invis] }}" in source


def test_collapsed_neuron_shows_its_output_value_and_gradient():
    loss, _ = small_net()
    out = loss.parents[0].parents[0]  # (o - 1) ** 2 -> o - 1 -> o
    line = card_line(viz.draw(loss, collapse="neuron").source, "L2.N1")
    assert f">{out.data:.4f}<" in line and f">{out.grad:.4f}<" in line


def test_collapse_layer_draws_each_layer_as_one_node_with_single_edges_between():
    loss, _ = small_net()
    source = viz.draw(loss, collapse="layer").source
    l1, l2 = node_id(card_line(source, "L1")), node_id(card_line(source, "L2"))
    assert "6 params · tanh" in card_line(source, "L1")
    assert [(t, h) for t, h, _ in edges(source)].count((l1, l2)) == 1
    x1 = node_id(card_line(source, "x1"))
    assert [(t, h) for t, h, _ in edges(source)].count((x1, l1)) == 1


def test_graph_over_max_nodes_is_refused_with_advice_to_collapse():
    loss, _ = small_net()
    with pytest.raises(ValueError, match="collapse='neuron'") as info:
        viz.draw(loss, max_nodes=10)
    assert "max_nodes=10" in str(info.value)
    viz.draw(loss, max_nodes=None)
    viz.draw(loss, collapse="layer", max_nodes=10)


def test_default_limit_refuses_a_wall_of_thousands_of_nodes():
    x = Value(0.5, label="x")
    y = x
    for _ in range(400):
        y = y * 1.001
    with pytest.raises(ValueError, match="max_nodes"):
        viz.draw(y)


# ----- bad input ---------------------------------------------------------------------------------


@pytest.mark.parametrize("bad", [3.0, "x", None, [Value(1.0), 2.0]])
def test_draw_rejects_anything_but_values(bad):
    with pytest.raises(TypeError, match="Value"):
        viz.draw(bad)


def test_draw_rejects_an_empty_list():
    with pytest.raises(ValueError, match="empty"):
        viz.draw([])


@pytest.mark.parametrize(
    "options, error",
    [
        ({"rankdir": "XY"}, ValueError),
        ({"collapse": "module"}, ValueError),
        ({"precision": -1}, ValueError),
        ({"precision": 2.5}, TypeError),
        ({"max_nodes": 0}, ValueError),
        ({"path": (Value(1.0),)}, TypeError),
        ({"title": 3}, TypeError),
    ],
)
def test_draw_rejects_bad_options_with_a_message_naming_them(options, error):
    x = Value(1.0, label="x")
    with pytest.raises(error, match=next(iter(options))):
        viz.draw(x * 2.0, **options)


def test_top_to_bottom_layout():
    x = Value(1.0, label="x")
    assert "rankdir=TB" in viz.draw(x * 2.0, rankdir="TB").source
