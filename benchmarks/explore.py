"""How fast the explorer answers a slider move, how big its answers are, and how fast the page repaints.

Run: python benchmarks/explore.py [--repeat R] [--no-browser]
For graphs of about 10, 100, 1,000 and 10,000 nodes (a chain of tanh links from one labelled input):
the server's time per recompute over real HTTP (replay the forward pass, snapshot, JSON; the layout
is not re-sent), next to one plain ``backward()`` on the same graph as the floor; the answer's JSON
size; and the one-time layout per structure. Then the layout of an MLP(2, [16, 16, 1]) loss (735 nodes)
folded by neuron and by layer, beside every node laid out (given up after ``LAYOUT_SECONDS``; ``--no-unfolded``
skips that wait). Then, in headless Chromium, a slider move → repaint on the 100-node graph: from the input
event to the frame after the new numbers are in the page. Target: median ≤ 100 ms.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import statistics
import sys
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from autograd import Value, topological_order  # noqa: E402
from viz import ExplorerServer  # noqa: E402
from viz.explorer import Answers  # noqa: E402
from viz.explorer_svg import LAYOUT_SECONDS, MAX_LAYOUT_NODES, drawn_count, layout_svg  # noqa: E402
from viz.snapshot import snapshot  # noqa: E402


def chain(nodes: int) -> Value:
    """About ``nodes`` Values: x → tanh(0.9·v + 0.1) repeated, three nodes per link."""
    x = Value(0.5, label="x")
    v = x
    for _ in range((nodes - 1) // 3):
        v = (v * 0.9 + 0.1).tanh()
    return v


def get(ex: ExplorerServer, **query: str) -> tuple[float, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", ex.server.port, timeout=60)
    start = time.perf_counter()
    conn.request("GET", "/api/snapshot?" + urllib.parse.urlencode({**query, "token": ex.server.token}),
                 headers={"Host": f"127.0.0.1:{ex.server.port}"})
    body = conn.getresponse().read()
    elapsed = time.perf_counter() - start
    conn.close()
    return elapsed, body


def server_rows(repeat: int) -> None:
    print(f"{'nodes':>7} {'recompute (median)':>19} {'backward floor':>15} {'ratio':>6} {'JSON':>10} {'layout once':>12}")
    for n in (10, 100, 1_000, 10_000):
        output = chain(n)
        count = len(topological_order(output))
        ex = ExplorerServer(output).start()
        try:
            _, first = get(ex)
            have = json.loads(first)["structure"]
            times, size = [], 0
            for k in range(repeat):
                elapsed, body = get(ex, x=str(0.3 + 0.01 * k), have=have)
                times.append(elapsed)
                size = len(body)
        finally:
            ex.close()
        floor = min(_backward_time(output) for _ in range(3))
        layout = _layout_time(output) if count <= MAX_LAYOUT_NODES else None
        median = statistics.median(times)
        shown = f"{layout * 1000:9.0f} ms" if layout is not None else "  not drawn"
        print(f"{count:7d} {median * 1000:16.2f} ms {floor * 1000:12.3f} ms {median / floor:5.0f}× "
              f"{size / 1000:7.1f} kB {shown:>12}")


def _backward_time(output: Value) -> float:
    start = time.perf_counter()
    output.backward()
    return time.perf_counter() - start


def _layout_time(output: Value) -> float:
    snap = snapshot(output)
    start = time.perf_counter()
    layout_svg(snap)
    return time.perf_counter() - start


def mlp_loss() -> Value:
    """The loss of an MLP(2, [16, 16, 1]) with tanh over 4 moons samples (mean squared error)."""
    import nn
    from nn.losses import mse

    net = nn.MLP(2, [16, 16, 1], "tanh", seed=1)
    X, y = nn.datasets.make_moons(4, seed=0)
    return mse([net(list(x)) for x in X], list(y))


def fold_rows(unfolded: bool) -> None:
    loss = mlp_loss()
    count = len(topological_order(loss))
    start = time.perf_counter()
    first = Answers(loss).answer({})
    page = time.perf_counter() - start
    print(f"MLP(2, [16, 16, 1]) loss over 4 samples, {count} nodes: the page's first answer (auto: fold by "
          f"{first['fold']['level']}) {page * 1000:.0f} ms, layout included")
    times = {}
    for level in ("layer", "neuron") + (("none",) if unfolded else ()):
        snap = snapshot(loss, fold=level)
        start = time.perf_counter()
        try:
            layout_svg(snap)
            times[level] = time.perf_counter() - start
            shown = f"{times[level] * 1000:9.0f} ms"
        except RuntimeError:  # the renderer's time limit
            shown = f"given up after {LAYOUT_SECONDS:g} s"
        cards = drawn_count(snap)
        print(f"  layout, {'every node' if level == 'none' else 'folded by ' + level:17} {cards:4d} cards  {shown}")
    if "none" in times:
        print(f"  folding by neuron lays out {times['none'] / times['neuron']:.0f}× faster than every node")
    elif unfolded:
        print(f"  folding by neuron: a picture in {times['neuron']:.2f} s instead of none within {LAYOUT_SECONDS:g} s")


REPAINT_JS = """
const [input, card, value, done] = [arguments[0], arguments[1], arguments[2], arguments[arguments.length - 1]];
const box = document.querySelector(`input[name="${input}"][type="number"]`);
const cell = document.querySelector(card);
const before = cell.textContent;
const start = performance.now();
const observer = new MutationObserver(() => {
  if (cell.textContent === before) return;
  observer.disconnect();
  requestAnimationFrame(() => setTimeout(() => done(performance.now() - start), 0));
});
observer.observe(cell, {childList: true, characterData: true, subtree: true});
box.value = value;
box.dispatchEvent(new Event("input", {bubbles: true}));
"""


def browser_repaint(moves: int) -> None:
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        print("browser: selenium is not installed; skipped")
        return
    driver_path = shutil.which("chromedriver") or "/usr/bin/chromedriver"
    if not os.path.exists(driver_path):
        print("browser: chromedriver is not installed; skipped")
        return
    os.environ["SE_OFFLINE"] = "true"
    options = webdriver.ChromeOptions()
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1300,800"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    try:
        output = chain(100)
        chain_times = _repaints(driver, output, "x", 'g[data-name="x"] .vg-data', moves)
        print(f"browser: slider move → repaint on a {len(topological_order(output))}-node graph, median {statistics.median(chain_times):.1f} ms "
              f"(min {min(chain_times):.1f}, max {max(chain_times):.1f}, {moves} moves; target ≤ 100 ms)")
        mlp_times = _repaints(driver, mlp_loss(), "L1.N1.w1", 'g[data-name="L3.N1"] .vg-pgrad', moves)
        print(f"browser: a weight's slider → the folded MLP loss's cards (735 nodes, by neuron), median "
              f"{statistics.median(mlp_times):.1f} ms (min {min(mlp_times):.1f}, max {max(mlp_times):.1f})")
    finally:
        driver.quit()


def _repaints(driver, output: Value, input_name: str, card: str, moves: int) -> list[float]:
    """Times from typing a value into ``input_name`` to the frame after the text in ``card`` changed."""
    from selenium.webdriver.support.ui import WebDriverWait

    ex = ExplorerServer(output).start()
    try:
        driver.get(ex.url)
        WebDriverWait(driver, 20, poll_frequency=0.02).until(
            lambda d: d.execute_script("const t = document.querySelector(arguments[0]); return t && t.textContent", card))
        driver.set_script_timeout(10)
        return [driver.execute_async_script(REPAINT_JS, input_name, card, f"{0.2 + 0.37 * (k % 2) + 0.001 * k:.3f}")
                for k in range(moves)]
    finally:
        ex.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20, help="recomputes per graph size")
    parser.add_argument("--moves", type=int, default=40, help="slider moves measured in the browser")
    parser.add_argument("--no-browser", action="store_true")
    parser.add_argument("--no-unfolded", action="store_true", help="skip laying out the MLP loss unfolded")
    args = parser.parse_args()
    server_rows(args.repeat)
    fold_rows(not args.no_unfolded)
    if not args.no_browser:
        browser_repaint(args.moves)


if __name__ == "__main__":
    main()
