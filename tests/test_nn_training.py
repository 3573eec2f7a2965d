"""Specification of nn.training: fit is the hand-written loop plus bookkeeping; inference records no graph."""

import numpy as np
import pytest

import autograd
from nn.data import gender_table, make_moons, minibatches, one_hot, xor_table
from nn.layers import MLP, Neuron
from nn.losses import hinge, l2_penalty, mse
from nn.optim import SGD, Adam
from nn.schedules import StepDecay
from nn.training import EarlyStopping, History, evaluate, fit, model_outputs, predict


def weights(model):
    return [p.data for p in model.parameters()]


def small_net(seed=1):
    return MLP(2, [3, 1], activation="tanh", output_activation="sigmoid", seed=seed)


def test_fit_is_exactly_the_hand_written_minibatch_loop():
    X, y = make_moons(30, noise=0.1, seed=0)
    by_fit, by_hand = small_net(), small_net()
    history = fit(by_fit, X, y, loss="mse", optimizer=SGD(by_fit.parameters(), lr=0.5), epochs=3,
                  batch_size=8, seed=4, progress=False)
    optimizer, rng, epoch_losses = SGD(by_hand.parameters(), lr=0.5), np.random.default_rng(4), []
    for _ in range(3):
        total = 0.0
        for xb, yb in minibatches(X, y, 8, seed=rng):
            loss = mse([by_hand(x) for x in xb], yb)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.data * len(yb)
        epoch_losses.append(total / len(y))
    assert weights(by_fit) == weights(by_hand)
    assert history.loss == epoch_losses


def test_fit_records_one_entry_per_epoch_and_lowers_the_loss():
    X, y = gender_table()
    model = small_net()
    history = fit(model, X / 10, y, loss="mse", optimizer=SGD(model.parameters(), lr=1.0), epochs=150, progress=False)
    assert history.epochs == 150 == len(history.metrics["accuracy"]) == len(history.seconds)
    assert history.loss[-1] < history.loss[0] / 5
    assert history.metrics["accuracy"][-1] == 1.0
    assert history.val_loss == [] and history.best_epoch is None and not history.stopped_early


def test_training_accuracy_is_scored_on_each_batch_before_its_update():
    X, y = xor_table()
    model = small_net()
    before = evaluate(model, X, y, loss="mse")["accuracy"]
    history = fit(model, X, y, loss="mse", optimizer=SGD(model.parameters(), lr=0.1), epochs=1, progress=False)
    assert history.metrics["accuracy"] == [before]  # full batch: the one forward pass before the step


def test_validation_adds_val_series_that_match_evaluate_on_the_final_model():
    X, y = make_moons(40, seed=0)
    X_val, y_val = make_moons(20, seed=1)
    model = small_net()
    history = fit(model, X, y, loss="mse", optimizer=SGD(model.parameters(), lr=0.5), epochs=4, batch_size=10,
                  validation=(X_val, y_val), progress=False)
    assert len(history.val_loss) == len(history.val_metrics["accuracy"]) == 4
    final = evaluate(model, X_val, y_val, loss="mse")
    assert history.val_loss[-1] == final["loss"] and history.val_metrics["accuracy"][-1] == final["accuracy"]
    assert set(history.as_dict()) == {"loss", "accuracy", "val_loss", "val_accuracy"}


def _drifting_problem():
    """Training pulls the single weight towards +2 while validation wants −2: val_loss only worsens."""
    X = np.linspace(-1.0, 1.0, 9)[:, None]
    return X, 2.0 * X[:, 0], (X, -2.0 * X[:, 0])


def test_early_stopping_stops_after_patience_epochs_without_improvement_and_restores_the_best():
    X, y, validation = _drifting_problem()
    model = Neuron(1, weights=[0.0], bias=0.0)
    history = fit(model, X, y, loss="mse", optimizer=SGD(model.parameters(), lr=0.3), epochs=50,
                  validation=validation, metrics=(), early_stopping=EarlyStopping(patience=2), progress=False)
    assert history.stopped_early and history.epochs == 3 and history.best_epoch == 1
    once = Neuron(1, weights=[0.0], bias=0.0)
    fit(once, X, y, loss="mse", optimizer=SGD(once.parameters(), lr=0.3), epochs=1, metrics=(), progress=False)
    assert weights(model) == weights(once)


def test_early_stopping_can_monitor_a_maximised_metric_and_accepts_an_int_patience():
    X, y = make_moons(40, seed=0)
    model = small_net()
    history = fit(model, X, y, loss="mse", optimizer=SGD(model.parameters(), lr=0.0), epochs=10,
                  validation=(X, y), early_stopping=EarlyStopping(monitor="val_accuracy", patience=3), progress=False)
    assert history.epochs == 4 and history.best_epoch == 1  # lr 0: nothing ever improves
    assert EarlyStopping(monitor="val_accuracy").improved(0.9, best=0.8)
    assert not EarlyStopping(monitor="val_loss", min_delta=0.1).improved(0.75, best=0.8)
    history = fit(small_net(), X, y, loss="mse", optimizer=SGD(small_net().parameters(), lr=0.1), epochs=3,
                  validation=(X, y), early_stopping=5, progress=False)
    assert history.best_epoch is not None


