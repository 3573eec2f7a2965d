"""Logistic regression with cross-entropy, trained by gradient descent on Values, with its gradients checked.

Run: python examples/logistic_regression.py [--epochs 60] [--lr 0.5] [--seed 0]

The tutorial's formulas: h = sigmoid(w·x + b), J = −y·log h − (1 − y)·log(1 − h),
dJ/dw = x·(h − y) and dJ/db = h − y. The engine never sees those two formulas: backward()
finds the same numbers by the chain rule through log, sigmoid and the weighted sum.
"""

from __future__ import annotations

import argparse

import numpy as np

from autograd import Value, dot, grad, sum as vsum, zero_grad


def make_data(n: int = 80, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two overlapping Gaussian clouds in 2-D: class 0 around (−1, −1), class 1 around (1, 1.5)."""
    rng = np.random.default_rng(seed)
    half = n // 2
    X = np.vstack([rng.normal((-1.0, -1.0), 0.9, (half, 2)), rng.normal((1.0, 1.5), 0.9, (n - half, 2))])
    y = np.concatenate([np.zeros(half), np.ones(n - half)])
    return X, y


def predict(w: list[Value], b: Value, x) -> Value:
    """h(x) = sigmoid(w·x + b), the probability of class 1."""
    return (dot(w, x) + b).sigmoid()


def cross_entropy(h: Value, y: float) -> Value:
    """J(y, h) = −y·log h − (1 − y)·log(1 − h), term by term as the tutorial writes it."""
    return -y * h.log() - (1 - y) * (1 - h).log()


def mean_loss(w: list[Value], b: Value, X: np.ndarray, y: np.ndarray) -> Value:
    losses = [cross_entropy(predict(w, b, xi.tolist()), float(yi)) for xi, yi in zip(X, y)]
    return vsum(losses) / len(losses)


def accuracy(w: list[Value], b: Value, X: np.ndarray, y: np.ndarray) -> float:
    hits = sum((predict(w, b, xi.tolist()).data > 0.5) == bool(yi) for xi, yi in zip(X, y))
    return hits / len(y)


def train(X: np.ndarray, y: np.ndarray, epochs: int, lr: float) -> tuple[list[Value], Value, list[float]]:
    """Full-batch gradient descent from zero weights; returns the weights, the bias and each epoch's loss."""
    w = [Value(0.0, label=f"w{i + 1}") for i in range(X.shape[1])]
    b = Value(0.0, label="b")
    history = []
    for _ in range(epochs):
        loss = mean_loss(w, b, X, y)
        zero_grad([*w, b])
        loss.backward()
        for p in (*w, b):
            p.data -= lr * p.grad  # w := w − learning_rate·dJ/dw
        history.append(loss.data)
    return w, b, history


def gradient_check(w: list[Value], b: Value, x: list[float], y: float) -> list[tuple[str, float, float]]:
    """(name, engine's gradient, the tutorial's closed form) for one sample's loss."""
    h = predict(w, b, x)
    engine = grad(cross_entropy(h, y), [*w, b])
    formula = [xi * (h.data - y) for xi in x] + [h.data - y]
    names = [f"dJ/dw{i + 1}" for i in range(len(w))] + ["dJ/db"]
    return list(zip(names, engine, formula))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=60)
    parser.add_argument("--lr", type=float, default=0.5)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if args.epochs < 1:
        parser.error(f"--epochs must be at least 1, got {args.epochs}")
    if not 0 < args.lr <= 10:
        parser.error(f"--lr must be in (0, 10], got {args.lr}")

    X, y = make_data(seed=args.seed)
    print(f"Logistic regression on {len(y)} points with 2 features; cross-entropy; gradient descent, lr {args.lr}")
    w, b, history = train(X, y, args.epochs, args.lr)
    print("epoch  mean loss")
    for epoch in sorted({0, *range(9, args.epochs, 10), args.epochs - 1}):
        print(f"{epoch + 1:5d}  {history[epoch]:.6f}")
    weights = ", ".join(f"{p.data:.4f}" for p in w)
    print(f"w = [{weights}], b = {b.data:.4f}, training accuracy {accuracy(w, b, X, y):.1%}")

    x0, y0 = X[0].tolist(), float(y[0])
    print(f"\nGradients of one sample's loss (x = [{x0[0]:.4f}, {x0[1]:.4f}], y = {y0:g}):")
    print(f"{'':7} {'backward()':>24} {'x·(h − y) or h − y':>24}")
    rows = gradient_check(w, b, x0, y0)
    for name, engine, formula in rows:
        print(f"{name:7} {engine!r:>24} {formula!r:>24}")
    worst = max(abs(engine - formula) for _, engine, formula in rows)
    print(f"largest difference: {worst:.1e}")


if __name__ == "__main__":
    main()
