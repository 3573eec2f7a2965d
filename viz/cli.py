"""The ``python -m viz`` command: parse an expression, run backward, and save or print its graph."""

from __future__ import annotations

import argparse
import math
import re
import sys
import warnings
from itertools import islice
from pathlib import Path
from typing import Any, Sequence

from autograd import Value, parse

from .explain import explain
from .graph import DEFAULT_MAX_NODES, draw
from .renderer import RendererNotFoundError
from .save import FORMATS, save
from .flipbook import save_steps
from .steps import backward_steps
from .tree import tree

EXAMPLES = """examples:
  python -m viz "cos(sin(x**2) + 3*x**2)" x=2 -o graph.svg
  python -m viz "sigmoid(w1*x1 + w2*x2 + b)" w1=0 w2=1 b=4 x1=2 x2=3 -o neuron.png --tb
  python -m viz "x*y + y**2" x=1.5 y=-2 --explain --tree
  python -m viz "cos(sin(x**2) + 3*x**2)" x=2 --steps steps/
  python -m viz "cos(sin(x**2) + 3*x**2)" x=2 --steps backprop.html
  python -m viz playground                                 (train a small MLP live in the browser)
  python -m viz explore "cos(sin(x**2) + 3*x**2)" x=2     (a live page in the browser)
"""


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m viz",
        description="Draw the computation graph of an expression, with every value and gradient.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("expression", help='a math expression in quotes, such as "cos(sin(x**2) + 3*x**2)"')
    p.add_argument("values", nargs="*", metavar="NAME=VALUE", help="a number for each variable, such as x=2")
    p.add_argument("-o", "--output", metavar="FILE",
                   help=f"write the picture here; the suffix picks the format ({', '.join(sorted(FORMATS))})")
    p.add_argument("--tb", action="store_true", help="lay the graph out top to bottom (default: left to right)")
    p.add_argument("--no-grad", action="store_true", help="do not show gradients")
    p.add_argument("--no-data", action="store_true", help="do not show values")
    p.add_argument("--precision", type=int, default=4, metavar="N", help="decimal places shown (default 4)")
    p.add_argument("--heatmap", action="store_true", help="colour gradients by magnitude")
    p.add_argument("--label", default=None, metavar="NAME", help='name of the result in the picture (default "f")')
    p.add_argument("--max-nodes", type=int, default=DEFAULT_MAX_NODES, metavar="N",
                   help=f"refuse graphs with more nodes than this (default {DEFAULT_MAX_NODES})")
    p.add_argument("--explain", action="store_true", help="print the forward and backward pass as a table")
    p.add_argument("--tree", action="store_true", help="print the graph as a text tree")
    p.add_argument("--steps", metavar="DIR|FILE.html",
                   help="draw the backward pass one node at a time into DIR/step_00.png, step_01.png, ... "
                        "or onto one page to step through in a browser (FILE.html)")
    return p


def _values(parser: argparse.ArgumentParser, items: list[str]) -> dict[str, float]:
    values: dict[str, float] = {}
    for item in items:
        name, sep, text = item.partition("=")
        name = name.strip()
        if sep and name and not name.isascii():
            parser.error(f"{item!r}: variable names are plain ASCII letters, digits and _ (such as x or w1), "
                         f"got {name!r}")
        if not sep or not name.isidentifier():
            parser.error(f"{item!r} is not a variable assignment: write NAME=VALUE, such as x=2")
        try:
            number = float(text)
        except ValueError:
            parser.error(f"{item!r}: {text.strip()!r} is not a number")
        if not math.isfinite(number):
            parser.error(f"{item!r}: the value must be a finite number")
        if name in values:
            parser.error(f"{name} is given twice")
        values[name] = number
    return values


def _expression_first(parser: argparse.ArgumentParser, argv: list[str]) -> list[str]:
    """The arguments with every word that starts with "-" but is no option of ours (an expression such
    as ``-x**2``) moved behind ``--``, where argparse reads it as the expression or a NAME=VALUE."""
    takes_value = {s: a.nargs != 0 for a in parser._actions for s in a.option_strings}
    options: list[str] = []
    positionals: list[str] = []
    words = iter(argv)
    for word in words:
        if word == "--":
            positionals.extend(words)
            break
        flag = word.split("=", 1)[0]
        known = [s for s in takes_value if s == flag or (flag.startswith("--") and s.startswith(flag))]
        if not word.startswith("-") or len(word) == 1 or not known:
            (positionals if not word.startswith("-") or not _looks_like_option(word) else options).append(word)
            continue
        options.append(word)
        if "=" not in word and takes_value[known[0]]:
            options.extend(islice(words, 1))  # the option's value, whatever it looks like
    return options + (["--", *positionals] if positionals else [])


