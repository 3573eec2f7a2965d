"""Specification of viz.backward_steps: the reverse pass one node per picture, ending at the engine's gradients."""

import math
import re
import subprocess
import sys
from pathlib import Path

import pytest

import viz
from autograd import Value, parse, topological_order
from viz import style
from png_pixels import read_png
from viz.naming import short_names



def seed_j(x=2.0):
    """J = cos(sin(x²) + 3x²), the exercise at the end of the backpropagation tutorial."""
    J = parse("cos(sin(x**2) + 3*x**2)").evaluate(x=x)
    J.label = "J"
    return J


def by_name(output):
    return {name: v for v, name in short_names(topological_order(output)).items()}


def card(step, title):
    """The DOT line of the card titled ``title`` in a step's picture."""
    (line,) = [l for l in step.picture.source.splitlines() if re.match(r"\s*v\d+ \[label=", l) and f"<B>{title}</B>" in l]
    return line


def grad_cell(picture, title):
    return card(picture, title).split(">grad<")[1]


def test_one_picture_for_the_seed_and_one_per_non_leaf_node():
    J = seed_j()
    steps = viz.backward_steps(J)
    inner = [v for v in topological_order(J) if not v.is_leaf]
    assert len(steps) == 1 + len(inner) == 7
    assert [s.caption.split(":")[0] for s in steps] == [f"step {k}" for k in range(7)]


def test_steps_follow_the_order_of_explains_backward_table():
    J = seed_j()
    processed = [s.caption.split(": ")[1].split(" = ")[0] for s in viz.backward_steps(J)[1:]]
    nodes = by_name(J)
    assert processed == [g.name for g in viz.explain(J).backward if not nodes[g.name].is_leaf]


def test_caption_states_upstream_times_local_derivative_with_the_numbers():
    J = seed_j()
    step5 = viz.backward_steps(J)[5].caption
    upstream = -math.sin(math.sin(4.0) + 12.0)  # dJ/db, with b = sin(a), a = x² = 4
    local = math.cos(4.0)
    fmt = lambda v: f"{v:.4f}".replace("-", "−")
    assert step5 == f"step 5: b = sin(a) sends ∂J/∂b · cos a = {fmt(upstream)} × {fmt(local)} = {fmt(upstream * local)} to a"
    assert step5 == "step 5: b = sin(a) sends ∂J/∂b · cos a = 0.9695 × −0.6536 = −0.6337 to a"  # the backpropagation tutorial's numbers


def test_shared_input_shows_its_first_contribution_then_the_sum():
    J = seed_j()
    steps = viz.backward_steps(J)
    x, c, a = by_name(J)["x"], by_name(J)["c"], by_name(J)["a"]
    assert x not in steps[3].grads and "?" in grad_cell(steps[3], "x")
    first = steps[4].grads[x]
    assert first == steps[4].grads[c] * 2 * x.data  # c = x², the first use reached
    assert "11.6340" in grad_cell(steps[4], "x")
    assert steps[5].grads[x] == first  # b = sin(a) does not touch x
    second = steps[6].grads[a] * 2 * x.data
    assert steps[6].grads[x] == first + second
    assert "9.0991" in grad_cell(steps[6], "x")
    assert steps[6].caption.endswith("(x now 11.6340 − 2.5348 = 9.0991)")


def test_operand_used_twice_by_one_node_shows_the_running_sum_in_the_caption():
    x = Value(1.5, label="x")
    y = x * x
    y.label = "y"
    last = viz.backward_steps(y)[-1].caption
    assert last == "step 1: y = x × x sends ∂y/∂y · x = 1.0000 × 1.5000 = 1.5000 to x and ∂y/∂y · x = 1.0000 × 1.5000 = 1.5000 to x (x now 1.5000 + 1.5000 = 3.0000)"


def test_last_picture_equals_the_engines_grad_exactly_and_steps_never_touch_grad():
    J = seed_j(0.7)
    steps = viz.backward_steps(J)
    order = topological_order(J)
    assert all(v.grad == 0.0 for v in order)
    J.backward()
    assert steps[-1].grads == {v: v.grad for v in order}
    assert f"grad = {by_name(J)['x'].grad!r}" in steps[-1].picture.source  # the exact value, in the card's tooltip


def test_each_step_highlights_the_processed_node_and_the_edges_to_its_operands():
    J = seed_j()
    steps = viz.backward_steps(J)
    hot = 'BORDER="3"'
    assert hot in card(steps[0], "J")  # step 0: the seed at the output
    for k, name in enumerate(["J", "e", "d", "c", "b", "a"], 1):
        highlighted = [t for t in "Jabcdex" if hot in card(steps[k], t)]
        assert highlighted == [name], k
    # step 2: e = b + d sends to both operands along highlighted edges into the + op
    hot_edges = [l for l in steps[2].picture.source.splitlines() if "->" in l and style.HIGHLIGHT in l]
    assert len(hot_edges) == 3  # b -> +, d -> +, + -> e


