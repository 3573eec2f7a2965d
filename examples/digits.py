"""Handwritten digits (the neural-network basics and handwritten-digits tutorials): a 64-32-10 ReLU network with softmax cross-entropy reaches ≥ 95% test accuracy.

The 1,797 8×8 digits bundled with scikit-learn (the ``[datasets]`` extra) play MNIST's part:
64 pixel inputs, one output per digit, the prediction being the output with the highest value.
The data are split 80/20 into train and test sets (as the neural-network basics tutorial says: the test set measures whether the
network generalises), standardised with the training set's statistics, and trained with Adam
on minibatches of 32. The loss is cross-entropy on the softmax of the 10 outputs, computed from
the logits in one stable step.

Run: python examples/digits.py [--epochs 3] [--hidden 32] [--out-dir out]
"""

from __future__ import annotations

import argparse
import time

from nn.data import load_digits, standardize, train_test_split
from nn.layers import MLP
from nn.losses import sparse_categorical_cross_entropy
from nn.metrics import accuracy, confusion_matrix, format_confusion_matrix
from nn.optim import Adam
from nn.training import fit, predict


def softmax_cross_entropy(outputs: list, targets: object) -> object:
    """Cross-entropy of softmax(outputs) against class indices, from the logits."""
    return sparse_categorical_cross_entropy(outputs, targets, from_logits=True)


def main(argv: list[str] | None = None) -> dict:
    """Train, print per-epoch scores, test accuracy and the confusion matrix; return them."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--hidden", type=int, default=32)
    parser.add_argument("--lr", type=float, default=0.01)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out-dir", default="out", help="folder for the PNGs ('' for none)")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    args = parser.parse_args(argv)

    X, y = load_digits()
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, seed=args.seed)
    X_train, mean, std = standardize(X_train)
    X_test, _, _ = standardize(X_test, mean, std)
    model = MLP(64, [args.hidden, 10], activation="relu", init="he", seed=args.seed)
    print(f"{len(X_train)} training and {len(X_test)} test images of 8×8 pixels")
    print(f"{model!r}")
    print(f"softmax cross-entropy, Adam lr {args.lr}, batch size {args.batch_size}, {args.epochs} epochs\n")

    started = time.perf_counter()
    history = fit(model, X_train, y_train, loss=softmax_cross_entropy,
                  optimizer=Adam(model.parameters(), lr=args.lr), epochs=args.epochs,
                  batch_size=args.batch_size, validation=(X_test, y_test), seed=args.seed,
                  progress=not args.quiet)
    seconds = time.perf_counter() - started
    print(history.table())
    print(f"\n{seconds / args.epochs:.2f} s per epoch (training plus scoring the test set), {seconds:.1f} s in all")

    predicted = predict(model, X_test, "argmax")
    test_accuracy = accuracy(y_test, predicted)
    matrix = confusion_matrix(y_test, predicted, labels=range(10))
    print(f"test accuracy: {test_accuracy:.1%}\n")
    print(format_confusion_matrix(matrix))
    if args.out_dir:
        try:
            from nn.plots import plot_confusion_matrix, plot_history

            plot_confusion_matrix(matrix, f"{args.out_dir}/digits_confusion.png",
                                  title=f"Digits: test accuracy {test_accuracy:.1%}")
            plot_history(history, f"{args.out_dir}/digits_history.png", title="Digits: 64-32-10 MLP")
            print(f"\nsaved {args.out_dir}/digits_confusion.png and {args.out_dir}/digits_history.png")
        except ImportError as exc:
            print(f"no pictures: {exc}")
    return {"history": history, "test_accuracy": test_accuracy, "confusion": matrix, "seconds": seconds}


if __name__ == "__main__":
    main()
