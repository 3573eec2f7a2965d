"""viz.server over real HTTP on 127.0.0.1: token, Host check, JSON errors, body limits, threads."""

from __future__ import annotations

import http.client
import json
import socket
import threading
import time
import urllib.parse

import pytest

from viz.server import HTTPError, LocalServer, Response


@pytest.fixture()
def server():
    srv = LocalServer(max_body=1000)

    @srv.route("/api/echo", methods=("GET", "POST"))
    def echo(request):
        if request.method == "POST":
            return {"got": request.json()}
        return {"query": request.query}

    @srv.route("/api/fail")
    def fail(request):
        raise RuntimeError("boom")

    @srv.route("/api/bad")
    def bad(request):
        raise HTTPError(400, "x must be a number")

    @srv.route("/api/slow")
    def slow(request):
        time.sleep(0.2)
        return {"n": int(request.query["n"])}

    @srv.route("/")
    def page(request):
        return Response.html("<p>hi</p>")

    srv.start()
    yield srv
    srv.close()


def call(srv, method="GET", path="/api/echo", *, token=True, host=None, body=None, headers=None, **query):
    if token:
        query["token"] = srv.token if token is True else token
    conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=5)
    all_headers = {"Host": host or f"127.0.0.1:{srv.port}", **(headers or {})}
    target = path + ("?" + urllib.parse.urlencode(query) if query else "")
    conn.request(method, target, body=body, headers=all_headers)
    response = conn.getresponse()
    data = response.read()
    conn.close()
    is_json = response.getheader("Content-Type", "").startswith("application/json")
    return response.status, (json.loads(data) if is_json else data.decode())


def test_listens_on_loopback_only_with_a_free_port(server):
    assert server._httpd.server_address[0] == "127.0.0.1"
    assert server.port > 0
    assert server.url.startswith(f"http://127.0.0.1:{server.port}/?token=")


def test_a_request_with_the_token_gets_json(server):
    assert call(server, x="3") == (200, {"query": {"x": "3"}})


def test_the_token_is_random_per_server():
    a, b = LocalServer(), LocalServer()
    try:
        assert a.token != b.token and len(a.token) >= 24
    finally:
        a.close(); b.close()


def test_missing_or_wrong_token_is_403_everywhere(server):
    assert call(server, token=False)[0] == 403
    assert call(server, token="nope")[0] == 403
    assert call(server, path="/", token=False)[0] == 403
    # unknown paths are 403 too without the token: nothing can be probed
    assert call(server, path="/nowhere", token=False)[0] == 403


def test_a_foreign_host_header_is_403_even_with_the_token(server):
    status, body = call(server, host=f"evil.example:{server.port}")
    assert status == 403 and "127.0.0.1" in body["error"]
    assert call(server, host="127.0.0.1:1")[0] == 403
    assert call(server, host=f"localhost:{server.port}")[0] == 200


def test_unknown_path_is_404_with_a_json_message(server):
    status, body = call(server, path="/api/nothing")
    assert status == 404 and "/api/nothing" in body["error"]


def test_wrong_method_is_405(server):
    status, body = call(server, "DELETE")
    assert status == 405 and "GET" in body["error"] and "POST" in body["error"]
    assert call(server, "POST", "/api/bad", body=b"{}")[0] == 405


def test_handler_http_error_is_its_status_and_message(server):
    assert call(server, path="/api/bad") == (400, {"error": "x must be a number"})


def test_a_crashing_handler_is_500_and_the_server_keeps_serving(server, capsys):
    status, body = call(server, path="/api/fail")
    assert status == 500 and "boom" in body["error"]
    assert call(server, x="1")[0] == 200


def test_post_json_round_trips(server):
    assert call(server, "POST", body=json.dumps({"n": [1, 2]}).encode()) == (200, {"got": {"n": [1, 2]}})


def test_bad_json_body_is_400(server):
    status, body = call(server, "POST", body=b"{not json")
    assert status == 400 and "JSON" in body["error"]


def test_a_body_over_the_limit_is_413_and_not_read(server):
    status, body = call(server, "POST", body=b"x" * 5000)
    assert status == 413 and "1000" in body["error"]
    assert call(server)[0] == 200


def test_a_huge_declared_body_is_refused_before_reading(server):
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
        sock.sendall((f"POST /api/echo?token={server.token} HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n"
                      "Content-Length: 100000000000\r\n\r\n").encode())
        reply = sock.recv(4096).decode()
    assert reply.startswith("HTTP/1.1 413")


def test_garbage_on_the_socket_does_not_kill_the_server(server):
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
        sock.sendall(b"\x00\x01 not http at all\r\n\r\n")
        sock.recv(4096)
    assert call(server)[0] == 200


