"""The explorer's server over real HTTP on 127.0.0.1: snapshots, layouts, errors, security, the CLI."""

from __future__ import annotations

import http.client
import json
import math
import os
import signal
import subprocess
import sys
import threading
import urllib.parse
from pathlib import Path

import pytest

import nn
from autograd import Value, parse
from viz import ExplorerServer, explore
from viz.replay import replay
from viz.walk import graph_order

ROOT = Path(__file__).resolve().parent.parent
EXPRESSION = "cos(sin(x**2) + 3*x**2)"


@pytest.fixture(scope="module")
def explorer():
    ex = ExplorerServer(EXPRESSION, {"x": 2.0}).start()
    yield ex
    ex.close()


def get(ex, path="/api/snapshot", *, token=True, host=None, **query):
    if token:
        query["token"] = ex.server.token
    conn = http.client.HTTPConnection("127.0.0.1", ex.server.port, timeout=10)
    conn.request("GET", path + "?" + urllib.parse.urlencode(query),
                 headers={"Host": host or f"127.0.0.1:{ex.server.port}"})
    response = conn.getresponse()
    body = response.read().decode()
    conn.close()
    ctype = response.getheader("Content-Type", "")
    return response.status, json.loads(body) if ctype.startswith("application/json") else body


def test_snapshot_of_the_default_expression(explorer):
    status, snap = get(explorer)
    assert status == 200
    assert snap["expression"] == EXPRESSION and snap["editable"] is True
    assert snap["inputs"] == [{"name": "x", "id": 0, "value": 2.0}]
    assert snap["nodes"][0]["grad"] == pytest.approx(9.099148544832385, abs=0)
    assert 'data-name="x"' in snap["svg"]


def test_new_input_values_give_new_values_and_gradients(explorer):
    _, snap = get(explorer, x="3")
    y = parse(EXPRESSION).evaluate(x=3.0)
    y.backward()
    assert snap["nodes"][-1]["data"] == y.data
    x = graph_order([y])[0]
    assert x.label == "x" and snap["nodes"][0]["grad"] == x.grad


def test_the_layout_is_sent_only_when_the_structure_changes(explorer):
    _, first = get(explorer, x="1")
    _, same = get(explorer, x="1.5", have=first["structure"])
    assert "svg" not in same and same["structure"] == first["structure"]
    _, other = get(explorer, expr="x*y + y", x="1", y="2", have=first["structure"])
    assert other["svg"].startswith("<svg") and other["structure"] != first["structure"]


def test_an_edited_expression_with_a_new_variable_starts_it_at_one(explorer):
    _, snap = get(explorer, expr="x * z", x="2")
    assert {i["name"]: i["value"] for i in snap["inputs"]} == {"x": 2.0, "z": 1.0}


def test_a_bad_expression_is_400_with_the_parsers_caret(explorer):
    status, body = get(explorer, expr="sin(x +* 2)")
    assert status == 400
    assert "not a valid expression" in body["error"] and "^" in body["error"]
    status, body = get(explorer, expr="__import__('os').system('true')")
    assert status == 400 and "only plain function calls" in body["error"]


def test_an_undefined_value_is_400_pointing_at_the_op(explorer):
    status, body = get(explorer, expr="log(x)", x="-1")
    assert status == 400 and "log" in body["error"] and "^" in body["error"]


@pytest.mark.parametrize("expr", ["leaky_relu(x, x)", "elu(x, x)", "leaky_relu(x, 2*x)"])
def test_a_function_constant_given_a_variable_is_400_pointing_at_the_call(explorer, expr):
    status, body = get(explorer, expr=expr, x="2")
    assert status == 400 and "plain number" in body["error"] and "^" in body["error"]


def test_a_long_bad_setting_is_echoed_cut_short(explorer):
    for name in ("fold", "target"):
        status, body = get(explorer, **{name: "z" * 5000})
        assert status == 400 and len(body["error"]) < 200 and "…" in body["error"], name


