"""The explorer as a Jupyter widget, without a browser: its synced state, and the messages a view and the kernel trade."""

import pytest

pytest.importorskip("anywidget")

import viz  # noqa: E402
from autograd import Value  # noqa: E402
from viz.widget import Explorer  # noqa: E402

EXPRESSION = "cos(sin(x**2) + 3*x**2)"


def node(snapshot, name):
    (found,) = [n for n in snapshot["nodes"] if n["name"] == name]
    return found


class Recorder:
    """Stands in for the front end: what the kernel sends to the views."""

    def __init__(self, widget):
        self.sent = []
        widget.send = lambda content, buffers=None: self.sent.append(content)


def ask(widget, id, **params):
    """A view's request, delivered as the kernel receives widget messages."""
    widget._handle_custom_msg({"type": "request", "id": id, "params": params}, [])


def test_state_holds_the_snapshot_the_layout_and_the_view_module():
    w = Explorer(EXPRESSION, x=2)
    state = w.get_state()
    assert node(state["snapshot"], "x")["data"] == 2.0
    assert node(state["snapshot"], "x")["grad"] == pytest.approx(9.0991, abs=1e-4)  # the tutorial's dJ/dx
    assert state["svg"].startswith("<svg") and "svg" not in state["snapshot"]
    assert "export function mount" in w._esm and "export default { render }" in w._esm
    assert "stopPropagation" in w._esm and ".vg-explorer" in w._css


def test_set_recomputes_in_python_and_pushes_the_snapshot_to_the_views():
    w = Explorer("x**2 + y", x=3, y=1)
    views = Recorder(w)
    assert w.set(x=4) is w
    assert node(w.snapshot, "x")["grad"] == 8.0 and node(w.snapshot, "x")["data"] == 4.0
    (pushed,) = views.sent
    assert pushed["type"] == "show" and "svg" not in pushed["snapshot"]  # same structure: no new layout
    assert [i["value"] for i in pushed["snapshot"]["inputs"]] == [4.0, 1.0]
    w.set(y=-2)
    assert [i["value"] for i in w.snapshot["inputs"]] == [4.0, -2.0]  # x keeps its value


def test_a_views_request_is_answered_to_it_and_becomes_the_widgets_snapshot():
    w = Explorer("x**2", x=3)
    views = Recorder(w)
    ask(w, "view1:1", x="5", have=w.snapshot["structure"])
    (answer,) = views.sent
    assert answer["type"] == "answer" and answer["id"] == "view1:1"
    assert answer["snapshot"]["nodes"][0]["grad"] == 10.0 and "svg" not in answer["snapshot"]
    assert w.snapshot["nodes"][0]["data"] == 5.0
    w.set(x=1)
    assert w.snapshot["nodes"][0]["grad"] == 2.0


def test_an_edited_expression_gets_a_new_layout():
    w = Explorer("x**2", x=3)
    views = Recorder(w)
    before = w.svg
    ask(w, "v:1", expr="x*y + 1", x="2", y="5", have=w.snapshot["structure"])
    answer = views.sent[-1]["snapshot"]
    assert answer["expression"] == "x*y + 1" and answer["svg"].startswith("<svg")
    assert w.svg == answer["svg"] != before
    assert [i["name"] for i in w.snapshot["inputs"]] == ["x", "y"]


def test_a_bad_expression_from_a_view_is_an_error_answer_and_keeps_the_last_good_graph():
    w = Explorer("x**2", x=3)
    views = Recorder(w)
    kept = dict(w.snapshot)
    ask(w, "v:7", expr="x +", x="1")
    assert views.sent == [{"type": "answer", "id": "v:7", "error": "not a valid expression: invalid syntax\n  x +\n  ^"}]
    assert w.snapshot == kept


def test_messages_that_are_not_requests_are_ignored():
    w = Explorer("x**2", x=3)
    views = Recorder(w)
    w._handle_custom_msg({"type": "something else"}, [])
    w._handle_custom_msg(["not", "a", "dict"], [])
    assert views.sent == []


def test_a_graph_built_in_python_takes_its_labelled_leaves_as_inputs():
    w = Value(0.5, label="w")
    b = Value(-1.0, label="b")
    loss = (w * 3.0 + b).tanh()
    loss.label = "loss"
    widget = Explorer(loss)
    assert sorted(i["name"] for i in widget.snapshot["inputs"]) == ["b", "w"]
    widget.set(b=-1.5)
    assert node(widget.snapshot, "loss")["data"] == 0.0


def test_bad_inputs_are_clear_errors():
    w = Explorer("x**2", x=3)
    with pytest.raises(ValueError, match="no input named 'z'; the inputs are x"):
        w.set(z=1)
    with pytest.raises(TypeError, match="x must be a number, got str"):
        w.set(x="3")
    with pytest.raises(ValueError, match="x must be a finite number"):
        w.set(x=float("nan"))
    with pytest.raises(TypeError, match="explore needs an expression"):
        Explorer(3.0)
    with pytest.raises(ValueError, match="not a valid expression"):
        Explorer("x +")


def test_viz_offers_the_widget_by_name():
    assert viz.Explorer is Explorer
