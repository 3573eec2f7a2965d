"""Engine speed and memory: build a 200,000-op graph mixing + × tanh exp **, then run backward.

Run: python benchmarks/engine.py [--ops N] [--repeat K]
Each engine is measured in fresh interpreters (the median of K), with the garbage collector at the
interpreter's defaults, as a user would have it. Where torch is installed the same graph is built
from 0-dim float64 tensors and the ratios are printed.
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import json
import random
import statistics
import subprocess
import sys
import threading
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from autograd import Value, gc_paused, no_grad  # noqa: E402


def build(make_leaf, ops: int, seed: int = 0):
    """A deep, wide graph: each step combines the previous result with a random earlier one.

    Returns (output, leaves, op count). Every op is reachable from the output.
    """
    rng = random.Random(seed)
    leaves = [make_leaf(rng.uniform(-1.0, 1.0)) for _ in range(64)]
    window = list(leaves)
    prev = leaves[0]
    count = 0
    while count < ops:
        other = window[rng.randrange(len(window))]
        kind = count % 5
        if kind == 0:
            y = prev + other
        elif kind == 1:
            y = prev * other
        elif kind == 2:
            y = (prev * 0.5).exp()
            count += 1
        elif kind == 3:
            y = prev ** 2
        else:
            y = prev - other
        y = y.tanh()
        count += 2
        window[rng.randrange(len(window))] = y
        prev = y
    return prev, leaves, count


def time_engine(make_leaf, ops: int) -> tuple[float, float, int]:
    start = time.perf_counter()
    out, leaves, count = build(make_leaf, ops)
    built = time.perf_counter()
    out.backward()
    done = time.perf_counter()
    return (built - start) / count, (done - built) / count, count


def bytes_per_node(ops: int) -> float:
    gc.collect()
    tracemalloc.start()
    out, leaves, count = build(Value, ops)
    out.backward()
    current, _peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del out, leaves
    return current / count


def measure(engine: str, ops: int) -> dict[str, float]:
    """One measurement in this (fresh) interpreter: forward/backward µs per op, or bytes per node."""
    if engine == "memory":
        return {"bytes_per_node": bytes_per_node(ops)}
    if engine in ("torch", "valuegrad+torch"):
        # Importing torch adds ~150,000 objects that every full collection walks again.
        import torch

        torch.set_num_threads(1)
    if engine == "torch":

        def make_leaf(x: float):
            return torch.tensor(x, dtype=torch.float64, requires_grad=True)
    else:
        make_leaf = Value
    if engine == "valuegrad-paused":
        with gc_paused():
            forward, backward, count = time_engine(make_leaf, ops)
    elif engine == "valuegrad-other-thread-no-grad":
        # Grad mode is per thread: while any thread is inside no_grad, each op also reads its own
        # thread's flag (a threading.local) instead of one global.
        inside, finished = threading.Event(), threading.Event()

        def idle_in_no_grad() -> None:
            with no_grad():
                inside.set()
                finished.wait()

        idler = threading.Thread(target=idle_in_no_grad)
        idler.start()
        inside.wait()
        forward, backward, count = time_engine(make_leaf, ops)
        finished.set()
        idler.join()
    else:
        forward, backward, count = time_engine(make_leaf, ops)
    return {"forward_us": forward * 1e6, "backward_us": backward * 1e6, "ops": count}


def run_fresh(engine: str, ops: int) -> dict[str, float]:
    """Measure in a new interpreter, so every engine starts from the same state (same modules loaded)."""
    out = subprocess.run(
        [sys.executable, __file__, "--measure", engine, "--ops", str(ops)],
        capture_output=True, text=True, check=True,
    )
    return json.loads(out.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ops", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=3, help="fresh runs per engine; the median is shown")
    parser.add_argument("--measure", choices=["valuegrad", "valuegrad-paused", "valuegrad-other-thread-no-grad", "valuegrad+torch", "torch", "memory"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, args.ops)))
        return
    print(f"python {sys.version.split()[0]}, gc thresholds {gc.get_threshold()}, gc enabled: {gc.isenabled()}; "
          f"median of {args.repeat} fresh interpreters per engine")
    ours = _median_runs("valuegrad", args)
    print(f"valuegrad  {ours['ops']:.0f} ops: forward {ours['forward_us']:.2f} µs/op, "
          f"backward {ours['backward_us']:.2f} µs/node")
    paused = _median_runs("valuegrad-paused", args)
    print(f"valuegrad  inside autograd.gc_paused(): forward {paused['forward_us']:.2f} µs/op, "
          f"backward {paused['backward_us']:.2f} µs/node (what a training step wrapped in it gets)")
    threaded = _median_runs("valuegrad-other-thread-no-grad", args)
    print(f"valuegrad  while another thread is inside no_grad(): forward {threaded['forward_us']:.2f} µs/op, "
          f"backward {threaded['backward_us']:.2f} µs/node (grad mode is per thread)")
    memory = run_fresh("memory", args.ops)
    print(f"valuegrad  memory: {memory['bytes_per_node']:.0f} bytes/node (tracemalloc, graph + grads)")
    if importlib.util.find_spec("torch") is None:
        print("torch not installed: skipping the comparison (pip install torch==2.13.0)")
        return
    theirs = _median_runs("torch", args)
    ours_beside = _median_runs("valuegrad+torch", args)
    print(f"valuegrad  with torch imported too: forward {ours_beside['forward_us']:.2f} µs/op, "
          f"backward {ours_beside['backward_us']:.2f} µs/node")
    print(f"torch      {theirs['ops']:.0f} ops: forward {theirs['forward_us']:.2f} µs/op, "
          f"backward {theirs['backward_us']:.2f} µs/node (0-dim float64 tensors, 1 thread)")
    for name, mine in (("each engine alone", ours), ("same modules loaded", ours_beside), ("gc_paused", paused)):
        print(f"ratio      {name}: forward {_speed(theirs['forward_us'], mine['forward_us'])}, "
              f"backward {_speed(theirs['backward_us'], mine['backward_us'])} than torch")


def _speed(theirs: float, ours: float) -> str:
    return f"{theirs / ours:.1f}× faster" if theirs >= ours else f"{ours / theirs:.1f}× slower"


def _median_runs(engine: str, args: argparse.Namespace) -> dict[str, float]:
    runs = [run_fresh(engine, args.ops) for _ in range(args.repeat)]
    return {key: statistics.median(run[key] for run in runs) for key in runs[0]}


if __name__ == "__main__":
    main()
