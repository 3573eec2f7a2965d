"""Specification of the playground's JSON API over real HTTP on 127.0.0.1 (token, Host, 400s, training)."""

import http.client
import json
import signal
import subprocess
import sys
import threading
import time
import urllib.parse

import pytest

import nn
from viz.playground_server import Playground

SMALL = {"points": 60, "hidden": [3], "batch_size": 10}


@pytest.fixture
def pg():
    playground = Playground(SMALL).start()
    yield playground
    playground.close()


def call(pg, method, path, body=None, token=True, host=None, **query):
    if token:
        query["token"] = pg.server.token
    conn = http.client.HTTPConnection("127.0.0.1", pg.server.port, timeout=30)
    headers = {"Host": host or f"127.0.0.1:{pg.server.port}"}
    data = None
    if body is not None:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    conn.request(method, f"{path}?{urllib.parse.urlencode(query)}", body=data, headers=headers)
    response = conn.getresponse()
    raw = response.read()
    conn.close()
    kind = response.getheader("Content-Type", "")
    return response.status, (json.loads(raw) if kind.startswith("application/json") else raw.decode())


def test_moons_2_8_8_1_tanh_over_http_reaches_90_percent_test_accuracy_within_400_steps(pg):
    status, state = call(pg, "POST", "/api/reset", {"dataset": "moons", "hidden": [8, 8], "activation": "tanh"})
    assert status == 200 and state["sizes"] == [2, 8, 8, 1] and state["step"] == 0
    best = 0.0
    while state["step"] < 400:  # a request trains for about a second at most: ask again for the rest
        status, state = call(pg, "POST", "/api/step", {"n": min(100, 400 - state["step"])})
        assert status == 200
        best = max(best, state["test_accuracy"])
    assert state["step"] == 400 and best >= 0.9
    for key in ("train_loss", "test_loss", "train_accuracy", "test_accuracy", "curves", "heatmap", "network"):
        assert key in state


def test_state_answers_with_and_without_pictures(pg):
    status, state = call(pg, "GET", "/api/state")
    assert status == 200 and "heatmap" in state and state["playing"] is False
    status, light = call(pg, "GET", "/api/state", pictures="0")
    assert status == 200 and "heatmap" not in light and light["step"] == state["step"]


@pytest.mark.parametrize("path", ["/", "/api/state", "/api/neuron"])
def test_without_the_token_every_request_is_403(pg, path):
    assert call(pg, "GET", path, token=False)[0] == 403
    assert call(pg, "GET", path, token=False, layer=1, index=1, sample=0)[0] == 403


@pytest.mark.parametrize("host", ["evil.example:80", "127.0.0.1.evil.example", "localhost:1"])
def test_a_foreign_host_header_is_403(pg, host):
    assert call(pg, "GET", "/api/state", host=host)[0] == 403
    assert call(pg, "POST", "/api/step", {"n": 5}, host=host)[0] == 403
    assert call(pg, "GET", "/api/state", pictures="0")[1]["step"] == 0


@pytest.mark.parametrize("config, words", [
    ({"dataset": "iris"}, "unknown dataset"),
    ({"hidden": [1000, 1000]}, "hidden[0]"),
    ({"hidden": [4] * 50}, "at most 6"),
    ({"lr": -1}, "lr"),
    ({"batch_size": -5}, "batch_size"),
    ({"points": 10**9}, "points"),
    ({"unknown": 1}, "unknown setting"),
    ("moons", "JSON object"),
])
def test_a_bad_config_is_400_with_a_message_and_changes_nothing(pg, config, words):
    call(pg, "POST", "/api/step", {"n": 3})
    before = call(pg, "GET", "/api/state", pictures="0")[1]
    status, answer = call(pg, "POST", "/api/reset", config)
    assert status == 400 and words in answer["error"]
    after = call(pg, "GET", "/api/state", pictures="0")[1]
    assert after == before


@pytest.mark.parametrize("body", [b"{not json", b"[]", b'{"n": 0}', b'{"n": -3}', b'{"n": 1.5}', b'{"n": 100000}',
                                  b'{"n": "5"}'])