def test_a_bad_number_is_400(explorer):
    assert get(explorer, x="abc") == (400, {"error": "x must be a number, got 'abc'"})
    assert get(explorer, x="inf")[0] == 400


def test_a_target_picks_the_node_differentiated(explorer):
    _, snap = get(explorer, x="2", target="2")
    assert snap["target"] == 2 and snap["nodes"][2]["grad"] == 1.0
    assert get(explorer, target="99")[0] == 400
    assert get(explorer, target="1.5")[0] == 400


def test_steps_are_sent_on_request(explorer):
    _, plain = get(explorer)
    _, stepped = get(explorer, steps="1")
    assert "backward" not in plain and len(stepped["backward"]) == 6


def test_variable_names_that_clash_with_settings_are_refused(explorer):
    status, body = get(explorer, expr="target + 1")
    assert status == 400 and "target" in body["error"]


def test_token_and_host_are_checked(explorer):
    assert get(explorer, token=False)[0] == 403
    assert get(explorer, path="/", token=False)[0] == 403
    assert get(explorer, host="attacker.example")[0] == 403


def test_unknown_paths_are_404(explorer):
    assert get(explorer, path="/api/nothing")[0] == 404


def test_the_page_inlines_everything_and_fetches_nothing_from_elsewhere(explorer):
    status, page = get(explorer, path="/")
    assert status == 200
    assert "export function mount" in page and ".vg-explorer" in page
    assert "http://" not in page.replace("http://www.w3.org", "") and "https://" not in page
    assert "<script src" not in page and "<link" not in page
    first = page.split('id="vg-first">', 1)[1].split("</script>", 1)[0]
    assert json.loads(first)["expression"] == EXPRESSION


def test_concurrent_requests_each_get_their_own_answer(explorer):
    results = {}

    def ask(k):
        results[k] = get(explorer, x=str(k))[1]["inputs"][0]["value"]

    threads = [threading.Thread(target=ask, args=(k,)) for k in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == {k: float(k) for k in range(12)}


def mlp_loss():
    net = nn.MLP(2, [3, 1], "tanh", seed=0)
    out = net([Value(0.5, label="x1"), Value(-1.0, label="x2")])
    out = out[0] if isinstance(out, list) else out
    return net, (out - 1.0) ** 2


def test_a_graph_built_in_python_is_explored_through_its_labelled_leaves():
    net, loss = mlp_loss()
    ex = ExplorerServer(loss).start()
    try:
        _, snap = get(ex)
        assert snap["editable"] is False and snap["expression"] is None
        names = [i["name"] for i in snap["inputs"]]
        assert names[:2] == ["L1.N1.w1", "L1.N1.w2"] or "x1" in names
        _, moved = get(ex, x1="2.0")
        fresh_net, _ = mlp_loss()
        out = fresh_net([Value(2.0), Value(-1.0)])
        out = out[0] if isinstance(out, list) else out
        expected = (out - 1.0) ** 2
        assert moved["nodes"][moved["output"]]["data"] == pytest.approx(expected.data, rel=1e-15)
        assert get(ex, expr="x")[0] == 400
    finally:
        ex.close()


def test_open_takes_each_group_once_and_names_one_the_graph_lacks():
    net = nn.MLP(2, [4, 4, 1], "tanh", seed=0)
    samples = [[Value(0.1 * k, label=f"x{k}"), Value(-0.2 * k)] for k in range(10)]
    loss = sum(((net(x)[0] if isinstance(net(x), list) else net(x)) - 1.0) ** 2 for x in samples)
    ex = ExplorerServer(loss).start()
    try:
        _, once = get(ex, fold="neuron", open="L2.N1")
        status, many = get(ex, fold="neuron", open=",".join(["L2.N1"] * 5_000), have=once["layout"])
        assert status == 200 and many["fold"]["open"] == ["L2.N1"] and "svg" not in many
        for bad in ("a," * 15_000, "12345 terms", "L2.N1,L9.N1"):
            status, body = get(ex, fold="neuron", open=bad)
            assert status == 400 and "open names a group this graph does not have" in body["error"], bad
            assert len(body["error"]) < 200
        assert "'12345 terms'" in get(ex, fold="neuron", open="12345 terms")[1]["error"]
    finally:
        ex.close()


def test_replay_is_all_or_nothing():
    x = Value(2.0, label="x")
    y = (x - 1.0).log()
    order = graph_order([y])
    before = [v.data for v in order]
    with pytest.raises(ValueError, match="log"):
        replay(order, {x: 0.5})
    assert [v.data for v in order] == before


def test_explore_from_python_serves_in_the_background():
    ex = explore("x * y", x=2, y=3, open_browser=False, block=False)
    try:
        _, snap = get(ex)
        assert snap["nodes"][snap["output"]]["data"] == 6.0
    finally:
        ex.close()


def test_explore_refuses_what_it_cannot_show():
    with pytest.raises(TypeError, match="expression"):
        ExplorerServer(3.0)
    with pytest.raises(ValueError, match="not a valid expression"):
        ExplorerServer("x +")


def test_cli_prints_the_url_first_and_stops_cleanly_on_ctrl_c():
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "viz", "explore", EXPRESSION, "x=2", "--no-browser"],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        url = proc.stdout.readline().strip()
        parts = urllib.parse.urlsplit(url)
        assert parts.hostname == "127.0.0.1" and "token=" in parts.query
        conn = http.client.HTTPConnection("127.0.0.1", parts.port, timeout=10)
        conn.request("GET", "/api/snapshot?" + parts.query + "&x=1")
        assert json.loads(conn.getresponse().read())["inputs"][0]["value"] == 1.0
        conn.close()
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.stdout.close()
        proc.stderr.close()


