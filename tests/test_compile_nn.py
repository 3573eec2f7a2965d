"""Compiled training equals the scalar engine's: every activation, every loss, every optimizer, 20 steps."""

from __future__ import annotations

import numpy as np
import pytest

import nn
from nn.compiled import CompiledTraining, compiled_outputs

RNG = np.random.default_rng(0)
X = RNG.normal(size=(40, 3))
BINARY = (X[:, 0] > 0).astype(float)
CLASSES = RNG.integers(0, 3, 40)
ACTIVATIONS = ["sigmoid", "tanh", "relu", "leaky_relu", "elu", "gelu", "softplus", "silu", "identity", "sign"]
LOSSES = [  # loss, outputs, output activation, targets, how the targets reach the compiled loss
    ("mse", 2, "identity", RNG.normal(size=(40, 2)), "inputs"),
    ("sse", 1, "identity", RNG.normal(size=40), "inputs"),
    ("binary_cross_entropy", 1, "sigmoid", BINARY, "per target"),
    ("binary_cross_entropy_with_logits", 1, "identity", BINARY, "per target"),
    ("hinge", 1, "identity", 2 * BINARY - 1, "per target"),
    ("categorical_cross_entropy", 3, "softmax", np.eye(3)[CLASSES], "per target"),
    ("sparse_categorical_cross_entropy", 3, "softmax", CLASSES, "per target"),
]
OPTIMIZERS = {
    "sgd": lambda ps: nn.SGD(ps, lr=0.05, momentum=0.9, weight_decay=0.01),
    "rmsprop": lambda ps: nn.RMSProp(ps, lr=0.01, weight_decay=0.01),
    "adam": lambda ps: nn.Adam(ps, lr=0.01, weight_decay=0.001),
    "adamw": lambda ps: nn.AdamW(ps, lr=0.01),
}


def train_both(loss, k, y, activation="relu", output="identity", optimizer="adam", l2=0.0, steps=20):
    """20 minibatch steps compiled and scalar from the same start; returns (compiled run, weight gap, loss gap)."""
    nets = [nn.MLP(3, [5, k], activation, output, seed=3) for _ in range(2)]
    opts = [OPTIMIZERS[optimizer](net.parameters()) for net in nets]
    loss_fn = nn.losses.get(loss)
    run = CompiledTraining(nets[0], loss_fn, X, y, opts[0], l2=l2)
    order = np.random.default_rng(1)
    loss_gap = 0.0
    for _ in range(steps):
        rows = order.permutation(len(X))[:8]
        _, compiled_loss = run.step(X[rows], y[rows])
        outputs = [nets[1](x) for x in X[rows].tolist()]
        scalar_loss = loss_fn(outputs, y[rows])
        objective = scalar_loss + nn.l2_penalty(nets[1].parameters(), l2) if l2 else scalar_loss
        opts[1].zero_grad()
        objective.backward()
        opts[1].step()
        loss_gap = max(loss_gap, abs(compiled_loss - scalar_loss.data) / max(1.0, abs(scalar_loss.data)))
    run.finish()
    assert opts[0].params == nets[0].parameters()  # the optimizer's own order again
    a, b = (np.array([p.data for p in net.parameters()]) for net in nets)
    return run, float(np.abs(a - b).max() / max(1.0, np.abs(b).max())), loss_gap


@pytest.mark.parametrize("loss, k, output, y, route", LOSSES, ids=[case[0] for case in LOSSES])
def test_every_loss_trains_like_the_scalar_engine(loss, k, output, y, route) -> None:
    run, weight_gap, loss_gap = train_both(loss, k, y, output=output)
    assert weight_gap <= 1e-12 and loss_gap <= 1e-12
    assert (run.columns is None) == (route == "inputs")


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_every_activation_trains_like_the_scalar_engine(activation: str) -> None:
    _, weight_gap, loss_gap = train_both("mse", 1, RNG.normal(size=40), activation=activation)
    assert weight_gap <= 1e-12 and loss_gap <= 1e-12


@pytest.mark.parametrize("optimizer", sorted(OPTIMIZERS))
def test_every_optimizer_on_arrays_equals_the_scalar_one_over_20_steps(optimizer: str) -> None:
    _, weight_gap, _ = train_both("categorical_cross_entropy", 3, np.eye(3)[CLASSES], output="softmax",
                                  optimizer=optimizer, l2=0.01)
    assert weight_gap <= 1e-12


def test_compiled_outputs_equal_the_models_outputs() -> None:
    net = nn.MLP(3, [6, 3], "silu", "softmax", seed=0)
    np.testing.assert_allclose(compiled_outputs(net, X), nn.model_outputs(net, X), rtol=1e-13, atol=1e-15)


