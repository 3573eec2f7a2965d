"""Specification of the playground's training session (no HTTP): configs, steps, state, graphs, saving."""

import json
import math
import threading
import time

import numpy as np
import pytest

import autograd
import nn
from viz.playground_config import FEATURES, MAX_NEURONS, check_config
from viz.playground_data import feature_matrix, generate
from viz.playground_player import Player
from viz.playground_session import GRID, TrainingSession, plane_grid

SMALL = {"points": 40, "hidden": [3], "batch_size": 8}


def test_moons_2_8_8_1_tanh_reaches_90_percent_test_accuracy_within_400_steps():
    session = TrainingSession({"dataset": "moons", "hidden": [8, 8], "activation": "tanh", "points": 200})
    assert session.config.sizes == (2, 8, 8, 1)
    best = 0.0
    for _ in range(8):
        session.step(50)
        best = max(best, session.state(pictures=False)["test_accuracy"])
    assert session.state(pictures=False)["step"] == 400
    assert best >= 0.9


@pytest.mark.parametrize("bad, words", [
    ({"dataset": "iris"}, "unknown dataset 'iris'"),
    ({"hidden": [8] * 7}, "at most 6"),
    ({"hidden": [MAX_NEURONS + 1]}, "hidden[0]"),
    ({"hidden": "8,8"}, "hidden"),
    ({"lr": -0.1}, "lr must be a number in (0, 10]"),
    ({"lr": float("nan")}, "lr"),
    ({"noise": 5}, "noise"),
    ({"batch_size": 0}, "batch_size"),
    ({"points": 10**6}, "points"),
    ({"features": []}, "features"),
    ({"features": ["x3"]}, "unknown feature 'x3'"),
    ({"activation": "swish"}, "unknown activation"),
    ({"optimizer": "lbfgs"}, "unknown optimizer"),
    ({"seed": -1}, "seed"),
    ({"speed": 2}, "unknown setting 'speed'"),
    ([1, 2], "JSON object"),
])
def test_a_bad_config_is_a_value_error_naming_it_and_changes_nothing(bad, words):
    session = TrainingSession(SMALL)
    session.step(3)
    before = (session.config, session.model.state_dict(), session.state(pictures=False)["step"])
    with pytest.raises(ValueError) as info:
        session.reset(bad)
    assert words in str(info.value)
    assert (session.config, session.model.state_dict(), session.state(pictures=False)["step"]) == before


def test_missing_settings_take_the_defaults_and_features_keep_one_order():
    config = check_config({"features": ["sin(x2)", "x1"], "hidden": []})
    assert config.features == ("x1", "sin(x2)") and config.sizes == (2, 1) and config.dataset == "moons"


@pytest.mark.parametrize("dataset", ["xor", "circles", "moons", "spirals", "blobs"])
def test_every_dataset_has_both_classes_on_the_plane(dataset):
    X, y = generate(check_config({"dataset": dataset, "points": 100, "noise": 0.0}))
    assert X.shape == (100, 2) and sorted(set(y.tolist())) == [0, 1]
    assert np.abs(X).max() <= 2.5 + 1e-9


def test_features_are_the_formulas_of_the_plane_coordinates():
    F = feature_matrix(np.array([[2.0, -1.0]]), FEATURES)
    assert F.tolist() == [[2.0, -1.0, 4.0, 1.0, -2.0, math.sin(2.0), math.sin(-1.0)]]


def test_state_reports_losses_accuracies_curves_weights_and_gradients():
    session = TrainingSession(SMALL)
    session.step(4)
    s = session.state(pictures=False)
    assert s["step"] == 4 and s["curves"]["step"] == [0, 1, 2, 3, 4]
    assert s["train_loss"] == s["curves"]["train_loss"][-1] and 0 <= s["test_accuracy"] <= 1
    neuron = s["network"][0][0]
    w = session.model.layers[0].neurons[0].w
    assert neuron["name"] == "L1.N1" and neuron["weights"] == [p.data for p in w]
    assert neuron["grads"] == [p.grad for p in w] and any(g != 0 for g in neuron["grads"])
    assert len(s["points"]["train"]) + len(s["points"]["test"]) == 40
    json.dumps(s, allow_nan=False)


def test_the_losses_are_nn_losses_of_the_model_on_the_points():
    session = TrainingSession(SMALL)
    session.step(5)
    s = session.state(pictures=False)
    X = np.array([p[:2] for p in s["points"]["test"]])
    y = np.array([p[2] for p in s["points"]["test"]])
    scores = nn.evaluate(session.model, feature_matrix(X, session.config.features), y,
                         loss="binary_cross_entropy_with_logits")
    assert s["test_loss"] == pytest.approx(scores["loss"], rel=1e-12)
    assert s["test_accuracy"] == scores["accuracy"]


