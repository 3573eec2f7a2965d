"""The picture examples run as scripts, write their pictures where asked, and print the seed's numbers."""

import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def run_example(name, out):
    done = subprocess.run([sys.executable, str(EXAMPLES / f"{name}.py"), "--out", str(out)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.parametrize(
    "name, pictures, printed",
    [
        ("graph_expression", ["graph_expression", "graph_expression_heat"], "9.0991"),
        ("graph_seed_network", ["graph_neuron", "network_seed", "graph_alice", "network_alice"], "network output 0.7216"),
        ("graph_mlp_loss", ["graph_mlp_loss", "graph_mlp_loss_neurons", "graph_mlp_loss_layers"], "13 parameters"),
    ],
)
def test_example_writes_svg_and_png_into_the_chosen_folder(tmp_path, name, pictures, printed):
    stdout = run_example(name, tmp_path)
    assert printed in stdout
    for stem in pictures:
        assert (tmp_path / f"{stem}.png").read_bytes().startswith(PNG_MAGIC)
        assert "<svg" in (tmp_path / f"{stem}.svg").read_text()


def test_moons_example_trains_to_high_accuracy_and_draws_both_moons(tmp_path):
    stdout = run_example("graph_moons_network", tmp_path)
    accuracy = int(stdout.split("accuracy ")[1].split("%")[0])
    assert accuracy >= 90
    assert (tmp_path / "network_moons_0.png").exists() and (tmp_path / "network_moons_1.png").exists()