def test_cli_bad_expression_is_a_usage_error():
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "viz", "explore", "x +", "--no-browser"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "not a valid expression" in done.stderr and done.stdout == ""


def test_the_layout_addresses_every_node_op_and_edge_by_id():
    import xml.etree.ElementTree as ET
    from viz.explorer_svg import layout_svg
    from viz.snapshot import snapshot

    x = Value(3.0, label="x")
    snap = snapshot((x * x + 2.0).sin())
    root = ET.fromstring(layout_svg(snap))
    ns = "{http://www.w3.org/2000/svg}"
    groups = [g for g in root.iter(f"{ns}g") if "vg-node" in g.get("class", "").split()]
    assert [(g.get("data-id"), g.get("data-name")) for g in groups] == [(str(n["id"]), n["name"]) for n in snap["nodes"]]
    ops = [g.get("data-id") for g in root.iter(f"{ns}g") if g.get("class") == "vg-op"]
    assert ops == [str(n["id"]) for n in snap["nodes"] if n["op"]]
    edges = [(p.get("data-from"), p.get("data-to")) for p in root.iter(f"{ns}path") if p.get("class") == "vg-edge"]
    operand_edges = sorted((str(p), str(n["id"])) for n in snap["nodes"] for p in n["parents"])
    assert sorted(e for e in edges if e[0] != e[1]) == operand_edges
    assert root.find(f".//{ns}title") is None  # no native tooltips: the page has its own