def test_a_bad_step_request_is_400_and_trains_nothing(pg, body):
    status, answer = call(pg, "POST", "/api/step", body)
    assert status == 400 and "error" in answer
    assert call(pg, "GET", "/api/state", pictures="0")[1]["step"] == 0


def test_the_neuron_route_gives_the_snapshot_of_that_neurons_graph(pg):
    pytest.importorskip("viz.snapshot")
    call(pg, "POST", "/api/step", {"n": 2})
    status, snap = call(pg, "GET", "/api/neuron", layer=1, index=2, sample=3)
    assert status == 200
    names = {node["name"] for node in snap["nodes"]}
    assert {"x1", "x2"} <= names and snap["nodes"][snap["output"]]["label"] == "L1.N2.out"
    x1 = next(node for node in snap["nodes"] if node["name"] == "x1")
    assert x1["data"] == call(pg, "GET", "/api/state", pictures="0")[1]["points"]["train"][3][0]
    out = pg.session.neuron_output(1, 2, 3)
    assert snap["nodes"][snap["output"]]["data"] == out.data
    assert 'data-name="x1"' in snap["svg"]


def test_the_neuron_route_follows_the_explorer_views_requests(pg):
    pytest.importorskip("viz.snapshot")
    status, first = call(pg, "GET", "/api/neuron", layer=2, index=1, sample=0)
    status, moved = call(pg, "GET", "/api/neuron", layer=2, index=1, sample=0, x1="0.25", have=first["structure"])
    assert status == 200 and "svg" not in moved and moved["structure"] == first["structure"]
    assert next(n for n in moved["nodes"] if n["name"] == "x1")["data"] == 0.25
    x1_id = next(n["id"] for n in first["nodes"] if n["name"] == "x1")
    status, aimed = call(pg, "GET", "/api/neuron", layer=2, index=1, sample=0, target=str(x1_id), steps="1")
    assert status == 200 and aimed["target"] == x1_id and "backward" in aimed
    assert call(pg, "GET", "/api/neuron", layer=2, index=1, x1="nan")[0] == 400
    assert call(pg, "GET", "/api/neuron", layer=2, index=1, target="9999")[0] == 400


@pytest.mark.parametrize("query, words", [({"layer": 9, "index": 1}, "layer must be"),
                                          ({"layer": "a", "index": 1}, "layer must be a whole number"),
                                          ({"layer": 1, "index": 1, "sample": 10**6}, "sample must be"),
                                          ({"index": 1}, "layer")])
def test_a_bad_neuron_request_is_400(pg, query, words):
    status, answer = call(pg, "GET", "/api/neuron", **query)
    assert status == 400 and words in answer["error"]


@pytest.mark.parametrize("features, query", [
    (["x1^2"], {"layer": 1, "index": 1, "x1": "1e155"}),
    (None, {"layer": 2, "index": 1, "x1": "1e308", "x2": "1e308"}),
    (["x1*x2"], {"layer": 1, "index": 1, "x1": "1e200", "x2": "1e200"}),
])
def test_a_neuron_at_a_point_that_overflows_is_400(pg, features, query):
    pytest.importorskip("viz.snapshot")
    if features is not None:
        assert call(pg, "POST", "/api/reset", {**SMALL, "features": features})[0] == 200
    status, answer = call(pg, "GET", "/api/neuron", **query)
    assert status == 400 and answer["error"], answer


@pytest.mark.parametrize("body", [b'{"n": ' + b"1" * 5000 + b"}", b"[" * 100_000, b'{"hidden": ' + b"[" * 5000])
def test_a_step_or_reset_body_too_big_a_number_or_too_deep_is_400(pg, body):
    for path in ("/api/step", "/api/reset"):
        status, answer = call(pg, "POST", path, body)
        assert status == 400 and "JSON" in answer["error"], (path, answer)
    assert call(pg, "GET", "/api/state", pictures="0")[1]["step"] == 0


def test_a_long_unknown_setting_is_echoed_cut_short(pg):
    status, answer = call(pg, "POST", "/api/reset", {"z" * 5000: 1})
    assert status == 400 and "unknown setting" in answer["error"] and len(answer["error"]) < 400
    status, answer = call(pg, "GET", "/api/neuron", layer="9" * 5000, index=1)
    assert status == 400 and len(answer["error"]) < 200


