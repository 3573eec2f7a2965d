"""README's code runs as written: its session is a doctest, its snippets run as scripts, its commands exist."""

from __future__ import annotations

import doctest
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", README, flags=re.S)


def test_readme_session_is_a_passing_doctest():
    session = next(block for block in _python_blocks() if block.startswith(">>>"))
    parser = doctest.DocTestParser()
    test = parser.get_doctest(session, {}, "README", "README.md", 0)
    runner = doctest.DocTestRunner()
    runner.run(test)
    assert runner.summarize(verbose=False).failed == 0


def test_readme_snippets_run_one_after_another(tmp_path):
    snippets = [block for block in _python_blocks() if not block.startswith(">>>")]
    assert len(snippets) >= 3
    script = tmp_path / "snippets.py"
    script.write_text("\n".join(snippets), encoding="utf-8")
    result = subprocess.run([sys.executable, str(script)], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    assert (tmp_path / "graph.png").read_bytes()[:4] == b"\x89PNG"
    assert (tmp_path / "moons.json").exists()


def test_readme_test_command_is_the_one_ci_runs():
    commands = re.findall(r"^python3 -m venv .*$", README, flags=re.M)
    assert len(commands) == 2, commands
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert commands[1] in ci.splitlines()
    assert "examples/demo.py" in commands[0]
