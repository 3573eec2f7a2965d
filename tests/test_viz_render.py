"""Specification of rendering: finding the executable, writing PNG/SVG/PDF/DOT, and Jupyter display."""

import os
import shutil
import stat
import subprocess
import xml.etree.ElementTree as ET

import pytest
from graphviz.backend import dot_command

import viz
from autograd import Value
from png_pixels import read_png
from viz import renderer, style

SYSTEM_DOT = shutil.which("dot")
OUTPUT_FILL = style.ROLES["output"].fill  # the amber card of the graph's output
INPUT_FILL = style.ROLES["input"].fill


def layout_inches(source):
    """The laid-out size of a DOT source, from the renderer's text layout."""
    first = viz.render(source, "plain").split()[:4]
    return float(first[2]), float(first[3])


def assert_picture_of_graph(png, source, dpi=96.0):
    """The PNG decodes, is as big as the layout at ``dpi``, and shows the input and output cards."""
    picture = read_png(png)
    width, height = (size + 2 * 0.25 for size in layout_inches(source))  # draw pads 0.25 inch all round
    assert abs(picture.width - width * dpi) <= 0.04 * width * dpi + 3
    assert abs(picture.height - height * dpi) <= 0.04 * height * dpi + 3
    assert picture.near(OUTPUT_FILL, 6) > 200 and picture.near(INPUT_FILL, 6) > 200
    assert picture.inked() > 0.2 * picture.width * picture.height  # mostly cards, not an empty canvas
    return picture