def test_a_long_step_request_stops_after_about_a_second_and_lets_other_requests_in(pg):
    big = {"features": ["x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)"], "hidden": [8] * 6,
           "batch_size": 30, "points": 500}
    assert call(pg, "POST", "/api/reset", big)[0] == 200
    finished = {}

    def step():
        finished["step"] = call(pg, "POST", "/api/step", {"n": 1000})
        finished["step_done"] = time.perf_counter()

    worker = threading.Thread(target=step)
    worker.start()
    time.sleep(0.3)  # the step request holds the session now, between its chunks
    status, state = call(pg, "GET", "/api/state", pictures="0")
    state_done = time.perf_counter()
    worker.join()
    assert status == 200 and 0 < state["step"] < 1000  # answered while the step request was training
    status, stepped = finished["step"]
    assert status == 200 and 1 <= stepped["steps_run"] < 1000 and stepped["step"] == stepped["steps_run"]
    assert state_done < finished["step_done"]


def test_play_trains_in_the_background_and_pause_stops_it(pg):
    status, state = call(pg, "POST", "/api/play")
    assert status == 200 and state["playing"] is True
    deadline = time.time() + 20
    while call(pg, "GET", "/api/state", pictures="0")[1]["step"] < 5 and time.time() < deadline:
        time.sleep(0.05)
    status, state = call(pg, "POST", "/api/pause")
    assert state["playing"] is False
    time.sleep(0.1)
    stopped = call(pg, "GET", "/api/state", pictures="0")[1]["step"]
    time.sleep(0.2)
    assert call(pg, "GET", "/api/state", pictures="0")[1]["step"] == stopped >= 5


def test_many_rapid_requests_while_playing_all_get_answers(pg):
    call(pg, "POST", "/api/play")
    statuses, errors = [], []

    def client(k):
        try:
            for i in range(15):
                if i % 5 == 4:
                    statuses.append(call(pg, "GET", "/api/neuron", layer=2, index=1, sample=k)[0]
                                    if _has_snapshot() else 200)
                elif i % 3 == 0:
                    statuses.append(call(pg, "POST", "/api/step", {"n": 1})[0])
                else:
                    statuses.append(call(pg, "GET", "/api/state")[0])
        except Exception as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=client, args=(k,)) for k in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    call(pg, "POST", "/api/pause")
    assert not errors and statuses == [200] * 90
    assert call(pg, "GET", "/api/state", pictures="0")[0] == 200


def _has_snapshot():
    try:
        import viz.snapshot  # noqa: F401
    except ImportError:
        return False
    return True


def test_the_model_downloads_in_nns_format_and_the_snippet_is_python(pg, tmp_path):
    call(pg, "POST", "/api/step", {"n": 3})
    status, model = call(pg, "GET", "/api/model")
    assert status == 200 and model["format"] == "valuegrad.nn"
    (tmp_path / "m.json").write_text(json.dumps(model))
    assert nn.load_model(tmp_path / "m.json").num_parameters() == 3 * 3 + 4
    status, answer = call(pg, "GET", "/api/snippet")
    compile(answer["snippet"], "snippet", "exec")
    assert "nn.fit(" in answer["snippet"]


def test_the_page_is_served_with_its_script_inlined(pg):
    status, page = call(pg, "GET", "/")
    assert status == 200 and "<script" in page and "/*SCRIPT*/" not in page and "http://" not in page.split("<body")[0]


def test_the_command_prints_the_url_with_its_token_first_and_serves_it():
    process = subprocess.Popen([sys.executable, "-m", "viz", "playground", "--no-browser"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        url = process.stdout.readline().strip()
        parts = urllib.parse.urlsplit(url)
        assert parts.hostname == "127.0.0.1" and "token=" in parts.query
        conn = http.client.HTTPConnection("127.0.0.1", parts.port, timeout=30)
        conn.request("GET", f"/api/state?pictures=0&{parts.query}", headers={"Host": parts.netloc})
        assert json.loads(conn.getresponse().read())["config"]["dataset"] == "moons"
        process.send_signal(signal.SIGINT)  # Ctrl-C: a clean stop, not a traceback
        assert process.wait(timeout=20) == 0
        assert "Traceback" not in process.stderr.read()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)
