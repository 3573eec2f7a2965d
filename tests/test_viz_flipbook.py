"""Specification of viz.save_steps' HTML flip-book as a file: one layout, per-step changes, linear size."""

import html
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

import viz
from autograd import Value, parse, topological_order

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "graph_backward_steps.py"


def seed_j(x=2.0):
    """J = cos(sin(x²) + 3x²), the exercise of the tutorial on the chain rule."""
    J = parse("cos(sin(x**2) + 3*x**2)").evaluate(x=x)
    J.label = "J"
    return J


def html_page(tmp_path, output, **options):
    return viz.save_steps(output, tmp_path / "steps.html", **options).read_text(encoding="utf-8")


def page_data(page):
    """The per-step changes the page's script replays."""
    text = page.split('<script type="application/json" id="steps-data">')[1].split("</script>")[0]
    return json.loads(text)["steps"]


def chain(n):
    x = Value(0.5, label="x")
    y = x
    for _ in range(n):
        y = (y * 1.1).tanh()
    y.label = "y"
    return y


def test_html_page_has_one_inline_svg_for_all_steps(tmp_path):
    page = html_page(tmp_path, seed_j())
    assert page.startswith("<!DOCTYPE html>")
    assert page.count("<svg ") == 1 and page.count("</svg>") == 1
    assert "<?xml" not in page and "<!DOCTYPE svg" not in page
    assert len(page_data(page)) == 7
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids))


def test_page_size_grows_linearly_with_the_graph(tmp_path):
    small = len(viz.save_steps(chain(20), tmp_path / "small.html").read_bytes())
    big = len(viz.save_steps(chain(40), tmp_path / "big.html").read_bytes())
    assert big / small < 2.0  # twice the steps on twice the graph: one picture per step would be ~4×


def test_page_data_holds_the_captions_in_step_order(tmp_path):
    J = seed_j()
    data = page_data(html_page(tmp_path, J))
    steps = viz.backward_steps(J)
    assert [(d["head"], *d["lines"]) for d in data] == [s.caption_lines for s in steps]
    assert "∂J/∂b · cos a = 0.9695 × −0.6536 = −0.6337 to a" in data[5]["lines"]


def test_replaying_the_page_data_ends_at_the_engines_gradients_exactly(tmp_path):
    J = seed_j(0.7)
    page = html_page(tmp_path, J)
    shown = {}
    for step in page_data(page):
        shown.update({card: exact for card, _text, exact in step["set"]})
    J.backward()
    cards = dict(re.findall(r'<g id="(v\d+)" class="node card" data-name="([^"]*)"', page))
    grads = {v.label or name: v.grad for v, name in viz.naming.short_names(topological_order(J)).items()}
    for card, exact in shown.items():
        assert float(exact) == grads[cards[card]]
    assert set(cards[c] for c in shown) == {"J", "a", "b", "c", "d", "e", "x"}  # the constant 3 has no grad cell


def test_each_step_names_the_node_it_processes_and_its_op(tmp_path):
    J = seed_j()
    page = html_page(tmp_path, J)
    names = dict(re.findall(r'<g id="(v\d+)" class="node card" data-name="([^"]*)"', page))
    data = page_data(page)
    assert [names[d["node"]] for d in data] == ["J", "J", "e", "d", "c", "b", "a"]
    assert data[0]["op"] is None  # the seed: nothing has flowed through J's op yet, so it is not lit
    assert all(d["op"] == "o" + d["node"][1:] for d in data[1:])
    assert [d["flow"] for d in data] == [False] + [True] * 6
    assert all(f'<g id="{d["op"]}" class="node op"' in page for d in data[1:])


def test_every_gradient_cell_is_marked_and_right_aligned(tmp_path):
    page = html_page(tmp_path, seed_j())
    cells = re.findall(r'<text class="grad" [^>]*text-anchor="end"', page)
    assert len(cells) == page.count('class="gradbg"') == 7


def test_html_page_escapes_labels_and_title(tmp_path):
    x = Value(2.0, label="<x&y></script>")
    y = x * 3.0
    y.label = "f"
    page = html_page(tmp_path, y, title="<b>J</b> & co")
    assert page.count("</script>") == 2  # the label cannot end the data early
    assert "<b>J</b>" not in page and "<h1>&lt;b&gt;J&lt;/b&gt; &amp; co</h1>" in page
    assert 'data-name="&lt;x&amp;y&gt;&lt;/script&gt;"' in page
    assert any("<x&y></script>" in line for line in page_data(page)[1]["lines"])


def test_html_page_is_self_contained(tmp_path):
    page = html_page(tmp_path, seed_j())
    urls = re.findall(r"https?://[^\"'\s)]*", page)
    assert set(urls) == {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}
    assert "<link" not in page and "src=" not in page and "@import" not in page


