"""The picture examples run as scripts, write their pictures where asked, and print the tutorial's numbers."""

import subprocess
import sys
from pathlib import Path

import pytest

from png_pixels import read_png
from viz import style

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def run_example(name, out):
    done = subprocess.run([sys.executable, str(EXAMPLES / f"{name}.py"), "--out", str(out)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.parametrize(
    "name, pictures, printed",
    [
        ("graph_expression", ["graph_expression", "graph_expression_heat"], "9.0991"),
        ("graph_tutorial_network", ["graph_neuron", "network_tutorial", "graph_alice", "network_alice"], "network output 0.7216"),
        ("graph_mlp_loss", ["graph_mlp_loss", "graph_mlp_loss_neurons", "graph_mlp_loss_layers"], "13 parameters"),
    ],
)
def test_example_writes_svg_and_png_into_the_chosen_folder(tmp_path, name, pictures, printed):
    stdout = run_example(name, tmp_path)
    assert printed in stdout
    for stem in pictures:
        svg = (tmp_path / f"{stem}.svg").read_text()
        assert "<svg" in svg
        # The PNG is the SVG's picture at 144 dpi (SVG sizes are in points, 72 per inch), with ink on it.
        width_pt = float(svg.split('<svg width="')[1].split("pt")[0])
        picture = read_png((tmp_path / f"{stem}.png").read_bytes(), pixels=False)  # decoding all is slow
        assert abs(picture.width - 2 * width_pt) <= 4
    smallest = min(pictures, key=lambda stem: (tmp_path / f"{stem}.png").stat().st_size)
    picture = read_png((tmp_path / f"{smallest}.png").read_bytes())
    assert picture.inked() > 0.05 * picture.width * picture.height  # cards or circles in the role colours
    assert picture.near(style.ROLES["output"].fill, 6) + picture.near(style.POSITIVE, 40) > 500


def test_moons_example_trains_to_high_accuracy_and_draws_both_moons(tmp_path):
    stdout = run_example("graph_moons_network", tmp_path)
    accuracy = int(stdout.split("accuracy ")[1].split("%")[0])
    assert accuracy >= 90
    assert read_png((tmp_path / "network_moons_1.png").read_bytes(), pixels=False).width > 400
    picture = read_png((tmp_path / "network_moons_0.png").read_bytes())  # shaded circles, weights of both signs
    assert picture.width > 400 and picture.height > 300
    assert picture.near(style.POSITIVE, 40) > 50 and picture.near(style.NEGATIVE, 40) > 50
