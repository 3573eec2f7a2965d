"""Size and build time of ``viz.save_steps``' HTML flip-book for MLP losses of about 169 and 340 Values.

Run: python benchmarks/flipbook.py [--values 169 340] [--repeat R]
Each graph is the mean squared error of an ``nn.MLP(2, [4, 1])`` with tanh over as many samples as bring
it nearest to the requested number of Values. The floor, measured in the same run, is one picture of the
same graph written as SVG (``viz.save``): a flip-book that keeps one layout and per-step changes should
cost about one such picture in time and size, whatever the number of steps. Targets: under 5 MB for the
169-Value book, built in seconds; size growing linearly with the graph.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import viz  # noqa: E402
from autograd import Value, topological_order  # noqa: E402


def mlp_loss(values: int) -> Value:
    """The MSE of an MLP(2, [4, 1]) over the number of samples that brings the graph nearest ``values`` Values."""
    import nn
    from nn.losses import mse

    net = nn.MLP(2, [4, 1], "tanh", seed=0)

    def loss(n: int) -> Value:
        samples = [[(i % 7) / 7 - 0.5, (i % 5) / 5 - 0.5] for i in range(n)]
        return mse([net(x) for x in samples], [float(i % 2) for i in range(n)])

    one, two = (len(topological_order(loss(n))) for n in (1, 2))
    per_sample = two - one
    return loss(max(1, round((values - (one - per_sample)) / per_sample)))


def best_of(repeat: int, make) -> tuple[float, Path]:
    best, path = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        path = make()
        best = min(best, time.perf_counter() - start)
    return best, path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--values", type=int, nargs="+", default=[169, 340])
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp())
    for target in args.values:
        loss = mlp_loss(target)
        count = len(topological_order(loss))
        steps = 1 + sum(not v.is_leaf for v in topological_order(loss))
        svg_time, svg = best_of(args.repeat, lambda: viz.save(viz.draw(loss, max_nodes=None), folder / "one.svg"))
        book_time, book = best_of(args.repeat, lambda: viz.save_steps(loss, folder / "book.html", max_nodes=None))
        svg_mb, book_mb = svg.stat().st_size / 1e6, book.stat().st_size / 1e6
        print(f"{count:>5} Values, {steps:>4} steps: flip-book {book_mb:7.2f} MB in {book_time:6.2f} s;  "
              f"one SVG {svg_mb:5.2f} MB in {svg_time:5.2f} s;  ratio size {book_mb / svg_mb:5.1f}×, "
              f"time {book_time / svg_time:5.1f}×")


if __name__ == "__main__":
    main()
