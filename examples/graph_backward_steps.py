"""Backpropagation through J = cos(sin(x²) + 3x²) at x = 2, one picture per step of the reverse pass.

Run: python examples/graph_backward_steps.py [--out DIR] [--html] [--docs]
Writes backward_step_00.png (only the seed ∂J/∂J = 1 known) to backward_step_06.png (every gradient
known) and prints each step's caption, then the engine's own dJ/dx to compare with the last step.
With --html it also writes backprop.html: the same steps on one page, with a slider and Play button.
With --docs it writes only the steps README shows (2 and 5) into docs/.
"""

import argparse
from pathlib import Path

from graph_output import ROOT

import viz
from autograd import parse, topological_order

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--out", type=Path, default=ROOT / "out", help="folder for the pictures (default: out/)")
parser.add_argument("--html", action="store_true", help="also write DIR/backprop.html to step through in a browser")
parser.add_argument("--docs", action="store_true", help="write README's pictures (steps 2 and 5) into docs/")
args = parser.parse_args()
folder = ROOT / "docs" if args.docs else args.out
folder.mkdir(parents=True, exist_ok=True)
README_STEPS = (2, 5)

J = parse("cos(sin(x**2) + 3*x**2)").evaluate(x=2.0)
J.label = "J"
steps = viz.backward_steps(J, title="J = cos(sin(x²) + 3x²) at x = 2")
for step in steps:
    if not args.docs or step.index in README_STEPS:
        viz.save(step.picture, folder / f"backward_step_{step.index:02d}.png")
    print(step.caption)
if args.html:
    print(f"wrote {viz.save_steps(steps, folder / 'backprop.html')}")

J.backward()  # the steps never touch .grad: this is the engine's own pass, for comparison
x = next(v for v in topological_order(J) if v.label == "x")
written = len(README_STEPS) if args.docs else len(steps)
print(f"engine: dJ/dx = {x.grad:.4f}; wrote {written} pictures to {folder}")
