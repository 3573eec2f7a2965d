"""Specification of nn.Module: parameter discovery and names, zero_grad, state dicts."""

import math

import pytest

import nn
from autograd import Value


class Affine(nn.Module):
    """A user-defined module: a scale, a shift and a child neuron."""

    def __init__(self):
        self.scale = Value(2.0)
        self.shift = [Value(0.5), Value(-0.5)]
        self.inner = nn.Neuron(1, weights=[3.0], bias=1.0)
        self._cache = Value(99.0)  # private: not a parameter

    def __call__(self, x):
        return self.inner([self.scale * x + self.shift[0] + self.shift[1]])


def test_named_parameters_of_an_mlp_follow_the_attribute_paths():
    names = [name for name, _ in nn.MLP(2, [3, 1], seed=0).named_parameters()]
    assert names[:3] == ["layers.0.neurons.0.w.0", "layers.0.neurons.0.w.1", "layers.0.neurons.0.b"]
    assert names[-3:] == ["layers.1.neurons.0.w.1", "layers.1.neurons.0.w.2", "layers.1.neurons.0.b"]
    assert len(names) == len(set(names)) == 13


def test_named_parameter_names_match_the_objects_they_name():
    net = nn.MLP(2, [4, 2], seed=0)
    for name, p in net.named_parameters():
        obj = net
        for part in name.split("."):
            obj = obj[int(part)] if part.isdigit() else getattr(obj, part)
        assert obj is p


def test_parameters_are_the_values_of_named_parameters_in_order():
    net = nn.MLP(3, [2, 2], seed=0)
    assert net.parameters() == [p for _, p in net.named_parameters()]
    assert net.num_parameters() == 3 * 2 + 2 + 2 * 2 + 2


def test_a_custom_module_finds_values_in_attributes_lists_and_children():
    names = [name for name, _ in Affine().named_parameters()]
    assert names == ["scale", "shift.0", "shift.1", "inner.w.0", "inner.b"]


def test_a_custom_module_repr_names_its_class_and_parameter_count():
    assert repr(Affine()) == "Affine(5 parameters)"


def test_a_value_shared_by_two_modules_is_one_parameter():
    net = nn.MLP(1, [1, 1], seed=0)
    net.layers[1].neurons[0].b = net.layers[0].neurons[0].b
    assert net.num_parameters() == 3
    assert "layers.1.neurons.0.b" not in dict(net.named_parameters())


def test_zero_grad_clears_every_parameter_gradient():
    net = nn.MLP(2, [3, 1], activation="tanh", seed=0)
    net([0.5, -0.5]).backward()
    assert any(p.grad != 0.0 for p in net.parameters())
    net.zero_grad()
    assert all(p.grad == 0.0 for p in net.parameters())


def test_state_dict_maps_names_to_floats():
    n = nn.Neuron(2, weights=[1.5, -2.0], bias=0.25)
    assert n.state_dict() == {"w.0": 1.5, "w.1": -2.0, "b": 0.25}


def test_load_state_dict_copies_values_exactly():
    source, target = nn.MLP(2, [3, 1], seed=0), nn.MLP(2, [3, 1], seed=1)
    target.load_state_dict(source.state_dict())
    assert target.state_dict() == source.state_dict()
    assert target([0.1, 0.2]).data == source([0.1, 0.2]).data


def test_load_state_dict_with_a_missing_name_raises_and_changes_nothing():
    net = nn.MLP(2, [2, 1], seed=0)
    before = net.state_dict()
    state = {name: 0.0 for name in before}
    del state["layers.1.neurons.0.b"]
    with pytest.raises(ValueError, match="missing parameter 'layers.1.neurons.0.b'"):
        net.load_state_dict(state)
    assert net.state_dict() == before


def test_load_state_dict_with_an_unexpected_name_raises_and_changes_nothing():
    net = nn.Neuron(1, weights=[1.0], bias=0.0)
    with pytest.raises(ValueError, match="unexpected parameter 'w.1'"):
        net.load_state_dict({"w.0": 5.0, "b": 5.0, "w.1": 5.0})
    assert net.state_dict() == {"w.0": 1.0, "b": 0.0}


@pytest.mark.parametrize("bad", [math.nan, math.inf, "1.0", None, True])
def test_load_state_dict_with_a_bad_value_raises_and_changes_nothing(bad):
    net = nn.Neuron(1, weights=[1.0], bias=0.0)
    with pytest.raises(ValueError, match="parameter 'b' must be a finite number"):
        net.load_state_dict({"w.0": 7.0, "b": bad})
    assert net.state_dict() == {"w.0": 1.0, "b": 0.0}


def test_load_state_dict_rejects_a_non_mapping():
    with pytest.raises(TypeError, match="mapping"):
        nn.Neuron(1).load_state_dict([1.0, 2.0])
