"""J = cos(sin(x²) + 3x²) forward and backward, step by step, beside the chain rule worked by hand.

Run: python examples/cos_sin.py [--x 2]
"""

from __future__ import annotations

import argparse
import math

from autograd import Value


def forward_and_backward(x0: float) -> dict[str, float]:
    """Build the graph as the seed does (a, b, c, d, J), run backward, return every number."""
    x = Value(x0, label="x")
    a = x ** 2
    b = a.sin()
    c = 3 * x ** 2  # step (c) squares x again, then multiplies by 3
    d = b + c
    J = d.cos()
    J.backward()
    return {"a": a.data, "b": b.data, "c": c.data, "d": d.data, "J": J.data, "dJ/dd": d.grad, "dJ/dx": x.grad}


def chain_rule_by_hand(x0: float) -> dict[str, float]:
    """The seed's local derivatives with plain floats, and dJ/dx multiplied out in backprop's order."""
    a = x0 ** 2
    d = math.sin(a) + 3 * x0 ** 2
    local = {
        "dJ/dd": -math.sin(d),
        "dd/db": 1.0,
        "dd/dc": 1.0,
        "db/da": math.cos(a),
        "da/dx": 2 * x0,
        "dc/dx": 3 * (2 * x0),  # c = 3·(x²): ×3 after the square's 2x
    }
    via_b = local["dJ/dd"] * local["dd/db"] * local["db/da"] * local["da/dx"]
    via_c = local["dJ/dd"] * local["dd/dc"] * 3 * (2 * x0)
    local["dJ/dx"] = via_b + via_c
    return local


def report(x0: float) -> str:
    """The whole walk-through as text."""
    engine = forward_and_backward(x0)
    hand = chain_rule_by_hand(x0)
    closed = -math.sin(engine["d"]) * (math.cos(x0 ** 2) * 2 * x0 + 6 * x0)
    lines = [
        f"J = cos(sin(x²) + 3x²) at x = {x0!r}",
        "",
        "Forward pass",
        f"  (a) a = x²        = {engine['a']!r}",
        f"  (b) b = sin(a)    = {engine['b']!r}",
        f"  (c) c = 3·x²      = {engine['c']!r}",
        f"  (d) d = b + c     = {engine['d']!r}",
        f"  (e) J = cos(d)    = {engine['J']!r}",
        "",
        "Local derivatives",
        f"  dJ/dd = −sin(d)   = {hand['dJ/dd']!r}   (backward() left the same in d.grad: {engine['dJ/dd']!r})",
        f"  dd/db = 1         = {hand['dd/db']!r}",
        f"  dd/dc = 1         = {hand['dd/dc']!r}",
        f"  db/da = cos(a)    = {hand['db/da']!r}",
        f"  da/dx = 2x        = {hand['da/dx']!r}",
        f"  dc/dx = 3·2x      = {hand['dc/dx']!r}",
        "",
        "dJ/dx = dJ/dd·dd/db·db/da·da/dx + dJ/dd·dd/dc·dc/dx",
        f"  by hand           = {hand['dJ/dx']!r}",
        f"  by backward()     = {engine['dJ/dx']!r}",
        f"  agree to the last digit: {hand['dJ/dx'] == engine['dJ/dx']}",
        f"  closed form −sin(d)·(cos(x²)·2x + 6x) = {closed!r}",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--x", type=float, default=2.0, help="where to evaluate J and dJ/dx (default 2)")
    args = parser.parse_args(argv)
    if not math.isfinite(args.x) or abs(args.x) > 1e150:
        parser.error(f"--x must be a finite number whose square is a finite float, got {args.x}")
    print(report(args.x))


if __name__ == "__main__":
    main()
