"""The backpropagation tutorial's gender example: a 2-2-1 sigmoid network learns gender from (weight, height), by hand-written SGD.

First the tutorial's worked derivative (all weights 1, biases 0, only Alice) is checked against the
engine; then the network trains on the four people with MSE and plain SGD, one person per step,
and predicts Emily and Frank.

Run: python examples/gender.py [--epochs 1000] [--lr 0.1] [--every 100] [--seed 0]
"""

from __future__ import annotations

import argparse

import numpy as np

import autograd
from nn.data import GENDER_NAMES, GENDER_SHIFT, gender_table, minibatches
from nn.init import constant
from nn.layers import MLP
from nn.losses import mse
from nn.optim import SGD
from nn.training import model_outputs

NEW_PEOPLE = {"Emily": (128.0, 63.0), "Frank": (155.0, 68.0)}  # the tutorial's (weight lb, height in)


def seed_check() -> dict[str, float]:
    """The tutorial's numbers for Alice with every weight 1 and every bias 0, from the engine."""
    X, y = gender_table()
    net = MLP(2, [2, 1], "sigmoid", "sigmoid", init=constant(1.0, 0.0))
    h = net.layers[0](X[0])
    y_pred = net.layers[1](h)[0]
    loss = mse([[y_pred]], [y[0]])
    w1 = net.layers[0].neurons[0].w[0]
    (dL_dy,) = autograd.grad(loss, [y_pred])
    (dy_dh1,) = autograd.grad(y_pred, [h[0]])
    (dh1_dw1,) = autograd.grad(h[0], [w1])
    loss.backward()
    return {"h1": h[0].data, "y_pred": y_pred.data, "dL/dy_pred": dL_dy, "dy_pred/dh1": dy_dh1,
            "dh1/dw1": dh1_dw1, "dL/dw1": w1.grad}


def main(argv: list[str] | None = None) -> dict:
    """Print the tutorial check, the training loss and the predictions; return them."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=1000)
    parser.add_argument("--lr", type=float, default=0.1)
    parser.add_argument("--every", type=int, default=100, help="print the loss every N epochs")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    check = seed_check()
    seed_values = {"h1": 0.0474, "y_pred": 0.524, "dL/dy_pred": -0.952, "dy_pred/dh1": 0.249,
                   "dh1/dw1": -0.0904, "dL/dw1": 0.0214}
    print("The backpropagation tutorial's worked example (all weights 1, biases 0, Alice only), engine vs tutorial:")
    for name, value in check.items():
        print(f"  {name:<12} engine {value:+.6f}   tutorial {seed_values[name]:+.4g}")
    print("  (the tutorial multiplies its rounded factors: −0.952 × 0.249 × −0.0904 = 0.0214)")

    X, y = gender_table()
    print(f"\nTraining data (weight − {GENDER_SHIFT[0]:g}, height − {GENDER_SHIFT[1]:g}; 1 = female):")
    for name, (w, h), label in zip(GENDER_NAMES, X, y):
        print(f"  {name:<8} {w:+5.0f} {h:+4.0f}  {label}")

    model = MLP(2, [2, 1], "sigmoid", "sigmoid", init="xavier", seed=args.seed)
    optimizer = SGD(model.parameters(), lr=args.lr)
    rng = np.random.default_rng(args.seed)
    losses = []
    print(f"\nTraining {model.num_parameters()} parameters with MSE and SGD (lr {args.lr}), one person per step:")
    for epoch in range(1, args.epochs + 1):
        for xb, yb in minibatches(X, y, batch_size=1, seed=rng):
            loss = mse([model(x) for x in xb], yb)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        with autograd.no_grad():
            losses.append(mse([model(x) for x in X], y).data)
        if epoch % args.every == 0 or epoch == 1:
            print(f"  epoch {epoch:5d}  loss {losses[-1]:.4f}")

    shifted = np.array(list(NEW_PEOPLE.values())) - np.array(GENDER_SHIFT)
    p = model_outputs(model, shifted)[:, 0]
    print("\nPredictions (probability of female):")
    for (name, raw), q in zip(NEW_PEOPLE.items(), p):
        print(f"  {name:<6} {raw[0]:.0f} lb, {raw[1]:.0f} in → {q:.3f}  {'F' if q > 0.5 else 'M'}")
    return {"seed_check": check, "losses": losses, "predictions": dict(zip(NEW_PEOPLE, p.tolist()))}


if __name__ == "__main__":
    main()
