"""Playground speed: training steps per second and frame time for a 2-8-8-1 tanh MLP on 200 moons points.

Measured in one run, on this machine:

1. the peer: ``nn.fit`` on the same 100 training points, batch 10, Adam (the bare training loop);
2. ``TrainingSession.step`` alone (each step also scores train/test loss for the curves);
3. one frame: ``GET /api/state`` over real HTTP (losses, weights, decision boundary 40×40 and every
   neuron's heatmap, computed by the engine) — median and 90th percentile;
4. playing: the background trainer runs while a client fetches frames as the page does (a new request
   66 ms after the last one started, or as soon as it returns when it took longer); steps/s reached and
   frames/s delivered.

Targets (issue 12): at least 30 steps/s while heatmaps refresh at 10 frames/s. ``nn.fit(compile=True)``
on the same run is printed too, for comparison.

Run: python benchmarks/playground.py [--seconds 6] [--batch-size 10]
"""

from __future__ import annotations

import argparse
import http.client
import statistics
import sys
import threading
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import nn  # noqa: E402
from viz.playground_data import feature_matrix, split  # noqa: E402
from viz.playground_server import Playground  # noqa: E402
from viz.playground_session import TrainingSession  # noqa: E402

TARGET_STEPS, TARGET_FPS = 30.0, 10.0
PAGE_FPS = 15.0  # the page asks for a frame every 66 ms while playing (playground.js FRAME_MS)


def config(batch_size: int) -> dict:
    return {"dataset": "moons", "points": 200, "hidden": [8, 8], "activation": "tanh", "optimizer": "adam",
            "lr": 0.03, "batch_size": batch_size, "seed": 0}


def fit_steps_per_second(batch_size: int, epochs: int = 10, repeats: int = 3, compile: bool = False) -> float:
    """The peer: nn.fit's own loop on the same data and model (best of ``repeats``: the machine is shared);
    ``compile=True``: the same loop through ``autograd.compile`` (compiling not timed: it happens once)."""
    session = TrainingSession(config(batch_size))
    X_train, _, y_train, _ = split(session.config)
    features = feature_matrix(X_train, session.config.features)
    best = 0.0
    for _ in range(repeats):
        model = nn.MLP(2, [8, 8, 1], activation="tanh", seed=0)
        optimizer = nn.Adam(model.parameters(), lr=0.03)
        train = dict(loss="binary_cross_entropy_with_logits", optimizer=optimizer, batch_size=batch_size, seed=0,
                     progress=False, metrics=None, compile=compile)
        if compile:  # one epoch first: it traces and compiles
            nn.fit(model, features, y_train, epochs=1, **train)
        started = time.perf_counter()
        nn.fit(model, features, y_train, epochs=epochs, **train)
        steps = epochs * -(-len(features) // batch_size)
        best = max(best, steps / (time.perf_counter() - started))
    return best


def session_steps_per_second(batch_size: int, steps: int = 100, repeats: int = 3) -> float:
    session = TrainingSession(config(batch_size))
    session.step(5)  # warm-up
    best = 0.0
    for _ in range(repeats):
        started = time.perf_counter()
        session.step(steps)
        best = max(best, steps / (time.perf_counter() - started))
    return best


def get(port: int, token: str, path: str, query: dict) -> float:
    """One GET over a fresh connection (as a browser poll may be); returns its seconds."""
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", f"{path}?{urllib.parse.urlencode({**query, 'token': token})}",
                 headers={"Host": f"127.0.0.1:{port}"})
    response = conn.getresponse()
    body = response.read()
    conn.close()
    if response.status != 200:
        raise RuntimeError(f"{path} answered {response.status}: {body[:200]!r}")
    return time.perf_counter() - started


def frame_times(pg: Playground, count: int = 40) -> list[float]:
    return [get(pg.server.port, pg.server.token, "/api/state", {}) for _ in range(count)]


def playing(pg: Playground, seconds: float) -> tuple[float, float, list[float]]:
    """Train in the background while a client polls frames as the page does; (steps/s, frames/s, frame times)."""
    times: list[float] = []
    stop = threading.Event()

    def poll() -> None:
        while not stop.is_set():
            started = time.perf_counter()
            times.append(get(pg.server.port, pg.server.token, "/api/state", {}))
            stop.wait(max(0.0, 1.0 / PAGE_FPS - (time.perf_counter() - started)))

    first = pg.session.state(pictures=False)["step"]
    poller = threading.Thread(target=poll)
    started = time.perf_counter()
    pg.player.play()
    poller.start()
    time.sleep(seconds)
    pg.player.pause()
    stop.set()
    poller.join()
    elapsed = time.perf_counter() - started
    steps = pg.session.state(pictures=False)["step"] - first
    return steps / elapsed, len(times) / elapsed, times


def ms(seconds: float) -> str:
    return f"{1000 * seconds:.1f} ms"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=6.0, help="how long to play (default 6)")
    parser.add_argument("--batch-size", type=int, default=10, help="points per step (default 10, as the page)")
    args = parser.parse_args()
    b = args.batch_size
    print(f"2-8-8-1 tanh MLP, moons, 200 points (100 train / 100 test), batch {b}, Adam; scalar engine")
    peer = fit_steps_per_second(b)
    alone = session_steps_per_second(b)
    print(f"  nn.fit (peer, bare loop)          {peer:7.1f} steps/s")
    print(f"  playground session.step           {alone:7.1f} steps/s   ({alone / peer:.2f}× nn.fit; "
          "each step also scores the curves)")
    pg = Playground(config(b)).start()
    try:
        idle = frame_times(pg)
        print(f"  one frame, GET /api/state (idle)  median {ms(statistics.median(idle))}, "
              f"p90 {ms(sorted(idle)[int(0.9 * len(idle))])}")
        steps, fps, times = playing(pg, args.seconds)
    finally:
        pg.close()
    print(f"  playing, frames polled like the page (up to {PAGE_FPS:.0f}/s): {steps:.1f} steps/s "
          f"({steps / peer:.2f}× nn.fit), {fps:.1f} frames/s, frame median {ms(statistics.median(times))}, "
          f"p90 {ms(sorted(times)[int(0.9 * len(times))])}")
    print(f"  target: ≥ {TARGET_STEPS:.0f} steps/s at ≥ {TARGET_FPS:.0f} frames/s → "
          f"{steps / TARGET_STEPS:.2f}× the step target, {fps / TARGET_FPS:.2f}× the frame target: "
          f"{'met' if steps >= TARGET_STEPS and fps >= TARGET_FPS else 'NOT met'}")
    compiled = fit_steps_per_second(b, compile=True)
    print(f"compiled engine (nn.fit(compile=True), same run; the playground itself trains on the scalar engine): "
          f"{compiled:.1f} steps/s ({compiled / peer:.1f}× nn.fit)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
