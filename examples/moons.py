"""Two moons: an MLP(2, [16, 16, 1]) with hinge loss and L2 learns to separate 100 points, written as a plain loop.

Every step runs all 100 points forward, takes the mean hinge loss max(0, 1 − y·score) with labels
y = ±1 plus a small L2 penalty on the weights, back-propagates, and takes an SGD step whose
learning rate falls linearly from 1.0 to 0.1. It stops at 100% training accuracy and saves a
picture of the decision boundary.

Run: python examples/moons.py [--steps 100] [--points 100] [--out out/moons.png]
"""

from __future__ import annotations

import argparse
import time

from nn.data import make_moons
from nn.layers import MLP
from nn.losses import hinge, l2_penalty
from nn.metrics import accuracy, to_labels
from nn.optim import SGD
from nn.schedules import LinearDecay
from nn.training import predict


def main(argv: list[str] | None = None) -> dict:
    """Train until every training point is on the right side; return the losses and accuracies."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=100, help="at most this many full-batch steps")
    parser.add_argument("--points", type=int, default=100)
    parser.add_argument("--noise", type=float, default=0.1)
    parser.add_argument("--alpha", type=float, default=1e-4, help="L2 penalty strength")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default="out/moons.png", help="decision-boundary PNG ('' for none)")
    args = parser.parse_args(argv)

    X, labels = make_moons(args.points, noise=args.noise, seed=args.seed)
    y = 2 * labels - 1  # hinge loss wants the classes as −1 and +1
    rows = X.tolist()
    model = MLP(2, [16, 16, 1], activation="relu", seed=args.seed)
    optimizer = SGD(model.parameters(), lr=1.0)
    schedule = LinearDecay(optimizer, total_steps=args.steps, final_lr=0.1)
    print(model)
    print(f"{args.points} moons points, hinge loss + {args.alpha:g}·Σw², SGD lr 1.0 → 0.1 over {args.steps} steps\n")

    losses, accuracies = [], []
    started = time.perf_counter()
    for step in range(1, args.steps + 1):
        scores = [model(x) for x in rows]  # forward: one Value per point (the model has one output)
        loss = hinge(scores, y) + l2_penalty(model.parameters(), args.alpha)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        schedule.step()
        acc = accuracy(y, to_labels([s.data for s in scores], "sign"))  # before this step's update
        losses.append(loss.data)
        accuracies.append(acc)
        if step % 10 == 0 or step == 1 or acc == 1.0:
            print(f"step {step:3d}  loss {loss.data:.4f}  accuracy {acc:.0%}  (lr now {optimizer.lr:.3f})")
        if acc == 1.0:
            break
    seconds = time.perf_counter() - started
    final = accuracy(y, predict(model, X, "sign"))  # the trained model, after the last update
    print(f"\n{len(losses)} steps in {seconds:.1f} s ({1000 * seconds / len(losses):.0f} ms per step)")
    print(f"training accuracy of the trained model: {final:.0%}")

    if args.out:
        try:
            from nn.plots import plot_decision_boundary

            plot_decision_boundary(model, X, y, args.out, decision="sign", resolution=80,
                                   title=f"Two moons after {len(losses)} SGD steps")
            print(f"decision boundary saved to {args.out}")
        except ImportError as exc:
            print(f"no picture: {exc}")
    return {"losses": losses, "accuracies": accuracies, "final_accuracy": final, "seconds": seconds}


if __name__ == "__main__":
    main()
