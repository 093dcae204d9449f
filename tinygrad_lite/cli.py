"""The ``tinygrad-lite`` command line (also ``python -m tinygrad_lite``).

The top of the import order: it may use every other module. Subcommands:

* ``demo``: the main job that ``make demo`` runs.
* ``draw``: a picture of an expression's graph (``tinygrad-lite draw "tanh(x*w + b)"
  --at x=1,w=-2,b=0.5 --grad --out graph.svg``).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any

from .engine import Value


def _demo(args: argparse.Namespace) -> int:
    """Build a small expression, run backward, print values and gradients."""
    x = Value(2.0, "x")
    w = Value(-3.0, "w")
    b = Value(6.881373587019543, "b")
    n = x * w + b
    n.label = "n"
    y = n.tanh()
    y.label = "y"
    y.backward()
    print("y = tanh(x*w + b)")
    for v in (x, w, b, n, y):
        name = v.label
        print(f"  {name:>2} = {v.data: .6f}   dy/d{name} = {v.grad: .6f}")
    return 0


# -- draw ---------------------------------------------------------------------


def _draw(args: argparse.Namespace) -> int:
    """Parse the expression safely, evaluate it on Values, draw it (exit 2: bad input)."""
    from .expression import ExpressionError, evaluate, parse_bindings
    from .viz import DotNotFoundError, draw_graph, save

    def fail(message: str, status: int = 2) -> int:
        print(f"tinygrad-lite draw: error: {message}", file=sys.stderr)
        return status

    try:
        root = evaluate(args.expression, parse_bindings(args.at or ""))
    except ExpressionError as error:
        return fail(str(error))
    if args.grad:
        root.backward()
    try:
        graph = draw_graph(
            root,
            rankdir=args.rankdir,
            show_grad=args.grad,
            show_local_grad=args.local_grad,
            max_nodes=args.max_nodes,
            expand=args.expand,
        )
        if args.out == "-":
            print(graph.source, end="")
            return 0
        save(graph, args.out)
    except (ImportError, DotNotFoundError) as error:
        return fail(str(error), 1)
    except (ValueError, OSError) as error:
        return fail(str(error))
    print(f"wrote {args.out}")
    return 0


def _add_draw(commands: Any) -> None:
    draw = commands.add_parser(
        "draw",
        help="draw the graph of an expression (SVG, PNG or PDF)",
        description=(
            "Draw the computation graph of an arithmetic expression. Accepted: names, "
            "numbers, + - * / **, unary minus, and exp log tanh relu sigmoid sqrt sin "
            "cos abs. The expression is parsed, never executed."
        ),
    )
    draw.add_argument("expression", help='e.g. "tanh(x*w + b)"')
    draw.add_argument("--at", metavar="NAME=NUMBER,...", help="values of the variables")
    draw.add_argument("--grad", action="store_true", help="run backward and show gradients")
    draw.add_argument(
        "--local-grad", action="store_true", help="write local derivatives on the edges"
    )
    draw.add_argument("--expand", action="store_true", help="expand n-ary nodes")
    draw.add_argument("--rankdir", default="LR", choices=("LR", "RL", "TB", "BT"))
    draw.add_argument("--max-nodes", type=int, default=300, metavar="N")
    draw.add_argument(
        "--out", required=True, help="picture file (.svg, .png, .pdf), or - for DOT text"
    )
    draw.set_defaults(handler=_draw)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    parser = argparse.ArgumentParser(
        prog="tinygrad-lite",
        description="Exact gradients of scalar expressions, small MLPs, and pictures of both.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    demo = commands.add_parser("demo", help="the main job: what `make demo` runs")
    demo.set_defaults(handler=_demo)
    _add_draw(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (2 for bad arguments)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    status: int = args.handler(args)
    return status


if __name__ == "__main__":
    sys.exit(main())
