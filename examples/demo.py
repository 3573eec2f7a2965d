"""A two-minute tour: an expression's graph with every value and gradient, the chain rule as a table,
then a small network learning two moons, drawn with its weights.

Run: python examples/demo.py [--out out]
Writes out/demo_graph.png (the expression's graph) and out/demo_network.png (the trained network).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import viz
from autograd import parse
from nn.data import make_moons
from nn.layers import MLP
from nn.losses import hinge, l2_penalty
from nn.metrics import accuracy, to_labels
from nn.optim import SGD


def expression_tour(out: Path) -> None:
    print("1. An expression: J = cos(sin(x²) + 3x²) at x = 2 (the backpropagation tutorial's closing exercise)\n")
    J = parse("cos(sin(x**2) + 3*x**2)").evaluate(x=2.0)
    J.label = "J"
    J.backward()
    print(viz.tree(J))
    print()
    print(viz.explain(J))
    picture = viz.save(J, out / "demo_graph.png", title="J = cos(sin(x²) + 3x²) at x = 2")
    print(f"\n   picture of the graph: {picture}\n")


def moons_tour(out: Path, steps: int) -> None:
    print("2. A network: MLP(2, [16, 16, 1]) learns to separate two moons (hinge loss + L2, plain SGD)\n")
    X, labels = make_moons(100, noise=0.1, seed=0)
    y = 2 * labels - 1  # the hinge loss wants classes −1 and +1
    rows = X.tolist()
    model = MLP(2, [16, 16, 1], activation="relu", seed=0)
    optimizer = SGD(model.parameters(), lr=1.0)
    print(model)
    started = time.perf_counter()
    for step in range(1, steps + 1):
        scores = [model(x) for x in rows]
        loss = hinge(scores, y) + l2_penalty(model.parameters(), 1e-4)
        optimizer.zero_grad()
        loss.backward()
        optimizer.lr = 1.0 - 0.9 * step / steps
        optimizer.step()
        acc = accuracy(y, to_labels([s.data for s in scores], "sign"))
        if step == 1 or step % 10 == 0 or acc == 1.0:
            print(f"   step {step:3d}  loss {loss.data:.4f}  training accuracy {acc:.0%}")
        if acc == 1.0:
            break
    print(f"   {step} steps in {time.perf_counter() - started:.1f} s")
    picture = viz.save(viz.draw_network(model, rows[0], title="the trained network on one moon point"),
                       out / "demo_network.png")
    print(f"\n   picture of the network: {picture}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="out", help="folder for the pictures (default out/)")
    parser.add_argument("--steps", type=int, default=100, help="at most this many training steps")
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    expression_tour(out)
    moons_tour(out, args.steps)


if __name__ == "__main__":
    main()
