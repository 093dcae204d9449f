"""The ``tinygrad-lite`` command line (also ``python -m tinygrad_lite``).

The top of the import order: it may use every other module. Subcommands:

* ``demo``: the main job that ``make demo`` runs.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

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


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    parser = argparse.ArgumentParser(
        prog="tinygrad-lite",
        description="Exact gradients of scalar expressions, small MLPs, and pictures of both.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    demo = commands.add_parser("demo", help="the main job: what `make demo` runs")
    demo.set_defaults(handler=_demo)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (2 for bad arguments)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    status: int = args.handler(args)
    return status


if __name__ == "__main__":
    sys.exit(main())