def _looks_like_option(word: str) -> bool:
    """An unknown ``--word`` stays an option, so argparse reports it; ``-x`` is an expression."""
    return word.startswith("--")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (argparse exits with 2 on bad input)."""
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["playground"]:  # python -m viz playground: train an MLP live in the browser
        from .playground_server import command as playground_command

        return playground_command(argv[1:])
    if argv[:1] == ["explore"]:  # python -m viz explore "expression" x=2: the live page
        from .explorer import command
        return command(argv[1:])
    parser = _parser()
    args = parser.parse_args(_expression_first(parser, list(sys.argv[1:] if argv is None else argv)))
    if args.precision < 0 or args.precision > 15:
        parser.error(f"--precision must be between 0 and 15, got {args.precision}")
    if args.steps is not None and args.heatmap:
        parser.error("--steps highlights each step itself and cannot be combined with --heatmap")
    if args.max_nodes < 1:
        parser.error(f"--max-nodes must be at least 1, got {args.max_nodes}")
    if args.output is not None and not args.output.lower().endswith(tuple(FORMATS)):
        parser.error(f"cannot tell the format of {args.output!r}: end it with one of {', '.join(sorted(FORMATS))}")
    try:
        with warnings.catch_warnings():  # Python's tokenizer warns about "1if": the parser's own error says more
            warnings.simplefilter("ignore", SyntaxWarning)
            expression = parse(args.expression)
    except ValueError as exc:
        parser.error(str(exc))
    values = _values(parser, args.values)
    try:
        result = expression.evaluate(**values)
        result.label = args.label or ("out" if "f" in expression.variables else "f")
        result.backward()
    except (ValueError, ArithmeticError) as exc:
        parser.error(str(exc))

    options = dict(rankdir="TB" if args.tb else "LR", show_grad=not args.no_grad, show_data=not args.no_data,
                   precision=args.precision, heatmap=args.heatmap, max_nodes=args.max_nodes)
    if args.explain:
        print(explain(result, precision=args.precision))
    if args.tree:
        if args.explain:
            print()
        print(tree(result, show_data=not args.no_data, show_grad=not args.no_grad, precision=args.precision))
    try:
        if args.output:
            path = save(result, args.output, **options)
            print(f"wrote {path}", file=sys.stderr)
        if args.steps:
            _write_steps(result, Path(args.steps), options)
        elif not (args.explain or args.tree or args.output):
            sys.stdout.write(draw(result, **options).source)
            # stdout is the picture's DOT text (for a pipe); say so, where it cannot mix into the pipe.
            print("(that is the graph's DOT source: add -o graph.svg or -o graph.png to write a picture, "
                  "--explain for the chain-rule table, or use 'explore' for a live page)", file=sys.stderr)
    except ValueError as exc:  # a graph over --max-nodes
        parser.error(str(exc).replace("max_nodes=", "--max-nodes ").replace(" (or None)", ""))  # in CLI terms
    except (RendererNotFoundError, RuntimeError, OSError) as exc:
        print(f"{parser.prog}: error: {exc}", file=sys.stderr)
        return 1
    return 0


def _write_steps(result: Value, target: Path, options: dict[str, Any]) -> None:
    """The reverse pass as numbered PNGs in a folder or one HTML page (``save_steps``); each caption on stdout."""
    steps = backward_steps(result, **options)  # heatmap is False here: main refuses --steps --heatmap
    written = save_steps(steps, target)
    if written.is_dir():
        _remove_stale_steps(written, len(steps))
    for step in steps:
        print(step.caption)
    what = "one page" if written.is_file() else "pictures"
    print(f"wrote {len(steps)} steps as {what} to {written}", file=sys.stderr)


_STEP_FILE = re.compile(r"step_(\d+)\.png")


def _remove_stale_steps(folder: Path, count: int) -> None:
    """Delete ``step_NN.png`` files an earlier, longer run left in ``folder`` (only that pattern), so
    the folder holds exactly this run's steps. The names are ``save_steps``'s: at least two digits."""
    width = max(2, len(str(count - 1)))
    current = {f"step_{k:0{width}d}.png" for k in range(count)}
    for path in folder.iterdir():
        if _STEP_FILE.fullmatch(path.name) and path.name not in current and path.is_file():
            path.unlink()