def test_a_loss_that_is_neither_mean_nor_sum_is_refused() -> None:
    net = nn.MLP(3, [1], seed=0)
    root_mse = lambda outputs, targets: nn.losses.mse(outputs, targets).sqrt()
    with pytest.raises(ValueError, match="mean or a sum over samples"):
        CompiledTraining(net, root_mse, X, RNG.normal(size=40), nn.SGD(net.parameters(), lr=0.1))


def test_an_optimizer_without_array_steps_is_refused() -> None:
    class Plain:
        params = []
        def step(self): ...
        def zero_grad(self): ...
    net = nn.MLP(3, [1], seed=0)
    with pytest.raises(TypeError, match="step_arrays"):
        CompiledTraining(net, nn.losses.mse, X, RNG.normal(size=40), Plain())


def test_fit_compiled_records_the_same_history_and_weights_as_fit() -> None:
    y = np.eye(3)[CLASSES]
    runs = []
    for compile in (False, True):
        net = nn.MLP(3, [6, 3], "elu", "softmax", seed=2)
        opt = nn.Adam(net.parameters(), lr=0.02)
        history = nn.fit(net, X, y, loss="categorical_cross_entropy", optimizer=opt, epochs=3, batch_size=7,
                         validation=(X[:10], y[:10]), progress=False, seed=0, l2=1e-3, compile=compile)
        runs.append((history, np.array([p.data for p in net.parameters()]), opt))
    (h0, w0, o0), (h1, w1, o1) = runs
    np.testing.assert_allclose(w1, w0, rtol=1e-12, atol=1e-14)
    for name in ("loss", "accuracy", "val_loss", "val_accuracy"):
        np.testing.assert_allclose(h1[name], h0[name], rtol=1e-12)
    assert o1.params == runs[1][2].params and [p.label for p in o1.params] == [p.label for p in o0.params]


def test_predict_and_evaluate_compiled_agree_with_the_scalar_path() -> None:
    net = nn.MLP(3, [4, 3], "relu", "softmax", seed=5)
    np.testing.assert_array_equal(nn.predict(net, X, compile=True), nn.predict(net, X))
    a = nn.evaluate(net, X, CLASSES, loss="sparse_categorical_cross_entropy", compile=True)
    b = nn.evaluate(net, X, CLASSES, loss="sparse_categorical_cross_entropy")
    assert a == pytest.approx(b, rel=1e-12)


def test_fit_predict_and_evaluate_in_float32_stay_close_to_float64() -> None:
    y = np.eye(3)[CLASSES]
    runs = {}
    for dtype in ("float64", "float32"):
        net = nn.MLP(3, [6, 3], "tanh", "softmax", seed=2)
        history = nn.fit(net, X, y, loss="categorical_cross_entropy", optimizer=nn.Adam(net.parameters(), lr=0.02),
                         epochs=3, batch_size=8, progress=False, seed=0, compile=True, dtype=dtype)
        weights = np.array([p.data for p in net.parameters()])
        outputs = nn.model_outputs(net, X, compile=True, dtype=dtype)
        scores = nn.evaluate(net, X, y, loss="categorical_cross_entropy", compile=True, dtype=dtype)
        runs[dtype] = (history, weights, outputs, scores, nn.predict(net, X, compile=True, dtype=dtype))
    (h64, w64, o64, s64, p64), (h32, w32, o32, s32, p32) = runs["float64"], runs["float32"]
    assert not np.array_equal(w32, w64)  # float32 really rounds differently...
    np.testing.assert_allclose(w32, w64, rtol=1e-4, atol=1e-5)  # ...within float32's precision
    np.testing.assert_allclose(h32["loss"], h64["loss"], rtol=1e-5)
    assert o32.dtype == np.float64 and not np.array_equal(o32, o64)
    np.testing.assert_allclose(o32, o64, rtol=1e-4, atol=1e-5)
    assert s32 == pytest.approx(s64, rel=1e-5)
    assert np.mean(p32 == p64) >= 0.95


def test_a_dtype_without_compile_or_a_dtype_other_than_float32_or_64_is_refused_before_training() -> None:
    net = nn.MLP(3, [2], seed=0)
    before = [p.data for p in net.parameters()]
    fit = lambda **kw: nn.fit(net, X, BINARY, loss="mse", optimizer=nn.SGD(net.parameters(), lr=0.1), epochs=1,
                              progress=False, **kw)
    with pytest.raises(ValueError, match=r"dtype='float32' needs compile=True"):
        fit(dtype="float32")
    for bad in ("float16", np.int64, "banana"):
        with pytest.raises(ValueError, match="dtype must be float64 or float32"):
            fit(compile=True, dtype=bad)
    with pytest.raises(ValueError, match="needs compile=True"):
        nn.predict(net, X, dtype=np.float32)
    with pytest.raises(ValueError, match="needs compile=True"):
        nn.evaluate(net, X, BINARY, dtype=np.float32)
    assert [p.data for p in net.parameters()] == before
