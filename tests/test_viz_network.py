"""Specification of viz.draw_network: circles in columns, edges by weight, activations and their gradients."""

import re

import pytest

import nn
import viz
from autograd import Value, grad
from viz import style


def tutorial_network(w=((0, 1), (0, 1)), w_out=(0, 1)):
    """The backpropagation tutorial's 2-2-1 sigmoid network (all weights [0, 1], biases 0 by default)."""
    return nn.MLP(2, [2, 1], "sigmoid", "sigmoid", weights=[[list(w[0]), list(w[1])], [list(w_out)]],
                  biases=[[0, 0], [0]])


def unit_lines(source):
    return [line for line in source.splitlines() if re.match(r"\s*u\d+_\d+ \[", line)]


def weight_edges(source):
    return [line for line in source.splitlines() if re.match(r"\s*(u|b)\d+(_\d+)? -> u\d+_\d+ \[", line)]


def test_one_circle_per_unit_and_one_edge_per_weight_and_bias():
    net = nn.MLP(3, [4, 2], seed=0)
    source = viz.draw_network(net).source
    assert len(unit_lines(source)) == 3 + 4 + 2
    assert len(weight_edges(source)) == 3 * 4 + 4 + 4 * 2 + 2
    assert all("shape=circle" in line for line in unit_lines(source))


def test_bias_units_can_be_left_out():
    source = viz.draw_network(nn.MLP(2, [2, 1], seed=0), show_bias=False).source
    assert "+1" not in source
    assert len(weight_edges(source)) == 2 * 2 + 2 * 1


def test_edge_thickness_follows_weight_size_and_colour_its_sign():
    net = tutorial_network(w=((0.5, -2.0), (0.1, 0.1)), w_out=(1.0, 1.0))
    edges = weight_edges(viz.draw_network(net, show_bias=False).source)
    width = {line.split(" [")[0].strip(): float(re.search(r"penwidth=([\d.]+)", line).group(1)) for line in edges}
    assert width["u0_1 -> u1_0"] == max(width.values())  # |−2| is the largest weight
    assert width["u0_0 -> u1_0"] > width["u0_0 -> u1_1"]  # 0.5 > 0.1
    heavy = next(line for line in edges if line.strip().startswith("u0_1 -> u1_0"))
    assert style.NEGATIVE in heavy and style.POSITIVE not in heavy


def test_weight_values_are_label_nodes_the_layout_keeps_off_circles_and_each_other():
    # An edge label (not a tail label) is laid out as a node of its own between the columns, on a
    # white chip so crossing lines don't strike it through.
    for edges in ("weight", "grad"):
        lines = weight_edges(viz.draw_network(tutorial_network(), edges=edges).source)
        assert all(" label=<<TABLE" in line and 'BGCOLOR="white"' in line for line in lines)
        assert not any("taillabel" in line or "headlabel" in line for line in lines)


def test_a_legend_explains_colours_widths_and_dashes():
    source = viz.draw_network(tutorial_network(), [2.0, 3.0], loss=lambda out: (1 - out) ** 2).source
    legend = next(line for line in source.splitlines() if line.strip().startswith("label=<<TABLE"))
    for text in ("positive weight", "negative weight", "|weight|", "dashed: bias weight", "∂loss/∂activation",
                 "activation for this sample"):
        assert text in legend
    assert style.POSITIVE in legend and style.NEGATIVE in legend
    trained = tutorial_network()
    ((1 - trained([2.0, 3.0])) ** 2).backward()
    assert "positive grad" in viz.draw_network(trained, edges="grad").source
    assert "positive weight" not in viz.draw_network(tutorial_network(), legend=False).source


def test_every_number_in_the_picture_has_the_chosen_precision():
    net = nn.MLP(2, [2, 1], "tanh", seed=4)
    source = viz.draw_network(net, [0.3, -0.7], loss=lambda out: out ** 2, precision=3).source
    visible = re.sub(r'(tooltip="[^"]*"|(penwidth|width|height|margin|fontsize|ranksep|nodesep|pad)=\S+)', "", source)
    shown = re.findall(r"(?<![\w.#])-?\d+\.\d+(?![\d])", visible)  # tooltips keep every digit, on purpose
    assert shown and all(len(number.split(".")[1]) == 3 for number in shown), shown


def test_given_an_input_each_circle_shows_its_activation():
    source = viz.draw_network(tutorial_network(), [2.0, 3.0]).source
    assert "<B>0.95</B>" in source  # h1 = h2 = sigmoid(3)
    assert "<B>0.72</B>" in source  # o1 = sigmoid(0.9526), the backpropagation tutorial
    assert "<B>2.00</B>" in source and "<B>3.00</B>" in source


def test_with_a_loss_each_circle_shows_the_gradient_without_touching_parameter_grads():
    net = tutorial_network(w=((1, 1), (1, 1)), w_out=(1, 1))
    loss = lambda out: (1 - out) ** 2  # noqa: E731  (the backpropagation tutorial: Alice, target 1; out is the one output Value)
    source = viz.draw_network(net, [-2.0, -1.0], loss=loss, precision=4).source
    y = net([-2.0, -1.0])
    assert f"grad {grad(loss(y), y):.4f}" in source  # -0.952 in the tutorial
    assert "grad -0.9526" in source and "loss = 0.2269" in source
    assert all(p.grad == 0.0 for p in net.parameters())


