"""XOR two ways: the XOR tutorial's 2-64-1 ReLU network on 1,000 random points, and the 4-row truth table.

The XOR tutorial trains FCLayer(2, 64) → ReLU → FCLayer(64, 1) with MSE, minibatches of 5, learning rate
0.01, for 300 epochs on 1,000 points of the unit square labelled 1 in the top-left and
bottom-right quadrants. Here the same set-up runs through ``fit``; the network should learn the
quadrants, which we check on 1,000 fresh points and in a decision-boundary picture. Then a
2-4-1 tanh network learns the truth table itself.

Run: python examples/xor.py [--epochs 300] [--points 1000] [--hidden 64] [--out out/xor.png]
(the full run takes a few minutes of pure Python; --epochs 30 shows the idea in seconds)
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from nn.data import xor_points, xor_table
from nn.layers import MLP
from nn.optim import SGD
from nn.training import evaluate, fit, model_outputs, predict

QUADRANT_CENTRES = np.array([[0.25, 0.25], [0.25, 0.75], [0.75, 0.25], [0.75, 0.75]])


def points_part(args: argparse.Namespace) -> dict:
    X, y = xor_points(args.points, seed=args.seed)
    X_fresh, y_fresh = xor_points(1000, seed=args.seed + 1)
    model = MLP(2, [args.hidden, 1], activation="relu", seed=args.seed)
    print(f"The XOR tutorial's set-up: {model!r}")
    print(f"MSE, SGD lr {args.lr}, batch size {args.batch_size}, {args.epochs} epochs on {args.points} points\n")
    started = time.perf_counter()
    history = fit(model, X, y, loss="mse", optimizer=SGD(model.parameters(), lr=args.lr), epochs=args.epochs,
                  batch_size=args.batch_size, seed=args.seed, progress=not args.quiet, compile=args.compile)
    seconds = time.perf_counter() - started
    print(history.table(every=max(1, args.epochs // 10)))
    fresh = evaluate(model, X_fresh, y_fresh, loss="mse")
    centres = predict(model, QUADRANT_CENTRES, "threshold")
    print(f"\ntraining took {seconds:.1f} s ({seconds / args.epochs:.3f} s per epoch)")
    print(f"accuracy on 1,000 fresh points: {fresh['accuracy']:.1%} (MSE {fresh['loss']:.4f})")
    print("prediction at the quadrant centres (label 1 top-left and bottom-right):")
    scores = model_outputs(model, QUADRANT_CENTRES)[:, 0]
    for (a, b), score, label in zip(QUADRANT_CENTRES, scores, centres):
        print(f"  ({a:.2f}, {b:.2f}) → {score:+.3f} → {label}")
    solved = centres.tolist() == [0, 1, 1, 0]
    print("the quadrant solution:", "found" if solved else "not yet (train longer)")
    if args.out:
        try:
            from nn.plots import plot_decision_boundary

            plot_decision_boundary(model, X, y, args.out, decision="threshold", resolution=60,
                                   title=f"XOR: 2-{args.hidden}-1 ReLU after {args.epochs} epochs")
            print(f"decision boundary saved to {args.out}")
        except ImportError as exc:
            print(f"no picture: {exc}")
    return {"history": history, "fresh": fresh, "centres": centres.tolist(), "seconds": seconds}


def table_part(args: argparse.Namespace) -> dict:
    X, y = xor_table()
    model = MLP(2, [4, 1], activation="tanh", output_activation="sigmoid", init="xavier", seed=args.seed)
    history = fit(model, X, y, loss="binary_cross_entropy", optimizer=SGD(model.parameters(), lr=1.0),
                  epochs=args.table_epochs, progress=False)
    p = model_outputs(model, X)[:, 0]
    print(f"\nThe truth table with a 2-4-1 tanh network ({args.table_epochs} full-batch SGD steps, "
          f"binary cross-entropy {history.loss[-1]:.4f}):")
    print("  x1 x2  target  p(1)   prediction")
    for (a, b), target, q in zip(X, y, p):
        print(f"   {a:.0f}  {b:.0f}     {target}    {q:.3f}  {int(q > 0.5)}")
    return {"history": history, "probabilities": p.tolist()}


def main(argv: list[str] | None = None) -> dict:
    """Train both networks, print what they learned; return the histories and scores."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=300)
    parser.add_argument("--points", type=int, default=1000)
    parser.add_argument("--hidden", type=int, default=64)
    parser.add_argument("--batch-size", type=int, default=5)
    parser.add_argument("--lr", type=float, default=0.01)
    parser.add_argument("--table-epochs", type=int, default=300)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default="out/xor.png", help="decision-boundary PNG ('' for none)")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.add_argument("--compile", action="store_true",
                        help="train through autograd.compile: the same steps on numpy batches, in seconds")
    args = parser.parse_args(argv)
    return {"points": points_part(args), "table": table_part(args)}


if __name__ == "__main__":
    main()
