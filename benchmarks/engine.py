"""Engine speed and memory: build a 200,000-op graph mixing + × tanh exp **, then run backward.

Run: python benchmarks/engine.py [--ops N]
The garbage collector is left at the interpreter's defaults, as a user would have it. Where torch
is installed the same graph is built from 0-dim float64 tensors and the ratios are printed.
"""

from __future__ import annotations

import argparse
import gc
import random
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from autograd import Value  # noqa: E402


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ops", type=int, default=200_000)
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]}, gc thresholds {gc.get_threshold()}, gc enabled: {gc.isenabled()}")
    forward, backward, count = time_engine(Value, args.ops)
    print(f"valuegrad  {count} ops: forward {forward * 1e6:.2f} µs/op, backward {backward * 1e6:.2f} µs/node")
    print(f"valuegrad  memory: {bytes_per_node(args.ops):.0f} bytes/node (tracemalloc, graph + grads)")
    try:
        import torch
    except ImportError:
        print("torch not installed: skipping the comparison (pip install torch==2.13.0)")
        return
    torch.set_num_threads(1)

    def tensor_leaf(x: float):
        return torch.tensor(x, dtype=torch.float64, requires_grad=True)

    t_forward, t_backward, t_count = time_engine(tensor_leaf, args.ops)
    print(f"torch      {t_count} ops: forward {t_forward * 1e6:.2f} µs/op, backward {t_backward * 1e6:.2f} µs/node")
    print(f"ratio      forward {t_forward / forward:.1f}× faster, backward {t_backward / backward:.1f}× faster than torch 0-dim tensors")


if __name__ == "__main__":
    main()