def test_html_page_has_the_controls(tmp_path):
    page = html_page(tmp_path, seed_j())
    for control in ('id="prev"', 'id="next"', 'id="play"', 'type="range" min="0" max="6"', 'step <b>0</b> of 6'):
        assert control in page


def test_html_page_keeps_each_nodes_tooltip_for_its_own_hover_box(tmp_path):
    page = html_page(tmp_path, seed_j())
    tips = [html.unescape(t) for t in re.findall(r'data-tip="([^"]*)"', page)]
    assert any(t.startswith("b = sin(a) (op sin)\n∂b/∂a = cos a, here ") for t in tips)  # an op's rule and value
    assert sum(t.startswith("x (input)\ndata = 2.0\ngrad = ") for t in tips) == 1
    assert "<title>" not in page.split("<svg")[1]  # no native tooltips to fight the page's own


def test_save_steps_accepts_the_steps_backward_steps_made(tmp_path):
    steps = viz.backward_steps(seed_j(), title="J at 2")
    page = viz.save_steps(steps, tmp_path / "steps.htm").read_text(encoding="utf-8")
    assert "<h1>J at 2</h1>" in page and page.count("<svg ") == 1 and len(page_data(page)) == 7
    with pytest.raises(TypeError, match="only apply when given a Value"):
        viz.save_steps(steps, tmp_path / "again.html", precision=2)
    with pytest.raises(TypeError, match="needs a Value or the whole list backward_steps returns"):
        viz.save_steps([viz.draw(seed_j())], tmp_path / "again.html")
    with pytest.raises(TypeError, match="needs a Value or the whole list backward_steps returns"):
        viz.save_steps(steps[:3], tmp_path / "again.html")


def test_drawing_options_reach_the_layout_and_the_captions(tmp_path):
    page = html_page(tmp_path, seed_j(), precision=2, rankdir="TB")
    assert "0.97 × 1.00 = 0.97 to b" in page_data(page)[2]["lines"][0]
    assert page_data(page)[2]["set"][0][1] == "0.97"


def test_collapsed_modules_show_their_output_gradient(tmp_path):
    import nn
    from nn.losses import mse

    net = nn.MLP(2, [2, 1], "tanh", seed=1)
    loss = mse([net([0.5, -1.0])], [1.0])
    loss.label = "loss"
    page = html_page(tmp_path, loss, collapse="neuron")
    ids = set(re.findall(r'<g id="([^"]+)" class="node', page))
    data = page_data(page)
    assert {card for d in data for card, _, _ in d["set"]} <= ids
    assert {d["node"] for d in data} <= ids


def test_save_steps_to_a_folder_writes_numbered_pngs(tmp_path):
    folder = viz.save_steps(Value(1.5, label="x").sin(), tmp_path / "pngs")
    assert folder == tmp_path / "pngs"
    assert sorted(p.name for p in folder.iterdir()) == ["step_00.png", "step_01.png"]
    assert all(p.read_bytes().startswith(b"\x89PNG\r\n\x1a\n") for p in folder.iterdir())


def test_save_steps_refuses_other_suffixes_naming_the_allowed_ones(tmp_path):
    with pytest.raises(ValueError, match=r"\.html, \.htm.*folder of PNGs.*'\.svg'"):
        viz.save_steps(seed_j(), tmp_path / "steps.svg")
    with pytest.raises(TypeError, match="path must be a str"):
        viz.save_steps(seed_j(), 3)


def test_a_failed_save_leaves_the_previous_page_untouched(tmp_path):
    target = tmp_path / "steps.html"
    target.write_text("previous", encoding="utf-8")
    with pytest.raises(ValueError, match="undefined or infinite"):
        viz.save_steps(Value(0.0, label="x").sqrt(), target)
    assert target.read_text(encoding="utf-8") == "previous"
    assert [p.name for p in tmp_path.iterdir()] == ["steps.html"]


def test_cli_steps_to_an_html_file_writes_the_page(tmp_path):
    page = tmp_path / "backprop.html"
    done = subprocess.run([sys.executable, "-m", "viz", "cos(sin(x**2) + 3*x**2)", "x=2", "--steps", str(page)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert len(done.stdout.splitlines()) == 7 and str(page) in done.stderr
    assert len(page_data(page.read_text(encoding="utf-8"))) == 7


def test_example_html_flag_writes_the_page(tmp_path):
    done = subprocess.run([sys.executable, str(EXAMPLE), "--out", str(tmp_path), "--html"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    page = (tmp_path / "backprop.html").read_text(encoding="utf-8")
    assert page.count("<svg ") == 1 and len(page_data(page)) == 7
