"""Specification of saving and loading models: exact round trips, readable JSON, safe failure on mismatch."""

import json
import os
import re
import time
import tracemalloc

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


# ----- loading on the class or on an instance -------------------------------------------------------


def test_load_called_on_the_class_returns_the_saved_model(path):
    net = nn.MLP(2, [4, 1], activation="tanh", seed=2)
    net.save(path)
    rebuilt = nn.MLP.load(path)
    assert isinstance(rebuilt, nn.MLP) and rebuilt.config() == net.config()
    assert rebuilt.state_dict() == net.state_dict()
    assert rebuilt([0.3, -0.1]).data == net([0.3, -0.1]).data


def test_load_called_on_an_instance_loads_in_place_and_returns_none(path):
    nn.MLP(2, [4, 1], seed=2).save(path)
    net = nn.MLP(2, [4, 1], seed=9)
    weights = net.parameters()
    assert net.load(path) is None
    assert net.parameters() == weights and net.state_dict() == nn.load_model(path).state_dict()


def test_load_on_the_wrong_class_names_what_the_file_holds(path):
    nn.Neuron(2, seed=0).save(path)
    with pytest.raises(ValueError, match=r"model.json holds a Neuron, not an MLP: use nn.Neuron.load\(path\)"):
        nn.MLP.load(path)
    assert isinstance(nn.Module.load(path), nn.Neuron)  # the base class accepts any saved model


def test_load_on_a_custom_module_class_says_to_build_it_first(path):
    class Line(nn.Module):
        def __init__(self):
            self.slope = nn.Neuron(1, seed=0)

    Line().save(path)
    with pytest.raises(ValueError, match="cannot rebuild a model of type 'Line'"):
        Line.load(path)
    twin = Line()
    twin.load(path)  # an instance loads in place


# ----- atomic saves ---------------------------------------------------------------------------------


@pytest.mark.parametrize("failing", ["fsync", "replace"])
def test_a_save_that_fails_midway_leaves_the_previous_file_byte_for_byte(path, monkeypatch, failing):
    nn.MLP(2, [3, 1], seed=0).save(path)
    before = path.read_bytes()

    def disk_full(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, failing, disk_full)
    with pytest.raises(OSError, match="No space left"):
        nn.MLP(2, [3, 1], seed=1).save(path)
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]  # no temporary file left behind


def test_a_save_replaces_the_file_in_one_step_keeping_its_permissions(path):
    nn.MLP(2, [1], seed=0).save(path)
    path.chmod(0o640)
    nn.MLP(2, [1], seed=1).save(path)
    assert nn.load_model(path).state_dict() == nn.MLP(2, [1], seed=1).state_dict()
    assert path.stat().st_mode & 0o777 == 0o640


# ----- hostile and broken files ---------------------------------------------------------------------


def _document(architecture, parameters=None):
    return {"format": "valuegrad.nn", "version": 1, "architecture": architecture, "parameters": parameters or {}}


def _load_bounded(path, *, trace_memory=True):
    """load_model(path) must raise ValueError naming the file quickly and in little memory."""
    started = time.perf_counter()
    with pytest.raises(ValueError) as caught:
        nn.load_model(path)
    seconds = time.perf_counter() - started
    peak = 0
    if trace_memory:
        tracemalloc.start()  # measured apart: tracing every allocation slows parsing tenfold
        try:
            with pytest.raises(ValueError):
                nn.load_model(path)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert str(path) in str(caught.value)
    assert seconds < 2.0 and peak < 50 * 2**20, (seconds, peak)
    return str(caught.value)


@pytest.mark.parametrize("architecture", [
    {"type": "MLP", "nin": 10**9, "sizes": [1], "activation": "relu", "output_activation": "identity"},
    {"type": "MLP", "nin": 2, "sizes": [10**9, 1], "activation": "relu", "output_activation": "identity"},
    {"type": "Neuron", "nin": 10**9, "activation": "relu", "name": "N1"},
    {"type": "Layer", "nin": 10**5, "nout": 10**5, "activation": "relu", "name": "L1"},
])
def test_a_small_file_claiming_a_huge_model_is_refused_before_building(path, architecture):
    path.write_text(json.dumps(_document(architecture, {"b": 0.0})))
    assert path.stat().st_size < 300
    message = _load_bounded(path)
    assert "implies" in message and "the file holds 1" in message


def test_a_file_claiming_a_million_layers_is_refused_before_building(path):
    path.write_text(json.dumps(_document({"type": "MLP", "nin": 1, "sizes": [1] * 10**6})))  # 3 MB of JSON
    message = _load_bounded(path, trace_memory=False)  # tracing a million list items would take seconds
    assert "sizes must be a list of 1 to 1000 layer widths, got 1000000 widths" in message


def test_a_file_whose_claimed_shape_does_not_match_its_parameters_is_refused(path):
    net = nn.MLP(2, [3, 1], seed=0)
    net.save(path)
    document = json.loads(path.read_text())
    document["architecture"]["sizes"] = [4, 1]
    path.write_text(json.dumps(document))
    assert "implies 17 parameters but the file holds 13" in _load_bounded(path)


BAD_FILES = {
    "deeply nested": ("[" * 100_000 + "]" * 100_000).encode(),
    "type is a list": json.dumps(_document({"type": [1], "nin": 1})).encode(),
    "400-digit parameter": json.dumps(_document({"type": "Neuron", "nin": 1, "activation": "identity", "name": "N1"},
                                                {"w.0": 1.0, "b": 10**400})).encode(),
    "400-digit width": json.dumps(_document({"type": "MLP", "nin": 10**400, "sizes": [1]}, {"b": 0.0})).encode(),
    "400-digit float": b'{"format": "valuegrad.nn", "version": 1, "architecture": {"type": "Neuron", "nin": 1, '
                       b'"activation": "identity", "name": "N1"}, "parameters": {"w.0": 0, "b": 1' + b"0" * 400 + b'.5}}',
    "binary": bytes(range(256)) * 4,
    "Infinity": b'{"format": "valuegrad.nn", "version": 1, "architecture": {"type": "Neuron", "nin": 1}, '
                b'"parameters": {"w.0": Infinity, "b": 0}}',
    "NaN version": b'{"format": "valuegrad.nn", "version": NaN}',
    "a list": b"[1, 2, 3]",
    "empty": b"",
    "version is a dict": b'{"format": "valuegrad.nn", "version": {}}',
    "nin is a string": json.dumps(_document({"type": "Neuron", "nin": "3"}, {"b": 0.0})).encode(),
    "nin is missing": json.dumps(_document({"type": "MLP", "sizes": [1]}, {"b": 0.0})).encode(),
    "unknown argument": json.dumps(_document({"type": "Neuron", "nin": 1, "colour": "red"},
                                             {"w.0": 0.0, "b": 0.0})).encode(),
}


@pytest.mark.parametrize("kind", BAD_FILES)
def test_every_bad_file_is_a_value_error_naming_the_file(path, kind):
    path.write_bytes(BAD_FILES[kind])
    _load_bounded(path)
    with pytest.raises(ValueError, match=re.escape(str(path))):
        nn.Neuron(1, seed=0).load(path)


def test_a_file_larger_than_any_model_is_refused_unread(path, monkeypatch):
    monkeypatch.setattr(nn.serialization, "MAX_FILE_BYTES", 1000)
    nn.MLP(2, [16, 16, 1], seed=0).save(path)
    with pytest.raises(ValueError, match="larger than"):
        nn.load_model(path)
