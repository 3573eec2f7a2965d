"""How long ``viz.draw`` takes to build the DOT source of a 50,000-node graph (layout not included).

Run: python benchmarks/viz.py [--nodes N] [--repeat R]
Two graphs: the engine benchmark's expression graph (+ × tanh exp ** over labelled inputs), and the loss of an
``nn.MLP`` over a batch (every Value tagged with its neuron, so clusters are built too). The target
is under 2 s for 50,000 nodes. The best of ``--repeat`` runs is printed.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]

import viz  # noqa: E402
from autograd import Value, topological_order  # noqa: E402
from engine import build  # noqa: E402  (the engine benchmark's graph, so both measure the same shape)


def expression_graph(nodes: int) -> Value:
    """About ``nodes`` Values: the engine benchmark's graph, over 64 labelled inputs."""
    output, _leaves, _ops = build(lambda x: Value(x, label="x"), nodes - 64)
    return output


def mlp_loss_graph(nodes: int) -> Value | None:
    """The mean squared error of an MLP(4, [16, 16, 1]) over enough samples for about ``nodes`` Values."""
    try:
        import nn
        from nn.losses import mse
    except ImportError:
        return None
    net = nn.MLP(4, [16, 16, 1], "tanh", seed=0)
    per_sample = len(topological_order(mse([net([0.1, 0.2, 0.3, 0.4])], [0.0]))) - net.num_parameters()
    rng = random.Random(1)
    samples = [[rng.uniform(-1, 1) for _ in range(4)] for _ in range(max(1, (nodes - net.num_parameters()) // per_sample))]
    return mse([net(x) for x in samples], [0.0] * len(samples))


def best_time(output: Value, repeat: int) -> tuple[float, int, int]:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        source = viz.draw(output, max_nodes=None).source
        best = min(best, time.perf_counter() - start)
    return best, len(topological_order(output)), len(source)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    graphs = [("expression", expression_graph(args.nodes))]
    mlp = mlp_loss_graph(args.nodes)
    if mlp is not None:
        graphs.append(("MLP loss, clustered", mlp))
    for name, output in graphs:
        seconds, count, size = best_time(output, args.repeat)
        print(f"{name:<20} {count:>7,} Values  DOT source {size / 1e6:5.1f} MB  built in {seconds:.2f} s"
              f"  ({seconds / count * 1e6:.1f} µs per Value)")


if __name__ == "__main__":
    main()
