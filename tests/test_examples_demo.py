"""The README's main demo runs end to end and writes both pictures."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from png_pictures import read_png, share

DEMO = Path(__file__).resolve().parent.parent / "examples" / "demo.py"


def test_demo_prints_the_chain_rule_trains_the_moons_and_writes_two_pngs(tmp_path):
    result = subprocess.run(
        [sys.executable, str(DEMO), "--out", str(tmp_path)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert "9.0991" in result.stdout  # dJ/dx at x = 2
    assert "step   1  loss 1.0040  training accuracy 57%" in result.stdout
    assert "step  43  loss 0.0382  training accuracy 100%" in result.stdout
    for name in ("demo_graph.png", "demo_network.png"):
        pixels = read_png(tmp_path / name)
        assert min(pixels.shape[:2]) > 100  # a real picture...
        assert 0.3 < share(pixels, [1.0, 1.0, 1.0]) < 0.995  # ...on white, with something drawn on it