def test_html_responses_forbid_outside_resources(server):
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    conn.request("GET", f"/?token={server.token}", headers={"Host": f"127.0.0.1:{server.port}"})
    response = conn.getresponse()
    assert response.read() == b"<p>hi</p>"
    assert "default-src 'none'" in response.getheader("Content-Security-Policy")
    assert response.getheader("Referrer-Policy") == "no-referrer"
    conn.close()


def test_concurrent_requests_from_threads_are_answered_in_parallel(server):
    results: dict[int, tuple] = {}

    def ask(n: int) -> None:
        results[n] = call(server, path="/api/slow", n=str(n))

    threads = [threading.Thread(target=ask, args=(n,)) for n in range(8)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == {n: (200, {"n": n}) for n in range(8)}
    assert time.perf_counter() - start < 8 * 0.2  # threaded: not one after another


def test_close_frees_the_port():
    srv = LocalServer().start()
    port = srv.port
    srv.close()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", port))


def raw(srv, data: bytes) -> tuple[int, dict, dict]:
    """Send bytes as they are; the status, headers and JSON body of the answer."""
    with socket.create_connection(("127.0.0.1", srv.port), timeout=5) as sock:
        sock.sendall(data)
        reply = b""
        while chunk := sock.recv(65536):
            reply += chunk
    head, _, body = reply.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    return int(lines[0].split()[1]), headers, (json.loads(body) if body else {})


def request_bytes(srv, line: str, *extra: str) -> bytes:
    headers = "".join(f"{h}\r\n" for h in (f"Host: 127.0.0.1:{srv.port}", *extra))
    return f"{line}\r\n{headers}\r\n".encode()


def test_a_json_body_nested_too_deeply_or_with_a_huge_number_is_400(server):
    server.max_body = 10_000_000
    status, body = call(server, "POST", body=b"[" * 900 + b"]" * 900)
    assert status == 200  # deep but fine
    for payload, words in ((b"[" * 100_000, "nested too deeply"), (b'{"n": ' + b"1" * 5000 + b"}", "digits")):
        status, body = call(server, "POST", body=payload)
        assert status == 400 and words in body["error"], body
    assert call(server)[0] == 200


def test_http_servers_own_refusals_are_json(server):
    token = server.token
    for data, code in (
        (request_bytes(server, f"TRACE /api/echo?token={token} HTTP/1.1"), 501),
        (request_bytes(server, f"get /api/echo?token={token} HTTP/1.1"), 501),
        (request_bytes(server, "GET /" + "a" * 70_000 + " HTTP/1.1"), 414),
        (request_bytes(server, f"GET /api/echo?token={token} HTTP/1.1", *[f"X-{i}: 1" for i in range(120)]), 431),
        (b"\x00\x01 not http at all\r\n\r\n", 400),
    ):
        status, headers, body = raw(server, data)
        assert status == code and headers["content-type"] == "application/json" and str(code) in body["error"]
        assert len(body["error"]) < 300
    assert call(server)[0] == 200


def test_duplicate_host_headers_and_absolute_targets_are_400(server):
    token, port = server.token, server.port
    status, _, body = raw(server, request_bytes(server, f"GET /api/echo?token={token} HTTP/1.1", "Host: evil.com"))
    assert status == 400 and "Host" in body["error"]
    for target in (f"http://evil.com/api/echo?token={token}", f"http://127.0.0.1:{port}/api/echo?token={token}"):
        status, _, body = raw(server, request_bytes(server, f"GET {target} HTTP/1.1"))
        assert status == 400 and "full URL" in body["error"], target


def test_head_on_a_get_route_answers_its_headers_without_a_body(server):
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    conn.request("HEAD", f"/api/echo?token={server.token}&x=1", headers={"Host": f"127.0.0.1:{server.port}"})
    response = conn.getresponse()
    assert response.status == 200 and response.read() == b""
    assert int(response.getheader("Content-Length")) == len(b'{"query":{"x":"1"}}')
    conn.close()
    assert call(server, "DELETE")[0] == 405


def test_an_unknown_path_is_echoed_cut_short(server):
    status, body = call(server, path="/" + "x" * 5000)
    assert status == 404 and len(body["error"]) < 120 and body["error"].endswith("…")


def test_a_burst_of_connections_is_accepted_without_syn_retries(server):
    assert server._httpd.request_queue_size >= 128
    socks = [socket.create_connection(("127.0.0.1", server.port), timeout=5) for _ in range(100)]
    try:
        start = time.perf_counter()
        assert call(server)[0] == 200
        assert time.perf_counter() - start < 3
    finally:
        for sock in socks:
            sock.close()


def test_a_client_that_resets_its_connection_prints_no_traceback(server, capfd):
    for _ in range(5):
        sock = socket.create_connection(("127.0.0.1", server.port), timeout=5)
        sock.sendall(b"POST /api/echo HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n")
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        sock.close()  # SO_LINGER 0: an RST, as when a tab is closed mid-request
    time.sleep(0.3)
    assert call(server)[0] == 200
    assert "Traceback" not in capfd.readouterr().err