def test_columns_are_headed_with_the_layer_activation():
    source = viz.draw_network(nn.MLP(2, [3, 1], "tanh", "sigmoid", seed=0)).source
    assert "hidden 1</B><BR/>tanh" in source and "output</B><BR/>sigmoid" in source


def test_a_single_neuron_and_a_single_layer_draw_as_one_layer_networks():
    neuron = nn.Neuron(2, "sigmoid", weights=[0.0, 1.0], bias=4.0)
    assert "<B>1.00</B>" in viz.draw_network(neuron, [2.0, 3.0]).source  # sigmoid(7) = 0.999
    layer = nn.Layer(2, 3, "relu", seed=0)
    assert len(unit_lines(viz.draw_network(layer).source)) == 2 + 3


class StandInNeuron:
    """Shaped like the nn contract's Neuron, for checking draw_network needs nothing more."""

    def __init__(self, w, b, name):
        self.w = [Value(v, label=f"{name}.w{k}") for k, v in enumerate(w, start=1)]
        self.b = Value(b, label=f"{name}.b")
        self.activation = "tanh"
        self.name = name

    def __call__(self, x):
        return (sum(wi * xi for wi, xi in zip(self.w, x)) + self.b).tanh()


class StandInLayer:
    def __init__(self, rows, name):
        self.neurons = [StandInNeuron(w, 0.0, f"{name}.N{j}") for j, w in enumerate(rows, start=1)]
        self.activation = "tanh"

    def __call__(self, x):
        return [n(x) for n in self.neurons]


class StandInMLP:
    def __init__(self):
        self.layers = [StandInLayer([[1.0, -1.0], [0.5, 0.5]], "L1"), StandInLayer([[2.0, 1.0]], "L2")]


def test_any_object_shaped_like_the_nn_contract_works():
    source = viz.draw_network(StandInMLP(), [1.0, 0.0], precision=3).source
    assert f"<B>{__import__('math').tanh(1.0):.3f}</B>" in source
    assert len(unit_lines(source)) == 2 + 2 + 1


def test_bad_models_and_inputs_are_clear_errors():
    net = nn.MLP(2, [2, 1], seed=0)
    with pytest.raises(TypeError, match="nn.MLP"):
        viz.draw_network(object())
    with pytest.raises(ValueError, match="2 numbers"):
        viz.draw_network(net, [1.0, 2.0, 3.0])
    with pytest.raises(TypeError, match="sequence"):
        viz.draw_network(net, 1.0)
    with pytest.raises(ValueError, match="input sample"):
        viz.draw_network(net, loss=lambda out: out)
    with pytest.raises(TypeError, match="return a Value"):
        viz.draw_network(net, [1.0, 2.0], loss=lambda out: 3.0)
    with pytest.raises(TypeError, match="title"):
        viz.draw_network(net, title=3)


def test_networks_too_big_for_circles_are_refused():
    with pytest.raises(ValueError, match="too big"):
        viz.draw_network(nn.MLP(300, [2], seed=0))


def test_edges_can_show_each_parameters_gradient_after_backward():
    import re

    import nn
    net = nn.MLP(2, [2, 1], "sigmoid", "sigmoid", init=nn.init.constant(1.0, 0.0))  # the backpropagation tutorial's Alice set-up
    y = net([-2.0, -1.0])
    ((1 - y) ** 2).backward()
    source = viz.draw_network(net, edges="grad", precision=4).source
    w1 = net.layers[0].neurons[0].w[0]
    assert f"{w1.grad:.4f}" in source  # 0.0215, the tutorial's ∂L/∂w1, written on its edge
    widths = [float(m) for m in re.findall(r"penwidth=([\d.]+), color=", source)]
    grads = [abs(p.grad) for layer in net.layers for n in layer.neurons for p in (*n.w, n.b)]
    # The thickest edge is the parameter with the largest |grad| (the output neuron's bias here).
    assert max(widths) == pytest.approx(0.4 + 3.4)
    assert max(grads) == abs(net.layers[1].neurons[0].b.grad)
    weights_only = viz.draw_network(net).source
    assert "1.00" in weights_only and f"{w1.grad:.4f}" not in weights_only


def test_edges_option_rejects_unknown_quantities():
    import nn
    net = nn.MLP(2, [1], seed=0)
    with pytest.raises(ValueError, match="'weight', 'grad'"):
        viz.draw_network(net, edges="gradient")
    with pytest.raises(ValueError, match="edges"):
        viz.draw_network(net, edges=["grad"])


def test_gradient_edges_before_any_backward_are_neutral_and_the_legend_says_why():
    net = nn.MLP(2, [2, 1], seed=0)  # fresh: every .grad is 0
    source = viz.draw_network(net, edges="grad").source
    assert "every grad is 0: call loss.backward() first" in source
    assert "positive grad" not in source
    assert all(style.POSITIVE not in line and style.NEGATIVE not in line for line in weight_edges(source))


def test_a_zero_weight_is_drawn_without_a_sign():
    net = tutorial_network(w=((0.0, 1.0), (1.0, -1.0)))
    edges = {line.split(" [")[0].strip(): line for line in weight_edges(viz.draw_network(net, show_bias=False).source)}
    zero = edges["u0_0 -> u1_0"]
    assert style.POSITIVE not in zero and style.NEGATIVE not in zero
    assert style.POSITIVE in edges["u0_1 -> u1_0"] and style.NEGATIVE in edges["u0_1 -> u1_1"]