def test_a_layout_that_takes_too_long_gives_live_numbers_and_a_note_not_a_hang(monkeypatch):
    from viz import explorer_svg
    from viz.snapshot import snapshot

    def too_slow(source, fmt, dpi=None, *, timeout=None, prefer_system_dot=False):
        assert timeout == explorer_svg.LAYOUT_SECONDS  # the layout is bounded, not the default 120 s
        assert prefer_system_dot  # Graphviz's dot lays out a wide fan-out many times faster than graphviz-pure
        raise RuntimeError(f"dot was still rendering json0 after {timeout:g} seconds and was stopped")

    monkeypatch.setattr(explorer_svg, "render", too_slow)
    x = Value(0.25, label="slow_layout_x")
    first = explorer_svg.with_layout(snapshot(x.sin().cos()))
    assert first["svg"] is None and "took longer than" in first["svg_note"]
    assert "collapse=" not in first["svg_note"] and "timeout" not in first["svg_note"]  # no Python advice on a page
    again = explorer_svg.with_layout(snapshot(Value(0.5, label="slow_layout_x").sin().cos()))
    assert again["svg"] is None and again["svg_note"] == first["svg_note"]  # remembered, not re-run


def test_a_graph_over_the_drawing_limit_says_so(monkeypatch):
    from viz import explorer_svg
    from viz.snapshot import snapshot

    monkeypatch.setattr(explorer_svg, "MAX_LAYOUT_NODES", 2)
    snap = explorer_svg.with_layout(snapshot(Value(1.0, label="over_limit_x").exp().sin()))
    assert snap["svg"] is None and "too many to draw (at most 2)" in snap["svg_note"]


def test_one_layout_runs_at_a_time_and_a_request_for_the_same_picture_waits_for_it(monkeypatch):
    import time as clock

    from viz import explorer_svg
    from viz.snapshot import snapshot

    running, most, calls = [0], [0], []
    real = explorer_svg.render

    def counting(source, fmt, dpi=None, **kw):
        running[0] += 1
        most[0] = max(most[0], running[0])
        calls.append(source)
        clock.sleep(0.2)
        try:
            return real(source, fmt, dpi, **kw)
        finally:
            running[0] -= 1

    monkeypatch.setattr(explorer_svg, "render", counting)
    snaps = [snapshot(Value(1.0, label=f"one_at_a_time_{k % 2}").exp().sin()) for k in range(6)]
    answers = []
    threads = [threading.Thread(target=lambda s=s: answers.append(explorer_svg.with_layout(s))) for s in snaps]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert most[0] == 1 and len(calls) == 2  # two structures: two layouts, one after the other
    assert all(a["svg"].startswith("<svg") for a in answers) and len(answers) == 6


def test_a_request_waiting_too_long_for_the_layout_slot_is_a_503_in_json(explorer, monkeypatch):
    from viz import explorer_svg

    monkeypatch.setattr(explorer_svg, "LAYOUT_SECONDS", -4.9)  # wait 0.1 s for the slot
    with explorer_svg._layout_lock:  # another picture is being laid out
        status, body = get(explorer, expr="x * 12345.5")
    assert status == 503 and "being laid out" in body["error"]
    assert get(explorer, expr="x * 12345.5")[0] == 200


def test_the_note_for_a_graph_too_big_points_at_the_show_menu(monkeypatch):
    from viz import explorer_svg
    from viz.snapshot import snapshot

    net = nn.MLP(2, [4, 4, 1], "tanh", seed=0)
    out = net([Value(0.5, label="x1"), Value(-1.0, label="x2")])
    loss = ((out[0] if isinstance(out, list) else out) - 1.0) ** 2
    monkeypatch.setattr(explorer_svg, "MAX_LAYOUT_NODES", 2)
    snap = explorer_svg.with_layout(snapshot(loss, fold="none"))
    assert snap["svg"] is None and "choose “one card per neuron” or “one card per layer” in the show menu" in snap["svg_note"]


def test_a_graph_built_in_python_refuses_an_undefined_move_in_the_users_terms():
    from viz.replay import graph_order, replay
    x = Value(2.0, label="x")
    y = 1 / x + x.log()
    order = graph_order([y])
    with pytest.raises(ValueError, match=r"^1 ÷ x is undefined here: division by zero; x is 0\.0, the Value labelled 'x'$"):
        replay(order, {x: 0.0})
    assert x.data == 2.0 and y.data == 0.5 + math.log(2.0)  # all or nothing
