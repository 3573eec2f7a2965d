"""Newton's method with derivatives of any order: minimise f(x) = x⁴ − 3x³ + 2 using f' and f''.

Each step asks the engine for f'(x) with ``create_graph=True`` (so f' is itself a graph) and then
differentiates that graph again for f''(x): x ← x − f'(x) / f''(x).

Run: python examples/newton.py [--x0 4.0] [--steps 8]
"""

from __future__ import annotations

import argparse

from autograd import Value, grad


def f(x: Value) -> Value:
    return x ** 4 - 3 * x ** 3 + 2


def newton(x0: float, steps: int) -> list[tuple[float, float, float, float]]:
    """Return (x, f(x), f'(x), f''(x)) for each step, starting at ``x0``."""
    history = []
    x = x0
    for _ in range(steps):
        xv = Value(x, label="x")
        fx = f(xv)
        (d1,) = grad(fx, [xv], create_graph=True)  # f'(x) as a Value with its own graph
        d2 = grad(d1, xv)  # f''(x): the derivative of that graph
        history.append((x, fx.data, d1.data, d2))
        x = x - d1.data / d2
    return history


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--x0", type=float, default=4.0, help="starting point (default 4.0)")
    parser.add_argument("--steps", type=int, default=8, help="Newton steps (default 8)")
    args = parser.parse_args(argv)
    print("f(x) = x⁴ − 3x³ + 2;  f'(x) = 4x³ − 9x²;  f''(x) = 12x² − 18x;  minimum at x = 9/4")
    headers = ("step", "x", "f(x)", "f'(x)", "f''(x)")
    print(f"{headers[0]:>4}  " + "  ".join(f"{h:>20}" for h in headers[1:]))
    for i, (x, fx, d1, d2) in enumerate(newton(args.x0, args.steps)):
        print(f"{i:>4}  {x:>20.15f}  {fx:>20.15f}  {d1:>20.12e}  {d2:>20.15f}")
    x_final = newton(args.x0, args.steps)[-1][0]
    print(f"converged to x = {x_final!r} (exact 2.25); f''(x) > 0 there, so it is a minimum")


if __name__ == "__main__":
    main()