def test_heatmaps_are_the_model_evaluated_by_the_engine_over_the_plane():
    session = TrainingSession({**SMALL, "features": ["x1", "x2", "x1*x2"]})
    session.step(3)
    s = session.state()
    assert s["grid"] == GRID and np.array(s["heatmap"]).shape == (GRID, GRID)
    x1, x2 = plane_grid(GRID)
    for k in (0, 417, GRID * GRID - 1):
        row = feature_matrix(np.array([[x1[k], x2[k]]]), session.config.features)[0]
        with autograd.no_grad():
            logit = session.model(row.tolist())
        logit = logit[0] if isinstance(logit, list) else logit
        assert s["heatmap"][k // GRID][k % GRID] == pytest.approx(1 / (1 + math.exp(-logit.data)), abs=1e-3)
    assert [len(layer) for layer in s["neuron_maps"]] == [3, 1]
    assert len(s["feature_maps"]) == 3 and np.array(s["neuron_maps"][0][0]["grid"]).shape == (GRID // 3, GRID // 3)
    small = plane_grid(GRID // 3)
    corner = s["neuron_maps"][1][0]  # the output neuron's logit at the small grid's top-left cell centre
    row = feature_matrix(np.array([[small[0][0], small[1][0]]]), session.config.features)[0]
    with autograd.no_grad():
        logit = session.model(row.tolist())
    logit = logit[0] if isinstance(logit, list) else logit
    assert corner["grid"][0][0] * corner["scale"] / 100 == pytest.approx(logit.data, abs=corner["scale"] / 100)
    assert max(abs(q) for r in corner["grid"] for q in r) == 100 and small[0].size == (GRID // 3) ** 2


def test_a_neuron_output_is_its_live_graph_for_one_sample():
    session = TrainingSession({**SMALL, "hidden": [3, 2]})
    session.step(2)
    out = session.neuron_output(2, 1, sample=4)
    a, b, _ = session.state(pictures=False)["points"]["train"][4]
    row = feature_matrix(np.array([[a, b]]), session.config.features)[0].tolist()
    with autograd.no_grad():
        hidden = session.model.layers[0](row)
        expected = session.model.layers[1].neurons[0](hidden)
    assert out.label == "L2.N1.out" and out.data == pytest.approx(expected.data, abs=1e-3)
    leaves = {v.label for v in autograd.topological_order(out) if v.is_leaf}
    assert {"x1", "x2", "L1.N1.w1", "L2.N1.b"} <= leaves


@pytest.mark.parametrize("args, words", [((3, 1, 0), "layer must be from 1 to 2"), ((1, 4, 0), "neurons 1 to 3"),
                                         ((1, 1, 999), "sample must be from 0")])
def test_a_neuron_outside_the_network_is_a_clear_error(args, words):
    with pytest.raises(ValueError, match=words.replace("(", r"\(")):
        TrainingSession(SMALL).neuron_output(*args)


def test_a_diverging_run_stops_with_a_message_and_refuses_more_steps():
    session = TrainingSession({**SMALL, "optimizer": "sgd", "lr": 10.0, "activation": "linear",
                               "features": list(FEATURES), "hidden": [8, 8, 8, 8, 8, 8]})
    session.step(200)
    s = session.state()
    assert "diverged" in s["error"] and s["step"] < 200
    json.dumps(s, allow_nan=False)
    with pytest.raises(ValueError, match="reset"):
        session.step(1)


def test_the_saved_model_loads_back_with_nn(tmp_path):
    session = TrainingSession(SMALL)
    session.step(3)
    session.save_model(tmp_path / "m.json")
    assert nn.load_model(tmp_path / "m.json").state_dict() == session.model.state_dict()


def test_the_snippet_rebuilds_the_run_weight_for_weight(tmp_path, monkeypatch):
    config = {"dataset": "xor", "points": 60, "hidden": [4], "features": ["x1", "x2", "x1*x2"],
              "batch_size": 10, "l2": 0.001, "seed": 5, "test_fraction": 0.5}
    session = TrainingSession(config)
    session.step(6)  # 30 training points / 10 = 3 batches per epoch: 6 steps = 2 epochs
    monkeypatch.chdir(tmp_path)
    code = session.snippet()
    assert "epochs=2" in code
    assert "# 6 playground steps of 10 points = 2 epochs of 3 batches\n" in code
    namespace: dict = {}
    exec(compile(code, "snippet", "exec"), namespace)  # our own generated program, in a test
    assert namespace["model"].state_dict() == pytest.approx(session.model.state_dict(), rel=1e-12, abs=1e-15)


def test_the_snippet_says_when_fit_rounds_a_part_epoch_up():
    from viz.playground_config import check_config
    from viz.playground_snippet import snippet
    config = check_config({"batch_size": 10})
    assert "= 2.5 epochs of 10 batches; nn.fit trains whole epochs: 3" in snippet(config, 25, 100)
    assert "= 0 epochs of 10 batches; nn.fit trains whole epochs: 1" in snippet(config, 0, 100)


def test_the_player_trains_in_the_background_while_the_state_is_read():
    session = TrainingSession(SMALL)
    player = Player(session)
    errors = []

    def reader():
        try:
            for _ in range(30):
                json.dumps(session.state(), allow_nan=False)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    player.play()
    threads = [threading.Thread(target=reader) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    player.pause()
    time.sleep(0.1)
    paused_at = session.state(pictures=False)["step"]
    time.sleep(0.15)
    assert session.state(pictures=False)["step"] == paused_at > 0
    player.close()
    assert not errors