@pytest.mark.parametrize("kwargs, message", [
    (dict(early_stopping=EarlyStopping(monitor="val_loss")), "val_loss"),
    (dict(early_stopping=EarlyStopping(monitor="f1"), validation=None), "f1"),
])
def test_early_stopping_on_a_series_fit_does_not_record_is_refused(kwargs, message):
    X, y = xor_table()
    model = small_net()
    with pytest.raises(ValueError, match=message):
        fit(model, X, y, loss="mse", optimizer=SGD(model.parameters(), lr=0.1), epochs=2, progress=False, **kwargs)


def test_l2_is_added_to_the_objective_but_not_to_the_recorded_loss():
    X, y = make_moons(20, seed=0)
    y = 2 * y - 1
    by_fit, by_hand = small_net(), small_net()
    history = fit(by_fit, X, y, loss="hinge", optimizer=SGD(by_fit.parameters(), lr=0.5), epochs=2, l2=0.01,
                  progress=False)
    optimizer = SGD(by_hand.parameters(), lr=0.5)
    recorded = []
    for _ in range(2):
        data_loss = hinge([by_hand(x) for x in X.tolist()], y)
        objective = data_loss + l2_penalty(by_hand.parameters(), 0.01)
        optimizer.zero_grad()
        objective.backward()
        optimizer.step()
        recorded.append(data_loss.data)
    assert weights(by_fit) == weights(by_hand)
    assert history.loss == pytest.approx(recorded, rel=1e-15, abs=1e-15)


def test_a_schedule_is_stepped_once_per_epoch():
    X, y = xor_table()
    model = small_net()
    optimizer = SGD(model.parameters(), lr=1.0)
    fit(model, X, y, loss="mse", optimizer=optimizer, epochs=4, schedule=StepDecay(optimizer, 2, 0.5),
        progress=False)
    assert optimizer.lr == 0.25


def test_the_progress_bar_shows_loss_and_accuracy_on_stderr_even_without_a_terminal(capsys):
    X, y = xor_table()
    model = small_net()
    fit(model, X, y, loss="mse", optimizer=SGD(model.parameters(), lr=0.1), epochs=2, progress=True)
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "epoch 2/2" in captured.err and "loss=" in captured.err and "acc=" in captured.err


def test_the_progress_bar_is_tqdm_auto_so_a_notebook_shows_one_live_widget(monkeypatch):
    import tqdm.auto

    made = []

    class Recording(tqdm.auto.tqdm):
        def __init__(self, *args, **kwargs):
            made.append(kwargs)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(tqdm.auto, "tqdm", Recording)  # in Jupyter tqdm.auto is the widget bar
    X, y = xor_table()
    model = small_net()
    fit(model, X, y, loss="mse", optimizer=SGD(model.parameters(), lr=0.1), epochs=3, batch_size=2, progress=True)
    assert len(made) == 1 and made[0]["total"] == 3 * 2  # one bar for the whole run: epochs × batches


def test_no_progress_bar_writes_nothing(capsys):
    X, y = xor_table()
    model = small_net()
    fit(model, X, y, loss="mse", optimizer=SGD(model.parameters(), lr=0.1), epochs=2, progress=False)
    assert capsys.readouterr() == ("", "")


def test_custom_metric_functions_are_recorded_under_their_names():
    X, y = xor_table()
    model = small_net()

    def errors(true, pred):
        return float(np.sum(true != pred))

    history = fit(model, X, y, loss="mse", optimizer=SGD(model.parameters(), lr=0.1), epochs=2,
                  metrics=("accuracy", errors), progress=False)
    assert [a * 4 + e for a, e in zip(history["accuracy"], history["errors"])] == [4.0, 4.0]


def test_metrics_none_records_only_the_loss():
    X, y = xor_table()
    model = small_net()
    history = fit(model, X, y, loss="mse", optimizer=SGD(model.parameters(), lr=0.1), epochs=2, metrics=None,
                  progress=False)
    assert history.as_dict().keys() == {"loss"} and len(history.loss) == 2


def test_fit_trains_a_softmax_output_layer_on_one_hot_targets():
    centres = np.array([[0.0, 2.0], [2.0, -1.0], [-2.0, -1.0]])
    X = np.repeat(centres, 4, axis=0) + np.random.default_rng(0).normal(scale=0.3, size=(12, 2))
    labels = np.repeat([0, 1, 2], 4)
    model = MLP(2, [3], output_activation="softmax", seed=0)
    history = fit(model, X, one_hot(labels), loss="categorical_cross_entropy",
                  optimizer=Adam(model.parameters(), lr=0.1), epochs=30, progress=False)
    assert history.loss[-1] < history.loss[0] / 3 and history["accuracy"][-1] == 1.0
    probabilities = model_outputs(model, X)  # inference under no_grad goes through the softmax too
    assert np.allclose(probabilities.sum(axis=1), 1.0) and predict(model, X).tolist() == labels.tolist()
    assert evaluate(model, X, one_hot(labels), loss="categorical_cross_entropy")["accuracy"] == 1.0


