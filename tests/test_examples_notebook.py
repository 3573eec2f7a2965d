"""The tour notebook's code cells run in order as one script (no Jupyter needed) and make their pictures."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

NOTEBOOK = Path(__file__).resolve().parent.parent / "examples" / "tour.ipynb"


def test_tour_notebook_is_valid_nbformat_4_with_code_and_markdown():
    nb = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    assert nb["nbformat"] == 4
    kinds = {cell["cell_type"] for cell in nb["cells"]}
    assert kinds == {"code", "markdown"}
    assert all(cell.get("outputs") == [] for cell in nb["cells"] if cell["cell_type"] == "code")


def test_tour_notebook_cells_have_unique_ids_so_nbformat_does_not_warn():
    nb = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    assert (nb["nbformat"], nb["nbformat_minor"]) >= (4, 5)
    ids = [cell.get("id") for cell in nb["cells"]]
    assert all(isinstance(i, str) and i for i in ids) and len(set(ids)) == len(ids)


def test_tour_notebook_cells_run_in_order(tmp_path):
    nb = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    script = "\n".join("".join(cell["source"]) for cell in nb["cells"] if cell["cell_type"] == "code")
    path = tmp_path / "tour.py"
    path.write_text(script, encoding="utf-8")
    result = subprocess.run([sys.executable, str(path)], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "d²/dx² x³ at 2 = 12.0" in result.stdout
    assert "∂L/∂w1 = 0.0214695" in result.stdout
    assert "training accuracy after 30 epochs: 1.0" in result.stdout
    page = (tmp_path / "backprop.html").read_text(encoding="utf-8")
    assert page.count("<svg") == 1 and page.count('{"head":') == 7  # one layout, seven steps of changes
