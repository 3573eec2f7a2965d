"""Pictures in Jupyter: inline SVG in the page (hover shows tooltips), not an image, one layout per display."""

import re

import pytest

import viz
from autograd import Value


def picture():
    x = Value(2.0, label="x")
    y = (x * x).sin()
    y.label = "y"
    return viz.draw(y)


def test_jupyter_gets_inline_svg_as_html_first():
    formatters = pytest.importorskip("IPython.core.formatters")
    data, _metadata = formatters.DisplayFormatter().format(picture())
    page = data["text/html"]
    assert page.startswith("<svg") and page.rstrip().endswith("</svg>")
    assert "<img" not in page and "<?xml" not in page and "<!DOCTYPE" not in page
    assert data["image/svg+xml"].lstrip().startswith("<?xml")  # the file form, for other front ends


def test_hover_text_is_each_nodes_tooltip_not_its_dot_name():
    page = picture()._repr_html_()
    titles = re.findall(r"<title>([^<]*)</title>", page)
    assert any(t.startswith("x (input)&#10;data = 2.0") for t in titles)
    assert any(t.startswith("y = sin(a) (op sin)") for t in titles)
    assert not any(re.fullmatch(r"[vo]\d+|.*&#45;&gt;.*|autograd", t) for t in titles)


def test_two_pictures_in_one_notebook_share_no_element_ids():
    first, second = picture()._repr_html_(), picture()._repr_html_()
    ids = lambda page: set(re.findall(r'\bid="([^"]+)"', page))
    assert ids(first) and not ids(first) & ids(second)


def test_a_mime_bundle_holds_what_was_asked():
    graph = picture()
    assert set(graph._repr_mimebundle_()) == {"text/html", "image/svg+xml"}
    assert set(graph._repr_mimebundle_(exclude=["image/svg+xml"])) == {"text/html"}
    png = graph._repr_mimebundle_(include=["image/png"])["image/png"]
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
