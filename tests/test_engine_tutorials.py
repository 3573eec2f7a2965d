"""The worked numbers of the backpropagation tutorial, and the closed-form gradients of its two named examples, from the engine."""

from __future__ import annotations

import math
import random

import pytest

from autograd import Value, dot, grad

SEED_X = [2.0, 3.0]
ALICE_X = [-2.0, -1.0]  # weight − 135, height − 66
ALICE_Y = 1.0  # female


def neuron(w, b, x):
    return (dot(w, x) + b).sigmoid()


def test_neuron_with_w_0_1_and_b_4_outputs_0_999() -> None:
    y = neuron([Value(0.0), Value(1.0)], Value(4.0), SEED_X)
    assert y.data == 1 / (1 + math.exp(-7))
    assert round(y.data, 3) == 0.999


def test_two_two_one_network_outputs_0_7216() -> None:
    def fresh_neuron(inputs):
        return neuron([Value(0.0), Value(1.0)], Value(0.0), inputs)

    h1, h2 = fresh_neuron(SEED_X), fresh_neuron(SEED_X)
    o1 = fresh_neuron([h1, h2])
    assert round(h1.data, 4) == round(h2.data, 4) == 0.9526
    assert round(o1.data, 4) == 0.7216


@pytest.fixture
def alice():
    """The backpropagation tutorial's network on Alice alone: every weight 1, every bias 0, MSE loss."""
    w = [Value(1.0, label=f"w{i}") for i in range(1, 7)]
    b = [Value(0.0, label=f"b{i}") for i in range(1, 4)]
    h1 = neuron(w[0:2], b[0], ALICE_X)
    h2 = neuron(w[2:4], b[1], ALICE_X)
    o1 = neuron(w[4:6], b[2], [h1, h2])
    loss = (ALICE_Y - o1) ** 2
    return {"w1": w[0], "b1": b[0], "h1": h1, "h2": h2, "o1": o1, "loss": loss}


def test_alice_hidden_outputs_are_0_0474(alice) -> None:
    assert round(alice["h1"].data, 4) == round(alice["h2"].data, 4) == 0.0474


def test_alice_prediction_is_0_524(alice) -> None:
    assert round(alice["o1"].data, 3) == 0.524


def test_alice_dloss_dprediction_is_minus_0_952_at_the_tutorials_rounding(alice) -> None:
    exact = grad(alice["loss"], alice["o1"])
    assert exact == pytest.approx(-2 * (1 - alice["o1"].data), rel=1e-15)
    # The tutorial computes −2(1 − 0.524) from the prediction already rounded to 3 digits.
    assert -2 * (1 - round(alice["o1"].data, 3)) == pytest.approx(-0.952, abs=1e-12)
    assert exact == pytest.approx(-0.952, abs=1e-3)


def test_alice_dprediction_dh1_is_0_249(alice) -> None:
    assert round(grad(alice["o1"], alice["h1"]), 3) == 0.249


def test_alice_dh1_dw1_is_minus_0_0904(alice) -> None:
    assert round(grad(alice["h1"], alice["w1"]), 4) == -0.0904


def test_alice_dloss_dw1_is_the_chain_rule_product_0_0214(alice) -> None:
    factors = [grad(alice["loss"], alice["o1"]), grad(alice["o1"], alice["h1"]), grad(alice["h1"], alice["w1"])]
    exact = grad(alice["loss"], alice["w1"])
    assert exact == pytest.approx(math.prod(factors), rel=1e-14)
    # The tutorial multiplies its rounded factors: −0.952 × 0.249 × −0.0904.
    assert round(-0.952 * 0.249 * -0.0904, 4) == 0.0214
    assert exact == pytest.approx(0.0214, abs=1e-4)


def test_alice_backward_fills_w1_grad_with_the_same_value_as_grad(alice) -> None:
    alice["loss"].backward()
    assert alice["w1"].grad == grad(alice["loss"], alice["w1"])


def test_alice_dh1_db1_is_exactly_0_045177_not_the_tutorials_0_044791(alice) -> None:
    exact = grad(alice["h1"], alice["b1"])
    s = 1 / (1 + math.exp(3))
    assert exact == pytest.approx(s * (1 - s), rel=1e-15)
    assert round(exact, 6) == 0.045177
    # The tutorial rounds f(−3) = 0.04743 to 0.047 before using f·(1 − f).
    assert 0.047 * (1 - 0.047) == pytest.approx(0.044791, abs=1e-12)


@pytest.mark.parametrize("x0", [-2.5, -1.0, -0.3, 0.0, 0.5, 1.0, 2.0, 3.7])
def test_cos_sin_example_gradient_matches_its_closed_form(x0: float) -> None:
    x = Value(x0)
    d = (x ** 2).sin() + 3 * x ** 2
    d.cos().backward()
    closed = -math.sin(d.data) * (math.cos(x0 ** 2) * 2 * x0 + 6 * x0)
    assert x.grad == pytest.approx(closed, rel=1e-13, abs=1e-15)


def test_logistic_regression_gradients_are_x_times_h_minus_y_and_h_minus_y() -> None:
    rng = random.Random(2)
    for _ in range(40):
        w = [Value(rng.uniform(-2, 2)) for _ in range(3)]
        b = Value(rng.uniform(-1, 1))
        x = [rng.uniform(-3, 3) for _ in range(3)]
        y = rng.choice([0.0, 1.0, rng.random()])  # hard labels and a soft one
        h = (dot(w, x) + b).sigmoid()
        loss = -y * h.log() - (1 - y) * (1 - h).log()
        loss.backward()
        for wi, xi in zip(w, x):
            assert wi.grad == pytest.approx(xi * (h.data - y), rel=1e-10, abs=1e-14)
        assert b.grad == pytest.approx(h.data - y, rel=1e-10, abs=1e-14)
