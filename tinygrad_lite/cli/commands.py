"""The subcommands of ``tinygrad-lite``: demo, train, draw, playground.

The top of the import order: it may use every other module. Subcommands:

* ``demo``: the main job that ``make demo`` runs: trains on moons and iris,
  writes their figures and a picture of one neuron's graph into ``out/``.
* ``train``: one data set, any settings (``tinygrad-lite train --dataset moons
  --hidden 16,16 --epochs 60 --out out --json``).
* ``draw``: a picture of an expression's graph (``tinygrad-lite draw "tanh(x*w + b)"
  --at x=1,w=-2,b=0.5 --grad --out graph.svg``), its explorer page (``--html``)
  or its backward steps (``--steps``).
* ``playground``: the browser playground (see :mod:`tinygrad_lite.playground`).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from ..engine import Value
from ..playground.command import add_command as add_playground

if TYPE_CHECKING:
    from ..datasets import Dataset
    from ..nn import MLP
    from ..train import Settings


# -- train and demo -----------------------------------------------------------


class _UsageError(ValueError):
    """A bad command-line value: reported in one line, exit status 2."""


def _integer(flag: str, text: str, minimum: int = 1, maximum: int | None = None) -> int:
    try:
        number = int(text) if len(text) <= 40 else None
    except ValueError:
        number = None
    if number is None or number < minimum or (maximum is not None and number > maximum):
        wanted = (
            f"an integer >= {minimum}"
            if maximum is None
            else f"an integer in [{minimum}, {maximum}]"
        )
        raise _UsageError(f"{flag} must be {wanted}, got {text!r}")
    return number


def _number(flag: str, text: str, *, positive: bool, maximum: float = math.inf) -> float:
    try:
        number = float(text)
    except ValueError:
        number = math.nan
    ok = 0.0 < number < maximum if positive else 0.0 <= number <= maximum
    if not ok:
        if maximum < math.inf:
            top = int(maximum) if maximum.is_integer() else maximum
            wanted = f"a number in [0, {top}]"
        else:
            wanted = "a positive number" if positive else "a number >= 0"
        raise _UsageError(f"{flag} must be {wanted}, got {text!r}")
    return number


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _hidden_sizes(text: str) -> tuple[int, ...]:
    parts = text.split(",")
    try:
        sizes = tuple(int(part) for part in parts)
    except ValueError:
        sizes = ()
    if not sizes or any(size < 1 for size in sizes):
        raise _UsageError(
            f"--hidden must be comma-separated positive layer widths such as 16,16, got {text!r}"
        )
    return sizes


def _choice(flag: str, text: str, known: Sequence[str]) -> str:
    """``text`` as one of ``known`` (all lower case); the match ignores case."""
    if text.lower() not in known:
        raise _UsageError(f"unknown {flag} {text!r}; choose one of: {', '.join(known)}")
    return text.lower()


def _writable_directory(text: str) -> Path:
    """Create ``text`` if needed and prove a file can be written there."""
    directory = Path(text)
    try:
        directory.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=directory):
            pass
    except OSError as error:
        reason = error.strerror or str(error)
        raise _UsageError(f"cannot write to --out directory {text!r}: {reason}") from error
    return directory


def _run_training(
    dataset: str,
    settings: Settings,
    seed: int,
    out: Path,
    progress: bool,
    n_samples: int | None = None,
    noise: float | None = None,
) -> tuple[dict[str, Any], MLP, Dataset]:
    """Load, train, measure, write the three output files; the summary, model and data."""
    from .. import plot
    from ..datasets import load
    from ..train import accuracy, fit, make_model

    data = load(dataset, n_samples=n_samples, noise=noise, seed=seed)
    model = make_model(data, settings.hidden, settings.activation, settings.loss, seed)
    print(
        f"{dataset}: {len(data.X_train)} train / {len(data.X_test)} test points, "
        f"{data.n_features} features, {data.n_classes} classes; {model!r}; "
        f"{settings.optimizer} lr {settings.learning_rate:g}"
    )
    history = fit(model, data, seed=seed, progress=progress, **settings.fit_arguments())
    train_accuracy = accuracy(model, data.X_train, data.y_train)
    test_accuracy = accuracy(model, data.X_test, data.y_test)
    epochs_done = len(history.epochs)
    if history.interrupted:
        print(
            f"interrupted: kept the model after {_plural(history.steps, 'step')} "
            f"({_plural(epochs_done, 'epoch')})"
        )
    print(
        f"{dataset}: train accuracy {train_accuracy:.3f}, test accuracy {test_accuracy:.3f} "
        f"({_plural(epochs_done, 'epoch')}, {history.seconds:.1f} s)"
    )
    outputs = [
        out / f"{dataset}-boundary.png",
        out / f"{dataset}-history.png",
        out / f"{dataset}-model.json",
    ]
    plot.decision_boundary(model, data, outputs[0])
    if history.epochs:
        plot.history(history, outputs[1])
    else:
        outputs.pop(1)
    model.save(outputs[-1])
    for path in outputs:
        print(f"wrote {path}")
    summary = {
        "dataset": dataset,
        "train_accuracy": train_accuracy,
        "test_accuracy": test_accuracy,
        "epochs": epochs_done,
        "seconds": round(history.seconds, 3),
        "outputs": [str(path) for path in outputs],
        "interrupted": history.interrupted,
    }
    return summary, model, data


def _train_settings(args: argparse.Namespace) -> Settings:
    """The data set's default settings with every given flag applied (exit 2 on a bad one)."""
    from ..datasets import DATASETS
    from ..nn import ACTIVATIONS
    from ..train import LOSSES, OPTIMIZERS, SCHEDULES, default_settings

    dataset = _choice("--dataset", args.dataset, sorted(DATASETS))
    changes: dict[str, Any] = {}
    if args.hidden is not None:
        changes["hidden"] = _hidden_sizes(args.hidden)
    if args.activation is not None:
        activations = [a for a in ACTIVATIONS if a is not None]
        changes["activation"] = _choice("--activation", args.activation, activations)
    if args.loss is not None:
        changes["loss"] = _choice("--loss", args.loss, LOSSES)
    if args.optimizer is not None:
        changes["optimizer"] = _choice("--optimizer", args.optimizer, list(OPTIMIZERS))
        changes["lr"] = None  # NOTE: the new optimizer's own default, unless --lr says
    if args.lr is not None:
        changes["lr"] = _number("--lr", args.lr, positive=True)
    if args.epochs is not None:
        changes["epochs"] = _integer("--epochs", args.epochs)
    if args.batch_size is not None:
        full = args.batch_size == "full"
        changes["batch_size"] = None if full else _integer("--batch-size", args.batch_size)
    if args.schedule is not None:
        schedule = _choice("--schedule", args.schedule, ["none", *SCHEDULES])
        changes["schedule"] = None if schedule == "none" else schedule
    return dataclasses.replace(default_settings(dataset), **changes)