def test_unknown_gradients_show_a_question_mark_until_their_node_is_reached():
    J = seed_j()
    steps = viz.backward_steps(J)
    names = ["J", "e", "d", "c", "b", "a", "x"]
    first_known = {"J": 0, "e": 1, "b": 2, "d": 2, "c": 3, "x": 4, "a": 5}
    for k, picture in enumerate(steps):
        for name in names:
            assert ("?" in grad_cell(picture, name)) == (k < first_known[name]), (k, name)


def test_title_and_drawing_options_pass_through():
    steps = viz.backward_steps(seed_j(), title="J at 2", precision=2, rankdir="TB")
    assert "rankdir=TB" in steps[1].picture.source and "<B>J at 2</B>" in steps[1].picture.source
    assert "0.97 × 1.00 = 0.97 to b" in steps[2].caption


def test_bad_input_is_a_type_error():
    with pytest.raises(TypeError, match="backward_steps needs one Value"):
        viz.backward_steps(3.0)
    with pytest.raises(TypeError, match="backward_steps needs one Value"):
        viz.backward_steps([seed_j()])
    with pytest.raises(TypeError, match="does not take highlight"):
        viz.backward_steps(seed_j(), highlight=seed_j())


def test_cli_writes_numbered_pngs_and_prints_one_caption_per_step(tmp_path):
    folder = tmp_path / "new" / "steps"
    done = subprocess.run([sys.executable, "-m", "viz", "cos(sin(x**2) + 3*x**2)", "x=2", "--steps", str(folder)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert [l.split(":")[0] for l in lines] == [f"step {k}" for k in range(7)]
    assert lines[-1].endswith("= 9.0991)")
    files = sorted(p.name for p in folder.iterdir())
    assert files == [f"step_{k:02d}.png" for k in range(7)]
    sizes = [(p.width, p.height) for p in (read_png((folder / name).read_bytes(), pixels=False) for name in files)]
    assert all(1200 < w < 1400 and 350 < h < 450 for w, h in sizes)  # the same graph; captions differ a little
    last = read_png((folder / files[-1]).read_bytes())
    assert last.near(style.HIGHLIGHT, 30) > 100  # the step's highlighted node and edges


def test_cli_refuses_steps_with_heatmap(tmp_path):
    done = subprocess.run([sys.executable, "-m", "viz", "x+1", "x=1", "--steps", str(tmp_path), "--heatmap"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "--steps" in done.stderr and "--heatmap" in done.stderr


def test_example_writes_the_steps_of_the_tutorial_exercise(tmp_path):
    example = Path(__file__).resolve().parent.parent / "examples" / "graph_backward_steps.py"
    done = subprocess.run([sys.executable, str(example), "--out", str(tmp_path)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "engine: dJ/dx = 9.0991" in done.stdout and "x now 11.6340 − 2.5348 = 9.0991" in done.stdout
    assert read_png((tmp_path / "backward_step_06.png").read_bytes(), pixels=False).width > 600




def test_steps_are_typed_records_of_what_each_step_sends():
    J = seed_j()
    steps = viz.backward_steps(J)
    assert all(isinstance(s, viz.Step) for s in steps) and [s.index for s in steps] == list(range(7))
    names = by_name(J)
    assert steps[0].node is J and steps[0].sent == ((J, 1.0),)
    step5 = steps[5]  # b = sin(a) sends to a
    assert step5.node is names["b"] and step5.head == "b = sin(a) sends"
    assert [(p, round(g, 4)) for p, g in step5.sent] == [(names["a"], -0.6337)]
    assert step5.caption_lines == (step5.head, *step5.phrases)


def test_a_steps_gradients_are_the_ones_sent_so_far_and_pictures_are_drawn_on_demand():
    J = seed_j()
    steps = viz.backward_steps(J)
    assert "picture" not in vars(steps[3])  # nothing drawn until asked
    known = {}
    for step in steps:
        known.update(step.sent)
        assert step.grads == known
    assert steps[3].picture is steps[3].picture  # drawn once
    assert steps[3].title is None and viz.backward_steps(J, title="T")[0].title == "T"


def test_a_step_shows_as_its_picture_in_jupyter():
    step = viz.backward_steps(seed_j())[2]
    bundle = step._repr_mimebundle_()
    assert "<svg" in next(text for mime, text in bundle.items() if "svg" in mime or "html" in mime)
