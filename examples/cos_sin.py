"""J = cos(sin(x²) + 3x²) forward and backward, step by step, beside the chain rule worked by hand.

Run: python examples/cos_sin.py [--x 2]
"""

from __future__ import annotations

import argparse
import math

from autograd import Value, topological_order
from viz.naming import formula, short_names


def build(x0: float) -> tuple[Value, dict[str, Value]]:
    """J = cos(sin(x²) + 3x²) as the parser builds it, and its nodes by the names every view shows.

    The names come from ``viz.naming.short_names``, the one naming that ``viz.draw``, ``explain``,
    ``tree``, the step pictures and ``python -m viz`` use, so this walk-through matches the picture.
    """
    x = Value(x0, label="x")
    J = (x ** 2).sin() + 3 * x ** 2
    J = J.cos()
    J.label = "J"
    names = short_names(topological_order(J))
    return J, {name: v for v, name in names.items()}


def forward_and_backward(x0: float) -> dict[str, float]:
    """Build the graph (x, a, b, c, d, e, J), run backward, return every number."""
    J, node = build(x0)
    J.backward()
    values = {name: v.data for name, v in node.items()}
    return {**values, "dJ/de": node["e"].grad, "dJ/dx": node["x"].grad}


def chain_rule_by_hand(x0: float) -> dict[str, float]:
    """The local derivatives with plain floats, and dJ/dx multiplied out in backprop's order."""
    a = x0 ** 2
    e = math.sin(a) + 3 * x0 ** 2
    local = {
        "dJ/de": -math.sin(e),
        "de/db": 1.0,
        "de/dd": 1.0,
        "db/da": math.cos(a),
        "da/dx": 2 * x0,
        "dd/dc": 3.0,
        "dc/dx": 2 * x0,
    }
    via_b = local["dJ/de"] * local["de/db"] * local["db/da"] * local["da/dx"]
    via_d = local["dJ/de"] * local["de/dd"] * local["dd/dc"] * local["dc/dx"]
    local["dJ/dx"] = via_b + via_d
    return local


def report(x0: float) -> str:
    """The whole walk-through as text."""
    J, node = build(x0)
    names = {v: name for name, v in node.items()}
    engine = forward_and_backward(x0)
    hand = chain_rule_by_hand(x0)
    closed = -math.sin(engine["e"]) * (math.cos(x0 ** 2) * 2 * x0 + 6 * x0)
    tutorial = {"a": "(a) a = x²", "b": "(b) b = sin(a)", "d": "(c) c = 3·x²", "e": "(d) d = b + c",
                "J": "(e) J = cos(d)", "c": "x² again: 3·x² is two steps here"}
    lines = [
        f"J = cos(sin(x²) + 3x²) at x = {x0!r}",
        "",
        "Forward pass (names as viz.draw, explain and tree show them; the tutorial's step on the right)",
    ]
    for name in ("a", "b", "c", "d", "e", "J"):
        step = f"{name} = {formula(node[name], names)}"
        lines.append(f"  {step:<14}= {engine[name]!r:<22}  {tutorial[name]}")
    lines += [
        "",
        "Local derivatives",
        f"  dJ/de = −sin(e)   = {hand['dJ/de']!r}   (backward() left the same in e.grad: {engine['dJ/de']!r})",
        f"  de/db = 1         = {hand['de/db']!r}",
        f"  de/dd = 1         = {hand['de/dd']!r}",
        f"  db/da = cos(a)    = {hand['db/da']!r}",
        f"  da/dx = 2x        = {hand['da/dx']!r}",
        f"  dd/dc = 3         = {hand['dd/dc']!r}",
        f"  dc/dx = 2x        = {hand['dc/dx']!r}",
        "",
        "dJ/dx = dJ/de·de/db·db/da·da/dx + dJ/de·de/dd·dd/dc·dc/dx",
        f"  by hand           = {hand['dJ/dx']!r}",
        f"  by backward()     = {engine['dJ/dx']!r}",
        f"  agree to the last digit: {hand['dJ/dx'] == engine['dJ/dx']}",
        f"  closed form −sin(e)·(cos(x²)·2x + 6x) = {closed!r}",
        "",
        f'The same names in a picture: python -m viz "cos(sin(x**2) + 3*x**2)" x={x0!r} --label J -o J.svg',
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