def fake_executable(folder, name):
    """An executable file that does nothing, to stand in for a renderer during discovery."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text("#!/bin/sh\nexit 0\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return path


@pytest.fixture
def isolated(monkeypatch, tmp_path):
    """Discovery sees only what a test puts in tmp_path: no override, empty scripts folder and PATH."""
    monkeypatch.delenv(renderer.ENV_VAR, raising=False)
    scripts, on_path = tmp_path / "scripts", tmp_path / "bin"
    scripts.mkdir()
    on_path.mkdir()
    monkeypatch.setattr(renderer, "_scripts_dir", lambda: str(scripts))
    monkeypatch.setenv("PATH", str(on_path))
    return scripts, on_path


def graph():
    x = Value(2.0, label="x")
    y = (x * x).sin()
    y.backward()
    return y


# ----- discovery order ---------------------------------------------------------------------------


def test_environment_variable_overrides_everything(isolated, monkeypatch, tmp_path):
    scripts, on_path = isolated
    fake_executable(scripts, "graphviz-pure")
    chosen = fake_executable(tmp_path / "elsewhere", "my-dot")
    monkeypatch.setenv(renderer.ENV_VAR, str(chosen))
    assert viz.find_renderer("svg") == chosen
    assert viz.find_renderer("pdf") == chosen


def test_environment_variable_naming_nothing_is_a_clear_error(isolated, monkeypatch):
    monkeypatch.setenv(renderer.ENV_VAR, "/no/such/dot")
    with pytest.raises(viz.RendererNotFoundError, match=renderer.ENV_VAR):
        viz.find_renderer("svg")


def test_graphviz_pure_in_the_interpreters_scripts_folder_comes_first(isolated):
    scripts, on_path = isolated
    in_scripts = fake_executable(scripts, "graphviz-pure")
    fake_executable(on_path, "graphviz-pure")
    fake_executable(on_path, "dot")
    assert viz.find_renderer("png") == in_scripts


def test_graphviz_pure_on_path_is_used_when_the_scripts_folder_lacks_it(isolated):
    _, on_path = isolated
    pure = fake_executable(on_path, "graphviz-pure")
    fake_executable(on_path, "dot")
    assert viz.find_renderer("svg") == pure


def test_system_dot_is_the_last_resort(isolated):
    _, on_path = isolated
    dot = fake_executable(on_path, "dot")
    assert viz.find_renderer("svg") == dot


def test_pdf_goes_to_system_dot_even_when_graphviz_pure_is_installed(isolated):
    scripts, on_path = isolated
    fake_executable(scripts, "graphviz-pure")
    dot = fake_executable(on_path, "dot")
    assert viz.find_renderer("pdf") == dot


def test_pdf_without_system_dot_says_what_to_install(isolated):
    scripts, _ = isolated
    fake_executable(scripts, "graphviz-pure")
    with pytest.raises(viz.RendererNotFoundError, match="PDF output needs Graphviz's own 'dot'") as info:
        viz.find_renderer("pdf")
    assert "svg" in str(info.value) and "apt install graphviz" in str(info.value)


def test_no_renderer_at_all_is_a_clear_error(isolated):
    with pytest.raises(viz.RendererNotFoundError, match="graphviz-pure"):
        viz.find_renderer("svg")


def test_saving_pdf_without_system_dot_raises_the_same_message(isolated, tmp_path):
    scripts, _ = isolated
    fake_executable(scripts, "graphviz-pure")
    with pytest.raises(viz.RendererNotFoundError, match="PDF"):
        viz.save(graph(), tmp_path / "graph.pdf")


# ----- rendering with the installed graphviz-pure -----------------------------------------------


@pytest.fixture
def pure_only(monkeypatch):
    """The real graphviz-pure, found through the scripts folder, with nothing on PATH."""
    monkeypatch.delenv(renderer.ENV_VAR, raising=False)
    found = shutil.which("graphviz-pure", path=renderer._scripts_dir()) or shutil.which("graphviz-pure")
    if found is None:
        pytest.fail("graphviz-pure is a dependency of valuegrad and must be installed")
    monkeypatch.setattr(renderer, "_scripts_dir", lambda: os.path.dirname(found))
    monkeypatch.setenv("PATH", "")
    return found


def test_graphviz_pure_renders_png(pure_only):
    source = viz.draw(graph()).source
    assert_picture_of_graph(viz.render(source, "png"), source)


def test_graphviz_pure_renders_svg_with_an_svg_root(pure_only):
    root = ET.fromstring(viz.render(viz.draw(graph(), heatmap=True).source, "svg"))
    assert root.tag == "{http://www.w3.org/2000/svg}svg"


def test_save_writes_each_format_from_the_suffix(pure_only, tmp_path):
    y = graph()
    png = viz.save(y, tmp_path / "g.png", dpi=48).read_bytes()
    assert_picture_of_graph(png, viz.draw(y).source, dpi=48)
    assert ET.parse(viz.save(y, tmp_path / "g.svg")).getroot().tag.endswith("svg")
    dot_text = viz.save(y, tmp_path / "g.dot").read_text()
    assert dot_text.startswith("digraph") and "<B>x</B>" in dot_text


def test_save_passes_drawing_options_on(pure_only, tmp_path):
    text = viz.save(graph(), tmp_path / "g.dot", rankdir="TB", precision=1).read_text()
    assert "rankdir=TB" in text and ">2.0<" in text


def test_save_accepts_a_ready_graph(pure_only, tmp_path):
    ready = viz.draw(graph(), title="ready")
    assert "ready" in viz.save(ready, tmp_path / "g.dot").read_text()
    with pytest.raises(TypeError, match="ready graph"):
        viz.save(ready, tmp_path / "g.svg", precision=2)


def test_save_rejects_an_unknown_suffix_and_a_missing_folder(tmp_path):
    with pytest.raises(ValueError, match=r"\.bmp"):
        viz.save(graph(), tmp_path / "g.bmp")
    with pytest.raises(FileNotFoundError, match="does not exist"):
        viz.save(graph(), tmp_path / "missing" / "g.svg")


@pytest.mark.parametrize("dpi", [0, -5, "high", True])
def test_save_rejects_a_dpi_that_is_not_a_sensible_number(tmp_path, dpi):
    with pytest.raises(ValueError, match="dpi"):
        viz.save(graph(), tmp_path / "g.png", dpi=dpi)


def test_save_at_a_huge_dpi_is_refused_before_rendering(pure_only, tmp_path):
    import nn
    from nn.losses import mse
    net = nn.MLP(2, [3, 1], "tanh", seed=3)
    loss = mse([net([0.0, 1.0]), net([1.0, 1.0])], [1.0, 0.0])
    target = tmp_path / "big.png"
    target.write_bytes(b"old")
    with pytest.raises(ValueError, match=r"at 2400 dpi it would be .* pixels.*use dpi=\d+ or less"):
        viz.save(loss, target, dpi=2400)
    assert target.read_bytes() == b"old"


def test_a_renderer_that_hangs_is_stopped_after_the_timeout(monkeypatch, tmp_path):
    slow = tmp_path / "slow-dot"
    slow.write_text("#!/bin/sh\nsleep 30\n")
    slow.chmod(0o755)
    monkeypatch.setenv(renderer.ENV_VAR, str(slow))
    import time
    start = time.monotonic()
    with pytest.raises(RuntimeError, match="still rendering svg after 0.5 seconds"):
        viz.render("digraph { a -> b }", "svg", timeout=0.5)
    assert time.monotonic() - start < 10


def test_save_replaces_the_file_whole_or_leaves_the_old_one(pure_only, tmp_path, monkeypatch):
    import autograd.files
    target = tmp_path / "g.svg"
    target.write_text("the previous picture")

    def fail(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(autograd.files.os, "fsync", fail)
    with pytest.raises(OSError, match="No space left"):
        viz.save(graph(), target)
    assert target.read_text() == "the previous picture"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["g.svg"]  # no temporary file left behind
    monkeypatch.undo()
    assert ET.parse(viz.save(graph(), target)).getroot().tag.endswith("svg")


@pytest.mark.parametrize("char", ["\n", "\t", "\x00", "\x0b", "\uffff", "\x7f", "\ud800"])
def test_labels_titles_and_groups_with_control_characters_render(pure_only, char):
    x = Value(2.0, label=f"x{char}1")
    w = Value(0.5, label=f"L{char}.w")
    w.group = f"L{char}"
    y = (x * w).sin()
    y.label = f"out{char}"
    y.backward()
    for source in (viz.draw(y, title=f"a{char}title").source, viz.draw(y, collapse="layer").source):
        assert ET.fromstring(viz.render(source, "svg")).tag.endswith("svg")
        if SYSTEM_DOT:
            done = subprocess.run([SYSTEM_DOT, "-Tsvg"], input=source.encode("utf-8", "surrogatepass"),
                                  capture_output=True, timeout=60)
            assert done.returncode == 0, done.stderr
    svg = viz.render(viz.draw(y).source, "svg").decode()
    assert ascii(char)[1:-1] in svg or char == "\n" and "x\\n1" in svg  # shown as an escape a reader sees


def test_renderer_failure_reports_its_message(pure_only):
    with pytest.raises(RuntimeError, match="failed to render"):
        viz.render("digraph { a -> }", "svg")


def test_returned_graph_displays_in_jupyter_with_our_renderer(pure_only):
    g = viz.draw(graph())
    before = dot_command.DOT_BINARY
    bundle = g._repr_mimebundle_()
    assert bundle["image/svg+xml"].lstrip().startswith("<?xml")
    assert_picture_of_graph(g._repr_mimebundle_(include=["image/png"])["image/png"], g.source)
    assert dot_command.DOT_BINARY == before  # plain graphviz objects are left as they were


@pytest.fixture
def pure_by_override(pure_only, monkeypatch):
    """graphviz-pure chosen through the environment variable, with no system dot to fall back on."""
    monkeypatch.setattr(renderer, "_scripts_dir", lambda: None)
    monkeypatch.setenv(renderer.ENV_VAR, pure_only)
    return pure_only


def test_jupyter_display_works_with_graphviz_pure_alone(pure_by_override):
    g = viz.draw(graph())
    assert ET.fromstring(g._repr_mimebundle_()["image/svg+xml"]).tag.endswith("svg")
    assert ET.fromstring(g._repr_svg_()).tag.endswith("svg")


def test_pdf_through_an_override_naming_graphviz_pure_says_what_to_install(pure_by_override, tmp_path):
    with pytest.raises(viz.RendererNotFoundError, match=f"PDF output needs Graphviz's own 'dot'.*{renderer.ENV_VAR}"):
        viz.save(graph(), tmp_path / "graph.pdf")


def test_returned_graph_renders_to_a_file_with_our_renderer(pure_only, tmp_path):
    out = viz.draw(graph()).render(tmp_path / "graph", format="png")
    with open(out, "rb") as f:
        assert_picture_of_graph(f.read(), viz.draw(graph()).source)


# ----- rendering with a system Graphviz, where installed ------------------------------------------


@pytest.fixture
def system_dot(monkeypatch):
    if SYSTEM_DOT is None:
        pytest.skip("Graphviz's own dot is not installed (apt install graphviz)")
    monkeypatch.setenv(renderer.ENV_VAR, SYSTEM_DOT)
    return SYSTEM_DOT


def test_system_dot_renders_png_and_svg(system_dot):
    source = viz.draw(graph()).source
    assert_picture_of_graph(viz.render(source, "png"), source)
    assert ET.fromstring(viz.render(source, "svg")).tag.endswith("svg")


def test_system_dot_renders_pdf(system_dot, tmp_path):
    assert viz.save(graph(), tmp_path / "g.pdf").read_bytes().startswith(b"%PDF")