class _RecordsGradMode:
    """A model that notes whether the engine records a graph while it runs."""

    def __init__(self):
        self.net, self.modes = small_net(), []

    def parameters(self):
        return self.net.parameters()

    def __call__(self, x):
        self.modes.append(autograd.is_grad_enabled())
        return self.net(x)


def test_inference_runs_without_recording_a_graph():
    X, y = xor_table()
    model = _RecordsGradMode()
    model_outputs(model, X)
    predict(model, X)
    evaluate(model, X, y, loss="mse")
    assert model.modes and not any(model.modes)
    assert autograd.is_grad_enabled()
    assert all(p.grad == 0.0 for p in model.parameters())


def test_model_outputs_are_a_float_array_of_samples_by_outputs():
    out = model_outputs(MLP(2, [4, 3], seed=0), np.zeros((5, 2)))
    assert out.shape == (5, 3) and out.dtype == np.float64


def test_predict_infers_the_decision_rule_from_the_loss():
    net = MLP(2, [4, 1], seed=2)
    X = make_moons(40, seed=0)[0]
    score = model_outputs(net, X)[:, 0]
    assert predict(net, X, loss="hinge").tolist() == np.where(score > 0, 1, -1).tolist()
    assert predict(net, X, loss="binary_cross_entropy_with_logits").tolist() == (score > 0).astype(int).tolist()
    assert predict(net, X).tolist() == (score > 0.5).astype(int).tolist()
    multi = MLP(2, [4, 3], seed=2)
    assert predict(multi, X).tolist() == model_outputs(multi, X).argmax(axis=1).tolist()


def test_evaluate_gives_the_mean_loss_and_the_metrics():
    X, y = xor_table()
    model = small_net()
    scores = evaluate(model, X, y, loss="mse")
    out = model_outputs(model, X)[:, 0]
    assert scores["loss"] == pytest.approx(np.mean((out - y) ** 2), rel=1e-12)
    assert scores["accuracy"] == np.mean((out > 0.5) == y)


@pytest.mark.parametrize("change, error, message", [
    (dict(y=np.arange(3)), ValueError, "same number of samples"),
    (dict(epochs=0), ValueError, "epochs"),
    (dict(batch_size=0), ValueError, "batch_size"),
    (dict(optimizer=object()), TypeError, "step"),
    (dict(X=np.zeros((4, 3))), ValueError, "inputs"),
    (dict(validation=(np.zeros((2, 3)), [0, 1])), ValueError, "features"),
    (dict(validation=np.zeros((2, 2))), TypeError, "pair"),
    (dict(early_stopping="yes"), TypeError, "early_stopping"),
    (dict(decision="nearest"), ValueError, "decision"),
    (dict(l2=-1.0), ValueError, "l2"),
    (dict(loss="mae"), (ValueError, KeyError), "mae"),
    (dict(model=3), TypeError, r"model must be callable and have \.parameters\(\)"),
    (dict(schedule="cosine"), TypeError, r"schedule must have \.step\(\)"),
    (dict(metrics=3), TypeError, "metrics must be names or functions"),
])
def test_fit_rejects_bad_arguments_with_a_clear_error(change, error, message):
    X, y = xor_table()
    model = small_net()
    kwargs = dict(model=model, X=X, y=y, loss="mse", optimizer=SGD(model.parameters(), lr=0.1), epochs=1,
                  progress=False)
    kwargs.update(change)
    with pytest.raises(error, match=message):
        fit(kwargs.pop("model"), kwargs.pop("X"), kwargs.pop("y"), **kwargs)
    assert weights(model) == weights(small_net())  # checked before any training step


def test_a_diverging_run_stops_with_advice_about_the_learning_rate():
    X = np.array([[1.0], [2.0]])
    model = Neuron(1, weights=[1.0], bias=0.0)
    with pytest.raises(OverflowError, match="learning rate"):
        fit(model, X, [3.0, -1.0], loss="mse", optimizer=SGD(model.parameters(), lr=1e150), epochs=20,
            metrics=(), progress=False)


def test_history_reads_as_series_rows_and_a_table():
    history = History(loss=[0.5, 0.25, 0.125], metrics={"accuracy": [0.5, 0.75, 1.0]}, seconds=[1.0, 1.0, 1.0])
    assert history["loss"] == [0.5, 0.25, 0.125]
    assert history.last() == {"loss": 0.125, "accuracy": 1.0}
    rows = history.table(every=2).splitlines()
    assert rows[0].split() == ["epoch", "loss", "accuracy", "seconds"]
    assert [r.split()[0] for r in rows[1:]] == ["2", "3"]  # every 2nd epoch, and always the last
    with pytest.raises(KeyError, match="val_loss"):
        history["val_loss"]
