"""The engine examples run as scripts and print the numbers the tutorial tutorial and the chain rule predict."""

from __future__ import annotations

import importlib.util
import math
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def load(name: str):
    spec = importlib.util.spec_from_file_location(f"example_{name}", EXAMPLES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_script(name: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(EXAMPLES / f"{name}.py"), *args], capture_output=True, text=True, timeout=60
    )


@pytest.fixture(scope="module")
def cos_sin():
    return load("cos_sin")


@pytest.fixture(scope="module")
def logistic():
    return load("logistic_regression")


@pytest.fixture(scope="module")
def neuron():
    return load("neuron")


@pytest.mark.parametrize("name", ["cos_sin", "logistic_regression", "neuron"])
def test_example_runs_as_a_script(name: str) -> None:
    result = run_script(name)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip()


def test_cos_sin_prints_each_intermediate_at_x_2(cos_sin, capsys) -> None:
    cos_sin.main([])
    out = capsys.readouterr().out
    d = math.sin(4.0) + 12.0
    for value in (4.0, math.sin(4.0), 12.0, d, math.cos(d), -math.sin(d), math.cos(4.0)):
        assert repr(value) in out
    assert "agree to the last digit: True" in out


def test_cos_sin_names_each_step_as_the_picture_and_explain_do(cos_sin, capsys) -> None:
    import viz
    cos_sin.main([])
    out = capsys.readouterr().out
    J, _ = cos_sin.build(2.0)
    J.backward()
    table = str(viz.explain(J))
    for step in ("a = x^2", "b = sin(a)", "c = x^2", "d = c × 3", "e = b + d", "J = cos(e)"):
        name, formula = step.split(" = ")
        assert step in out and any(row.split()[:1] == [name] and formula in row for row in table.splitlines())
        assert f"<B>{step.split()[0]}</B>" in viz.draw(J).source


@pytest.mark.parametrize("x0", [2.0, -1.7, 0.3, 3.14159, 0.0, 25.5])
def test_cos_sin_backward_equals_the_hand_chain_rule_to_the_last_digit(cos_sin, x0: float) -> None:
    engine = cos_sin.forward_and_backward(x0)
    hand = cos_sin.chain_rule_by_hand(x0)
    assert engine["dJ/dx"] == hand["dJ/dx"]
    assert engine["dJ/de"] == hand["dJ/de"]


def test_cos_sin_takes_x_from_the_command_line_and_rejects_nonsense() -> None:
    result = run_script("cos_sin", "--x", "0.5")
    assert "at x = 0.5" in result.stdout and "agree to the last digit: True" in result.stdout
    bad = run_script("cos_sin", "--x", "inf")
    assert bad.returncode == 2 and "--x must be a finite number" in bad.stderr


def test_logistic_regression_loss_goes_down_every_epoch(logistic) -> None:
    X, y = logistic.make_data(seed=0)
    _, _, history = logistic.train(X, y, epochs=30, lr=0.5)
    assert history[0] == pytest.approx(math.log(2), rel=1e-15)  # zero weights predict 0.5 everywhere
    assert all(later < earlier for earlier, later in zip(history, history[1:]))


def test_logistic_regression_classifies_its_two_clouds(logistic) -> None:
    X, y = logistic.make_data(seed=0)
    w, b, _ = logistic.train(X, y, epochs=60, lr=0.5)
    assert logistic.accuracy(w, b, X, y) >= 0.9


def test_logistic_regression_engine_gradients_equal_x_times_h_minus_y(logistic) -> None:
    X, y = logistic.make_data(seed=1)
    w, b, _ = logistic.train(X, y, epochs=5, lr=0.5)
    for xi, yi in zip(X[:20], y[:20]):
        for name, engine, formula in logistic.gradient_check(w, b, xi.tolist(), float(yi)):
            assert engine == pytest.approx(formula, rel=1e-12, abs=1e-15), name


def test_logistic_regression_prints_loss_accuracy_and_both_gradients(logistic, capsys) -> None:
    logistic.main(["--epochs", "12"])
    out = capsys.readouterr().out
    assert "0.693147" in out and "training accuracy" in out
    assert out.count("dJ/dw") == 2 and "dJ/db" in out and "largest difference" in out


def test_neuron_prints_the_tutorials_neuron_and_network_outputs(neuron, capsys) -> None:
    neuron.main()
    out = capsys.readouterr().out
    assert repr(1 / (1 + math.exp(-7))) in out
    sigmoid3 = 1 / (1 + math.exp(-3))
    assert repr(sigmoid3) in out and repr(1 / (1 + math.exp(-sigmoid3))) in out
    assert "0.045177" in out and "0.044791" in out


def test_neuron_alice_rows_match_the_tutorial_at_its_rounding_or_say_why_not(neuron) -> None:
    numbers = neuron.alice()
    for key, _, seed, why in neuron.ALICE_ROWS:
        digits = len(seed.split(".")[1])
        if why:
            assert round(numbers[key], digits) != float(seed)
            assert numbers[key] == pytest.approx(float(seed), abs=1e-3)
        else:
            assert round(numbers[key], digits) == float(seed)



def test_newton_example_converges_to_the_minimum_using_second_derivatives():
    newton = load("newton")
    history = newton.newton(4.0, 8)
    x, _fx, d1, d2 = history[-1]
    assert x == pytest.approx(2.25, abs=1e-12)
    assert d1 == pytest.approx(4 * x**3 - 9 * x**2, abs=1e-9)
    assert d2 == pytest.approx(12 * x**2 - 18 * x, rel=1e-12)
    # Newton converges quadratically: the error at least squares (roughly) from step to step near the end.
    errors = [abs(h[0] - 2.25) for h in history]
    assert errors[5] < errors[4] ** 1.5
    result = run_script("newton", "--steps", "8")
    assert result.returncode == 0, result.stderr
    assert "converged to x = 2.25" in result.stdout
