"""Specification of ``python -m viz``: pictures from an expression, clean errors with exit code 2."""

import subprocess
import sys
import xml.etree.ElementTree as ET


def run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "viz", *args], capture_output=True, text=True, cwd=cwd, timeout=60)


def test_writes_an_svg_with_gradients_of_the_expression(tmp_path):
    done = run("cos(sin(x**2) + 3*x**2)", "x=2", "-o", str(tmp_path / "graph.svg"))
    assert done.returncode == 0, done.stderr
    svg = (tmp_path / "graph.svg").read_text()
    assert ET.fromstring(svg).tag.endswith("svg")
    assert "9.0991" in svg  # dJ/dx at x = 2: backward ran before drawing


def test_prints_dot_source_without_an_output_file_and_honours_options():
    done = run("x*y", "x=1.5", "y=-2", "--tb", "--no-grad", "--precision", "2")
    assert done.returncode == 0
    assert done.stdout.startswith("digraph") and "rankdir=TB" in done.stdout
    assert ">1.50<" in done.stdout and ">grad<" not in done.stdout
    assert "-o graph.svg" in done.stderr and "-o" not in done.stdout.splitlines()[0]  # the hint: stderr only


def test_explain_and_tree_print_text():
    done = run("x*y + y**2", "x=1.5", "y=-2", "--explain", "--tree")
    assert done.returncode == 0
    assert "Backward pass" in done.stdout and "sum of the uses" in done.stdout
    assert "└── " in done.stdout and "↑ shown above" in done.stdout


def test_bad_expression_exits_2_with_a_caret_under_the_problem():
    done = run("cos(sin(x**2) + 3*x**2", "x=2")
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "error: not a valid expression" in done.stderr
    assert "^" in done.stderr.splitlines()[-1]


def test_code_instead_of_math_exits_2_without_running_anything():
    done = run("__import__('os').system('echo hi')")
    assert done.returncode == 2 and "only plain function calls" in done.stderr
    assert "hi" not in done.stdout
    done = run("__import__('os')")
    assert done.returncode == 2 and "unknown function '__import__'" in done.stderr


def test_bad_values_exit_2_with_a_clear_message():
    for args, message in [
        (("x+1", "x=abc"), "'abc' is not a number"),
        (("x+1", "x"), "write NAME=VALUE"),
        (("x+y", "x=1"), "no value given for variable(s) y"),
        (("log(x)", "x=-1"), "log"),
        (("x+1", "x=1", "-o", "graph.bmp"), "cannot tell the format"),
    ]:
        done = run(*args)
        assert done.returncode == 2, args
        assert message in done.stderr, (args, done.stderr)
        assert "Traceback" not in done.stderr


def test_a_graph_over_the_node_limit_exits_2_naming_the_option():
    done = run("x*x + x*x + x*x", "x=1", "--max-nodes", "3")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "more than --max-nodes 3" in done.stderr and "pass --max-nodes 11 to draw it anyway" in done.stderr


def test_an_expression_that_starts_with_a_minus_is_the_expression_not_an_option():
    done = run("-x**2", "x=1", "--tree")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0].startswith("f = −a  data -1.0000")
    done = run("--precision", "1", "-x", "x=3", "--tree")
    assert done.returncode == 0 and done.stdout.startswith("f = −x  data -3.0")
    done = run("x+1", "x=1", "--frobnicate")
    assert done.returncode == 2 and "unrecognized arguments: --frobnicate" in done.stderr


def test_non_ascii_variable_names_are_refused_with_a_clear_message():
    done = run("x+1", "x=1", "ｘ=2")  # full-width x: not silently folded into x, nor a deep crash
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "'ｘ=2': variable names are plain ASCII letters" in done.stderr
    done = run("ｘ+1", "ｘ=1")
    assert done.returncode == 2 and "Traceback" not in done.stderr and "ASCII" in done.stderr


def test_a_python_only_construct_gives_one_error_and_no_syntax_warning():
    done = run("1if x else 2", "x=1")
    assert done.returncode == 2
    assert "SyntaxWarning" not in done.stderr and "error:" in done.stderr


def test_steps_into_a_folder_used_before_leave_only_this_runs_pictures(tmp_path):
    folder = tmp_path / "steps"
    folder.mkdir()
    for k in range(12):  # a longer earlier run
        (folder / f"step_{k:02d}.png").write_bytes(b"old")
    (folder / "step_notes.png").write_bytes(b"mine")
    (folder / "notes.txt").write_text("mine")
    done = run("x*2", "x=1", "--steps", str(folder))
    assert done.returncode == 0, done.stderr
    names = sorted(p.name for p in folder.iterdir())
    assert names == ["notes.txt", "step_00.png", "step_01.png", "step_notes.png"]
    assert (folder / "step_01.png").read_bytes() != b"old"
