"""Training speed: one full-batch moons step of MLP(2, [16, 16, 1]), and one epoch of examples/digits.py's set-up.

The moons step is what examples/moons.py repeats: 100 points forward, hinge loss + L2, backward,
an SGD update. It prints the median over several steps and the number of graph nodes per step
(target: ≤ 150 ms per step). The digits epoch is 1,437 images through a 64-32-10 MLP in
minibatches of 32 with Adam, no validation pass. ``--profile`` adds where a moons step's time goes.

Run: python benchmarks/train.py [--steps 20] [--digits-epochs 2] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import autograd  # noqa: E402
from nn.data import load_digits, make_moons, standardize, train_test_split  # noqa: E402
from nn.layers import MLP  # noqa: E402
from nn.losses import hinge, l2_penalty, sparse_categorical_cross_entropy  # noqa: E402
from nn.optim import SGD, Adam  # noqa: E402
from nn.training import fit  # noqa: E402


def moons_setup(seed: int = 0):
    X, labels = make_moons(100, noise=0.1, seed=seed)
    model = MLP(2, [16, 16, 1], activation="relu", seed=seed)
    return X.tolist(), 2 * labels - 1, model, SGD(model.parameters(), lr=0.1)


def moons_step(rows, y, model, optimizer) -> autograd.Value:
    """One full-batch step: forward, loss, backward, update. Returns the loss node."""
    loss = hinge([model(x) for x in rows], y) + l2_penalty(model.parameters(), 1e-4)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    return loss


def time_moons(steps: int) -> tuple[float, int]:
    rows, y, model, optimizer = moons_setup()
    moons_step(rows, y, model, optimizer)  # warm-up
    times = []
    for _ in range(steps):
        started = time.perf_counter()
        loss = moons_step(rows, y, model, optimizer)
        times.append(time.perf_counter() - started)
    return statistics.median(times), len(autograd.topological_order(loss))


def digits_epoch_seconds(epochs: int) -> list[float]:
    X, y = load_digits()
    X_train, _, y_train, _ = train_test_split(X, y, test_size=0.2, seed=0)
    X_train, _, _ = standardize(X_train)
    model = MLP(64, [32, 10], activation="relu", init="he", seed=0)

    def loss(outputs, targets):
        return sparse_categorical_cross_entropy(outputs, targets, from_logits=True)

    history = fit(model, X_train, y_train, loss=loss, optimizer=Adam(model.parameters(), lr=0.01),
                  epochs=epochs, batch_size=32, seed=0, progress=False)
    return history.seconds


def profile_moons(top: int = 12) -> str:
    rows, y, model, optimizer = moons_setup()
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(5):
        moons_step(rows, y, model, optimizer)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(top)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=20, help="timed moons steps (the median is printed)")
    parser.add_argument("--digits-epochs", type=int, default=2)
    parser.add_argument("--profile", action="store_true", help="cProfile 5 moons steps")
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]}")
    median, nodes = time_moons(args.steps)
    print(f"moons step (100 points, full batch, MLP(2,[16,16,1]), hinge + L2, forward + backward + SGD): "
          f"median {1000 * median:.1f} ms over {args.steps} steps, {nodes} nodes per step "
          f"({1e6 * median / nodes:.2f} µs per node); target ≤ 150 ms")
    try:
        seconds = digits_epoch_seconds(args.digits_epochs)
        print("digits epoch (1437 images, 64-32-10 MLP, batch 32, Adam): "
              + ", ".join(f"{s:.2f} s" for s in seconds) + f" (median {statistics.median(seconds):.2f} s)")
    except ImportError as exc:
        print(f"digits: skipped ({exc})")
    if args.profile:
        print(profile_moons())


if __name__ == "__main__":
    main()
