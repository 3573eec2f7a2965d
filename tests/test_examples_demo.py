"""The README's main demo runs end to end and writes both pictures."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

DEMO = Path(__file__).resolve().parent.parent / "examples" / "demo.py"


def test_demo_prints_the_chain_rule_trains_the_moons_and_writes_two_pngs(tmp_path):
    result = subprocess.run(
        [sys.executable, str(DEMO), "--out", str(tmp_path)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert "9.0991" in result.stdout  # dJ/dx at x = 2
    assert "training accuracy 100%" in result.stdout
    for name in ("demo_graph.png", "demo_network.png"):
        assert (tmp_path / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
