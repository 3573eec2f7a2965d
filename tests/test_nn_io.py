"""Specification of saving and loading models: exact round trips, readable JSON, safe failure on mismatch."""

import json

import pytest

import nn


@pytest.fixture
def path(tmp_path):
    return tmp_path / "model.json"


def test_save_then_load_restores_every_parameter_exactly(path):
    trained = nn.MLP(3, [5, 2], activation="tanh", output_activation="softmax", seed=3)
    trained.save(path)
    fresh = nn.MLP(3, [5, 2], activation="tanh", output_activation="softmax", seed=4)
    fresh.load(path)
    assert fresh.state_dict() == trained.state_dict()
    assert [o.data for o in fresh([0.1, -0.2, 0.3])] == [o.data for o in trained([0.1, -0.2, 0.3])]


def test_saved_file_is_indented_json_with_architecture_and_named_parameters(path):
    net = nn.MLP(2, [2, 1], seed=0)
    net.save(path)
    text = path.read_text(encoding="utf-8")
    assert text.startswith('{\n  "format": "valuegrad.nn",')
    document = json.loads(text)
    assert document["architecture"] == {"type": "MLP", "nin": 2, "sizes": [2, 1], "activation": "relu",
                                        "output_activation": "identity"}
    assert document["num_parameters"] == 9
    assert document["parameters"] == net.state_dict()
    assert '    "layers.0.neurons.1.w.0": ' in text  # one parameter per line
    assert '  "architecture": {"type": "MLP", "nin": 2, "sizes": [2, 1], ' in text  # the architecture on one line


def test_load_model_rebuilds_an_mlp_from_the_file(path):
    net = nn.MLP(2, [4, 3], activation="gelu", output_activation="sigmoid", seed=1)
    net.save(path)
    rebuilt = nn.load_model(path)
    assert isinstance(rebuilt, nn.MLP) and rebuilt.config() == net.config()
    assert rebuilt.state_dict() == net.state_dict()


@pytest.mark.parametrize("module", [nn.Neuron(3, "relu", seed=0, name="N7"), nn.Layer(2, 3, "softmax", seed=0, name="L2")])
def test_load_model_rebuilds_neurons_and_layers(module, path):
    module.save(path)
    rebuilt = nn.load_model(path)
    assert type(rebuilt) is type(module) and rebuilt.config() == module.config()
    assert rebuilt.state_dict() == module.state_dict()


def test_loading_a_different_architecture_names_the_mismatch_and_changes_nothing(path):
    nn.MLP(2, [16, 1], seed=0).save(path)
    other = nn.MLP(2, [8, 1], seed=1)
    before = other.state_dict()
    with pytest.raises(ValueError, match=r"sizes is \[16, 1\] in the file but \[8, 1\] in this model"):
        other.load(path)
    assert other.state_dict() == before


def test_loading_a_different_activation_names_the_mismatch(path):
    nn.MLP(2, [3, 1], activation="tanh", seed=0).save(path)
    with pytest.raises(ValueError, match="activation is 'tanh' in the file but 'relu' in this model"):
        nn.MLP(2, [3, 1], seed=0).load(path)


def test_a_file_with_a_missing_parameter_is_rejected_and_the_model_unchanged(path):
    net = nn.MLP(2, [2, 1], seed=0)
    net.save(path)
    document = json.loads(path.read_text())
    for name in document["parameters"]:
        document["parameters"][name] = 123.0
    del document["parameters"]["layers.1.neurons.0.w.1"]
    path.write_text(json.dumps(document))
    before = net.state_dict()
    with pytest.raises(ValueError, match="missing parameter 'layers.1.neurons.0.w.1'"):
        net.load(path)
    assert net.state_dict() == before


def test_a_file_with_a_non_numeric_parameter_is_rejected_and_the_model_unchanged(path):
    net = nn.Neuron(2, seed=0)
    net.save(path)
    document = json.loads(path.read_text())
    document["parameters"]["w.0"] = 9.0
    document["parameters"]["b"] = "zero"
    path.write_text(json.dumps(document))
    before = net.state_dict()
    with pytest.raises(ValueError, match="parameter 'b' must be a finite number, got 'zero'"):
        net.load(path)
    assert net.state_dict() == before


def test_a_file_that_is_not_json_raises_value_error(path):
    path.write_text("weights: 1, 2, 3")
    with pytest.raises(ValueError, match="is not valid JSON"):
        nn.load_model(path)


def test_a_json_file_that_is_not_a_saved_model_raises_value_error(path):
    path.write_text('{"weights": [1, 2]}')
    with pytest.raises(ValueError, match="is not a saved valuegrad model"):
        nn.MLP(2, [1]).load(path)


def test_load_model_cannot_rebuild_a_custom_activation(path):
    def double(v):
        return v * 2

    nn.MLP(2, [1], output_activation=double, seed=0).save(path)
    with pytest.raises(ValueError, match="cannot rebuild the MLP it describes: unknown activation 'double'"):
        nn.load_model(path)


def test_a_model_with_a_custom_activation_loads_into_one_built_by_hand(path):
    def double(v):
        return v * 2

    net = nn.MLP(2, [1], output_activation=double, seed=0)
    net.save(path)
    twin = nn.MLP(2, [1], output_activation=double, seed=5)
    twin.load(path)
    assert twin.state_dict() == net.state_dict()