def _train(args: argparse.Namespace) -> int:
    """Train on one data set, print the accuracies, write the figures and the model."""
    from ..datasets import DATASETS, MAX_NOISE, MAX_SAMPLES, MAX_SEED, min_samples

    try:
        dataset = _choice("--dataset", args.dataset, sorted(DATASETS))
        settings = _train_settings(args)
        seed = _integer("--seed", args.seed, minimum=0, maximum=MAX_SEED)
        if dataset == "iris" and (args.n_samples is not None or args.noise is not None):
            raise _UsageError("--n-samples and --noise do not apply to iris (a fixed data set)")
        n_samples = None
        if args.n_samples is not None:
            fewest = min_samples(dataset)
            n_samples = _integer("--n-samples", args.n_samples, fewest, MAX_SAMPLES)
        noise = None
        if args.noise is not None:
            noise = _number("--noise", args.noise, positive=False, maximum=MAX_NOISE)
        out = _writable_directory(args.out)
        summary, _, _ = _run_training(
            dataset, settings, seed, out, not args.no_progress, n_samples, noise
        )
    except (ValueError, OSError) as error:  # a _UsageError; n_samples for iris; a full disk
        print(f"tinygrad-lite train: error: {error}", file=sys.stderr)
        return 2
    except ImportError as error:
        print(f"tinygrad-lite train: error: {error}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(summary))
    return 130 if summary["interrupted"] else 0


def _add_train(commands: Any) -> None:
    train = commands.add_parser(
        "train",
        help="train an MLP on a data set and write its figures and weights",
        description=(
            "Train an MLP on iris, moons, circles or blobs with a progress bar; print the "
            "final train/test accuracy; write DIR/<dataset>-boundary.png, "
            "DIR/<dataset>-history.png and DIR/<dataset>-model.json. Flags left out take "
            "the data set's default settings (tinygrad_lite.train.default_settings)."
        ),
    )
    train.add_argument("--dataset", required=True, help="iris, moons, circles or blobs (any case)")
    train.add_argument("--hidden", metavar="N,N,...", help="hidden layer widths, e.g. 16,16")
    train.add_argument("--activation", help="relu, tanh or sigmoid")
    train.add_argument("--loss", help="cross_entropy, hinge, bce or mse")
    train.add_argument("--optimizer", help="sgd, momentum, rmsprop, adam or adamw")
    train.add_argument(
        "--lr", metavar="RATE", help="learning rate (default: the optimizer's own, which trains)"
    )
    train.add_argument("--epochs", metavar="N", help="passes over the train split")
    train.add_argument("--batch-size", metavar="N", help="samples per step, or 'full'")
    train.add_argument("--schedule", help="none, linear, step or cosine")
    train.add_argument(
        "--seed", default="0", help="seeds the data, weights and shuffling (0 to 2**32 - 1)"
    )
    train.add_argument("--n-samples", metavar="N", help="points to generate (not iris)")
    train.add_argument("--noise", metavar="STD", help="noise of the generated points")
    train.add_argument("--out", default="out", metavar="DIR", help="output directory (out)")
    train.add_argument("--json", action="store_true", help="end with one JSON line")
    train.add_argument("--no-progress", action="store_true", help="no progress bar")
    train.set_defaults(handler=_train)


def _draw_neuron(model: MLP, data: Dataset, path: Path) -> str:
    """Draw the graph of the model's first neuron on a train point; returns a status line."""
    try:
        from ..viz import draw_graph, explore, save
    except ImportError as error:  # pragma: no cover - viz ships with the package
        return f"skipped the neuron picture: {error}"
    neuron = model.layers[0].neurons[0]
    # NOTE: a point where the neuron is active, so the picture shows gradients, not zeros.
    active = [x for x in data.X_train if neuron.forward_floats(x)[0] > 0.0]
    point = (active or data.X_train)[0]
    # NOTE: numbered from 0, as named_parameters numbers the weights (w0, w1, ...).
    inputs = [Value(x, f"x{i}") for i, x in enumerate(point)]
    output = neuron(inputs)
    output.label = "out"
    output.backward()
    caption = f"neuron 0 of layer 0 of the trained {data.name} model, on one train point"
    try:
        graph = draw_graph(output, cluster=neuron, show_local_grad=True, caption=caption)
        save(graph, path)
        page = explore(output, cluster=neuron, title=caption).save(path.with_name("neuron.html"))
    except ImportError as error:  # the viz extra (pygraphviz) is not installed
        return f"skipped the neuron picture: {error}"
    return f"wrote {path}\nwrote {page}"


def _demo(args: argparse.Namespace) -> int:
    """Train on moons and iris with their default settings; write figures and a neuron's graph."""
    from ..train import default_settings

    try:
        out = _writable_directory(args.out)
    except _UsageError as error:
        print(f"tinygrad-lite demo: error: {error}", file=sys.stderr)
        return 2
    written: list[str] = []
    results: list[str] = []
    status = 0
    model = data = None
    for dataset in ("moons", "iris"):
        summary, trained, trained_on = _run_training(
            dataset, default_settings(dataset), 0, out, not args.no_progress
        )
        if model is None:
            model, data = trained, trained_on
        written.extend(summary["outputs"])
        results.append(
            f"  {dataset:<6} train accuracy {summary['train_accuracy']:.3f}, "
            f"test accuracy {summary['test_accuracy']:.3f}, {summary['seconds']:.1f} s"
        )
        if summary["interrupted"]:
            status = 130
            break
        print()
    if model is not None and data is not None and status == 0:
        neuron_path = out / "moons-neuron.png"
        message = _draw_neuron(model, data, neuron_path)
        print(message)
        if message.startswith("wrote"):
            written.extend(line.removeprefix("wrote ") for line in message.splitlines())
    print("\nresults:")
    print("\n".join(results))
    print(f"\nfiles in {out.resolve()}:")
    for path in written:
        print(f"  {path}")
    return status


# -- draw ---------------------------------------------------------------------


MAX_DRAWN_NODES = 500
"""The most nodes ``draw`` lays out: dot's layout time grows much faster than the
picture (a 6,401-character expression took over 280 s uncapped; at 500 nodes it
draws in about 2 s), so a larger ``--max-nodes`` is capped, and said so."""


_PICTURE_SUFFIXES = (".svg", ".png", ".pdf")
_PAGE_SUFFIXES = (".html", ".htm")


def _wrong_file(out: str | None, html: str | None) -> str | None:
    """What is wrong with the ``--out``/``--html`` file names (None: nothing), before any work."""
    if out and out != "-" and Path(out).suffix.lower() not in _PICTURE_SUFFIXES:
        hint = ""
        if Path(out).suffix.lower() in _PAGE_SUFFIXES:
            hint = "; for the interactive page use --html FILE.html"
        elif Path(out).suffix.lower() == ".gif":
            hint = "; for an animation of the backward pass use --steps FILE.gif"
        return (
            f"--out {out!r}: --out writes a picture as .svg, .png or .pdf (the file's "
            f"suffix picks the format), or the DOT text to stdout with --out -{hint}"
        )
    if html and Path(html).suffix.lower() not in _PAGE_SUFFIXES:
        return f"--html {html!r}: --html writes one page, a .html file (open it in a browser)"
    return None


def _draw(args: argparse.Namespace) -> int:
    """Parse the expression safely, evaluate it on Values, draw it (exit 2: bad input)."""
    from ..viz import backward_steps, draw_graph, explore, save, save_animation, save_steps
    from .expression import ExpressionError, evaluate, parse_bindings, variables

    def fail(message: str, status: int = 2) -> int:
        print(f"tinygrad-lite draw: error: {message}", file=sys.stderr)
        return status

    if not (args.out or args.html or args.steps):
        return fail("nothing to write: give --out FILE, --html FILE or --steps FILE.gif|DIR")
    wrong_file = _wrong_file(args.out, args.html)
    if wrong_file is not None:
        return fail(wrong_file)
    if args.max_nodes < 1:
        return fail(f"--max-nodes must be an integer >= 1, got {args.max_nodes}")
    max_nodes = args.max_nodes
    if max_nodes > MAX_DRAWN_NODES:
        print(
            f"tinygrad-lite draw: note: --max-nodes {max_nodes} is capped at "
            f"{MAX_DRAWN_NODES}: laying out more nodes takes minutes",
            file=sys.stderr,
        )
        max_nodes = MAX_DRAWN_NODES
    try:
        bindings: dict[str, float] = {}
        for text in args.at or []:
            for name, number in parse_bindings(text).items():
                if name in bindings:
                    raise ExpressionError(f"--at gives {name!r} twice")
                bindings[name] = number
        free = variables(args.expression)
        structure = not args.at
        if structure:
            if args.grad or args.steps or args.html:
                wanted = "--grad" if args.grad else ("--steps" if args.steps else "--html")
                raise ExpressionError(f"{wanted} needs numbers: give them with --at x=1,...")
            bindings = dict.fromkeys(free, 0.0)  # placeholders: the picture shows data ?
        unused = [name for name in bindings if name not in free]
        if unused:
            known = ", ".join(free) or "none"
            raise ExpressionError(
                f"--at gives {', '.join(unused)}, which the expression does not use "
                f"(its variables: {known})"
            )
        root = evaluate(args.expression, bindings)
        parameters = _parameters(args.params, root, free)
    except ExpressionError as error:
        return fail(str(error))
    try:
        resolution = _resolution(args)
        if args.grad:
            root.backward()
        if args.out:
            graph = draw_graph(
                root,
                rankdir=args.rankdir,
                show_grad=args.grad,
                show_local_grad=args.local_grad,
                max_nodes=max_nodes,
                expand=args.expand,
                parameters=parameters,
                show_data=not structure,
            )
            if args.out == "-":
                print(graph.source, end="")
            else:
                save(graph, args.out, dpi=resolution)
                print(f"wrote {args.out}")
        if args.html:
            explorer = explore(root, parameters=parameters, max_nodes=max_nodes)
            print(f"wrote {explorer.save(args.html)}")
        if args.steps:
            frames = backward_steps(
                root,
                rankdir=args.rankdir,
                max_nodes=max_nodes,
                expand=args.expand,
                parameters=parameters,
            )
            if args.steps.lower().endswith(".gif"):
                print(f"wrote {save_animation(frames, args.steps, dpi=resolution)}")
            else:
                paths = save_steps(frames, args.steps)
                print(f"wrote {len(paths)} pictures to {args.steps}")
    except ImportError as error:  # no renderer: the viz extra is not installed
        return fail(str(error), 1)
    except (ValueError, OSError) as error:
        return fail(str(error))
    return 0


def _parameters(text: str | None, root: Value, free: list[str]) -> list[Value]:
    """The Values named by ``--params w,b`` (variables or assigned names)."""
    from ..engine import topological_order
    from .expression import ExpressionError

    if not text:
        return []
    by_label = {node.label: node for node in topological_order(root) if node.label}
    chosen = []
    for name in (part.strip() for part in text.split(",")):
        if not name:
            continue
        if name not in by_label:
            known = ", ".join(sorted(by_label)) or "none"
            raise ExpressionError(f"--params: {name!r} is not a name in the expression ({known})")
        chosen.append(by_label[name])
    del free
    return chosen


def _resolution(args: argparse.Namespace) -> float | None:
    from ..viz.render import resolution_of

    wanted = args.scale is not None or args.dpi is not None
    if wanted and not any(
        str(path).lower().endswith((".png", ".gif")) for path in (args.out, args.steps) if path
    ):
        raise ValueError("--scale and --dpi apply to .png and .gif pictures only")
    return resolution_of(args.scale, args.dpi)


class _ExpressionMatcher:
    """Lets ``draw "-x"`` read as an expression, not as a flag (argparse's number test)."""

    def match(self, text: str) -> bool:
        return text.startswith("-") and not text.startswith("--") and len(text) > 1


def _add_draw(commands: Any) -> None:
    draw = commands.add_parser(
        "draw",
        help="draw the graph of an expression (SVG, PNG, PDF, an explorer page, the steps)",
        description=(
            "Draw the computation graph of an arithmetic expression. Accepted: names, "
            "numbers, + - * / **, unary minus, exp log tanh relu sigmoid sqrt sin cos abs, "
            'and assignments before the expression ("h = x*w; tanh(h) + h") so a shared '
            "sub-expression is drawn once. The text is parsed, never executed. Without "
            "--at the picture shows the structure alone (data ?)."
        ),
    )
    # NOTE: an expression such as "-x" starts like a flag; argparse lets a positional
    # start with "-" when its negative-number test matches, so that test is widened.
    draw._negative_number_matcher = _ExpressionMatcher()
    draw.add_argument("expression", help='e.g. "tanh(x*w + b)" or "h = x*w; tanh(h) + h"')
    draw.add_argument(
        "--at",
        action="append",
        metavar="NAME=NUMBER,...",
        help="values of the variables; repeat the flag to add more (x=1 --at w=-2)",
    )
    draw.add_argument("--grad", action="store_true", help="run backward and show gradients")
    draw.add_argument(
        "--local-grad", action="store_true", help="write local derivatives on the edges"
    )
    draw.add_argument(
        "--params", metavar="NAME,...", help="names to colour as parameters (green), e.g. w,b"
    )
    draw.add_argument(
        "--expand", action="store_true", help="draw dot/sum nodes as their * and + chain"
    )
    draw.add_argument(
        "--rankdir",
        default="LR",
        choices=("LR", "RL", "TB", "BT"),
        help="layout direction: LR (left to right, the default), RL, TB or BT",
    )
    draw.add_argument(
        "--max-nodes",
        type=int,
        default=300,
        metavar="N",
        help=f"past N drawn nodes show the nodes nearest the output (at most {MAX_DRAWN_NODES})",
    )
    draw.add_argument(
        "--out", metavar="FILE", help="picture file (.svg, .png, .pdf), or - for DOT text"
    )
    draw.add_argument(
        "--html", metavar="FILE", help="an interactive explorer page (.html), works offline"
    )
    draw.add_argument(
        "--steps",
        metavar="FILE.gif|DIR",
        help="the backward pass frame by frame: an animated GIF, or SVG files in DIR",
    )
    draw.add_argument("--scale", type=float, metavar="S", help="PNG/GIF size: S x 72 dpi")
    draw.add_argument("--dpi", type=float, metavar="N", help="PNG/GIF resolution in dpi")
    draw.add_argument("--version", action="version", version=_version())
    draw.set_defaults(handler=_draw)


def _version() -> str:
    from ..version import __version__

    return f"tinygrad-lite {__version__}"


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors: ``PROG: error: MESSAGE (see PROG --help)``, exit 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand (errors in one line, exit status 2)."""
    parser = _Parser(
        prog="tinygrad-lite",
        description="Exact gradients of scalar expressions, small MLPs, and pictures of both.",
    )
    parser.add_argument("--version", action="version", version=_version())
    commands = parser.add_subparsers(dest="command", required=True)
    demo = commands.add_parser(
        "demo",
        help="the main job: what `make demo` runs",
        description=(
            "Train on moons and iris with their default settings, print the accuracies, "
            "and write the figures, the models and a picture of one neuron's graph."
        ),
    )
    demo.add_argument("--out", default="out", metavar="DIR", help="output directory (out)")
    demo.add_argument("--no-progress", action="store_true", help="no progress bars")
    demo.set_defaults(handler=_demo)
    _add_train(commands)
    _add_draw(commands)
    add_playground(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (2 for bad arguments).

    A malformed command line (an unknown flag, a missing value) is reported
    by argparse in one line and raises ``SystemExit(2)``, as argparse does;
    ``--help`` raises ``SystemExit(0)``.
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    status: int = args.handler(args)
    return status


if __name__ == "__main__":
    sys.exit(main())
