"""The nn examples reproduce their tutorials' numbers and reach their outcomes (on small budgets where slow)."""

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

from png_pictures import read_png, rgb, share

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def load(name):
    spec = importlib.util.spec_from_file_location(f"example_{name}", EXAMPLES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def step_by_step():
    return load("step_by_step").main([])


def test_step_by_step_reproduces_every_number_the_step_by_step_tutorial_prints(step_by_step):
    seed = step_by_step["seed"]
    assert seed["weighted_input"] == "0.5 3.6 -1.5"
    assert seed["net_input"] == "2.6"
    assert seed["h1_activation"] == "0.9308616"
    assert seed["delta_o"] == "0.192"
    assert seed["weight_change"] == "0.001787254"
    assert seed["new_weight_h1_o"] == "0.8017873"
    assert seed["delta_times_weights"] == "0.1539432 0.0960000 0.0192000 0.1152000"
    assert seed["sum_delta_w"] == "0.3843432"
    assert seed["delta_h1"] == "0.02473567"
    assert seed["input_weight_change"] == "0.0002473567 0.0007420701 0.0012367836"
    assert seed["new_input_weights"] == "0.5002474 1.2007421 -0.2987632"


def test_step_by_step_engine_gradients_agree_with_the_tutorial_up_to_the_output_layer(step_by_step):
    seed, engine = step_by_step["seed"], step_by_step["engine"]
    for name in ("net_input", "h1_activation", "delta_o", "weight_change", "new_weight_h1_o"):
        assert engine[name] == seed[name], name
    assert engine["relu"] == "2.6"


def test_step_by_step_engine_hidden_delta_is_the_chain_rule_not_the_tutorials_sum(step_by_step):
    engine = step_by_step["engine"]
    # δ_h1 = δ_o · w_h1o · a(1 − a) = 0.192 · 0.8 · 0.9308616 · 0.0691384
    assert engine["delta_h1"] == engine["chain_rule_delta_h1"] == "0.009885435"
    assert engine["new_input_weights"] == "0.5000989 1.2002966 -0.2995057"
    assert engine["delta_h1"] != step_by_step["seed"]["delta_h1"]


def test_step_by_step_tutorial_hidden_numbers_are_engine_gradients_when_h1_feeds_four_outputs(step_by_step):
    seed, engine = step_by_step["seed"], step_by_step["engine"]
    assert engine["seed_reading_delta_h1"] == seed["delta_h1"] == "0.02473567"
    assert engine["seed_reading_new_input_weights"] == seed["new_input_weights"] == "0.5002474 1.2007421 -0.2987632"


def test_step_by_step_prints_its_walk_through_when_run_as_a_script():
    result = subprocess.run([sys.executable, str(EXAMPLES / "step_by_step.py")], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    for number in ("0.9308616", "0.192", "0.001787254", "0.3843432", "0.02473567", "0.5002474 1.2007421 -0.2987632"):
        assert number in result.stdout


def test_gender_reproduces_the_backpropagation_tutorials_derivative_and_tells_emily_from_frank(capsys):
    result = load("gender").main(["--epochs", "300", "--every", "100"])
    check = result["seed_check"]
    assert round(check["h1"], 4) == 0.0474 and round(check["y_pred"], 3) == 0.524
    assert round(check["dL/dy_pred"], 3) == -0.953  # the tutorial rounds 1 − 0.524 first: −0.952
    assert round(check["dy_pred/dh1"], 3) == 0.249 and round(check["dh1/dw1"], 4) == -0.0904
    assert round(check["dL/dw1"], 3) == 0.021  # seed: 0.0214, the product of its rounded factors
    assert check["dL/dw1"] == pytest.approx(check["dL/dy_pred"] * check["dy_pred/dh1"] * check["dh1/dw1"])
    assert result["losses"][-1] < result["losses"][0] / 5
    assert result["predictions"]["Emily"] > 0.5 > result["predictions"]["Frank"]
    out = capsys.readouterr().out
    assert "epoch     1  loss 0.2500" in out and "epoch   300  loss 0.0085" in out
    assert "Emily  128 lb, 63 in → 0.936  F" in out and "Frank  155 lb, 68 in → 0.107  M" in out


def test_xor_with_the_xor_tutorials_set_up_finds_the_quadrants_and_learns_the_truth_table(tmp_path, capsys):
    png = tmp_path / "xor.png"
    result = load("xor").main(["--epochs", "6", "--out", str(png), "--quiet"])
    points = result["points"]
    assert len(points["history"].loss) == 6
    assert points["history"].loss[-1] < points["history"].loss[0]
    assert points["centres"] == [0, 1, 1, 0]
    assert points["fresh"]["accuracy"] > 0.8
    assert_boundary_picture(png)
    p = result["table"]["probabilities"]
    assert p[0] < 0.1 and p[1] > 0.9 and p[2] > 0.9 and p[3] < 0.1
    out = capsys.readouterr().out
    assert "2 → [64, 1]" in out and "batch size 5" in out and "lr 0.01" in out and "on 1000 points" in out


def assert_boundary_picture(png):
    """A decision-boundary PNG: both predicted regions shaded, both classes' points and the boundary drawn."""
    from nn.plots import PALETTE

    pixels = read_png(png)
    assert pixels.shape[0] > 300 and pixels.shape[1] > 500
    shaded = [0.22 * rgb(PALETTE[i]) + 0.78 for i in (0, 1)]
    assert all(share(pixels, colour, 0.02) > 0.05 for colour in shaded)
    assert all(share(pixels, rgb(PALETTE[i])) > 0.001 for i in (0, 1))
    assert share(pixels, rgb("#222222"), 0.1) > 0.001


def test_moons_reaches_full_training_accuracy_and_saves_the_boundary(tmp_path, capsys):
    png = tmp_path / "moons.png"
    result = load("moons").main(["--out", str(png)])
    assert result["final_accuracy"] == 1.0
    assert len(result["losses"]) == 47
    out = capsys.readouterr().out
    assert "step   1  loss 1.0040  accuracy 57%" in out and "step  47  loss 0.0299  accuracy 100%" in out
    assert_boundary_picture(png)


def test_digits_reaches_95_percent_test_accuracy_with_a_confusion_matrix(tmp_path, capsys):
    result = load("digits").main(["--out-dir", str(tmp_path), "--quiet"])
    assert result["test_accuracy"] >= 0.95
    assert result["confusion"].shape == (10, 10) and result["confusion"].sum() == 360
    out = capsys.readouterr().out
    assert "s per epoch" in out and "true\\pred" in out and "recall" in out
    from matplotlib import colormaps

    confusion = read_png(tmp_path / "digits_confusion.png")
    # A 10×10 matrix, mostly on the diagonal: the brightest cells (cividis top) and many zero cells (bottom).
    assert share(confusion, colormaps["cividis"](1.0)[:3], 0.05) > 0.002
    assert share(confusion, colormaps["cividis"](0.0)[:3], 0.05) > 0.1
    history = read_png(tmp_path / "digits_history.png")
    assert history.shape[1] > history.shape[0] > 300  # loss and accuracy panels side by side
    assert share(history, rgb("#0072B2")) > 0.001 and share(history, rgb("#E69F00")) > 0.001  # training, test

def test_xor_with_compile_trains_the_same_network_to_the_same_losses(capsys):
    xor = load("xor")
    scalar = xor.main(["--epochs", "2", "--points", "200", "--table-epochs", "5", "--out", "", "--quiet"])
    compiled = xor.main(["--epochs", "2", "--points", "200", "--table-epochs", "5", "--out", "", "--quiet",
                         "--compile"])
    for a, b in zip(scalar["points"]["history"].loss, compiled["points"]["history"].loss):
        assert abs(a - b) <= 1e-9 * max(1.0, abs(a))
    assert scalar["points"]["centres"] == compiled["points"]["centres"]
