"""Accuracy and wall time of the default training recipe on every data set.

Usage::

    .venv/bin/python benchmarks/train.py [--figures docs] [--datasets moons,iris]
    .venv/bin/python benchmarks/train.py --optimizers [--rates 0.003,0.01,...]
    .venv/bin/python benchmarks/train.py --forward

For each data set: load it (seed 0), build the model of
``tinygrad_lite.train.default_settings``, train it with ``fit`` (seed 0, no
progress bar) and print epochs, seconds (and the seconds of the same run
with ``compile=False``, and whether it ends on the same weights) and the
final train/test accuracies, as a Markdown table, against the quality bar (test accuracy
>= 0.95 iris, >= 0.97 moons and circles, >= 0.99 blobs, under 60 s per run).
Exits with status 1 when a run misses the bar. With ``--figures DIR`` it also
writes ``DIR/<dataset>-boundary.png`` and ``DIR/<dataset>-history.png`` from
the same runs (the README's figures).

``--optimizers`` sweeps every optimizer of ``tinygrad_lite.train.OPTIMIZERS``
over a range of learning rates with each data set's default recipe, and
prints the test accuracies, marking the rates that clear the bar on every
data set and the optimizer's default rate (how those defaults were chosen).

``--forward`` times one forward pass of micrograd's demo model,
``MLP(2, [16, 16, 1])``, over 100 points, next to the same network written
as ``Sequential(Linear, ReLU, ...)`` and as a custom ``Module``, and one
``parameters()`` call (median of repeated runs); then a 200 x 200
decision-boundary grid through the moons model, on plain floats
(``train.predict``) and as Values under ``no_grad``.
"""

from __future__ import annotations

import argparse
import gc
import platform
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tinygrad_lite import datasets, train
from tinygrad_lite.nn import MLP, Layer, Linear, Module, ReLU, Sequential

BAR = {"iris": 0.95, "moons": 0.97, "circles": 0.97, "blobs": 0.99}
"""The minimum test accuracy of each data set."""

SECONDS = 60.0
"""The most a single training run may take."""


def run(name: str, figures: Path | None) -> dict[str, object]:
    """Train the default recipe on one data set; the measured row."""
    settings = train.default_settings(name)
    data = datasets.load(name, seed=0)
    model = train.make_model(data, settings.hidden, settings.activation, settings.loss, seed=0)
    start = time.perf_counter()
    history = train.fit(model, data, seed=0, progress=False, **settings.fit_arguments())
    seconds = time.perf_counter() - start
    # The same run without the compiled replay: its time, and whether it ends
    # on the very same weights.
    eager_model = train.make_model(
        data, settings.hidden, settings.activation, settings.loss, seed=0
    )
    eager_arguments = {**settings.fit_arguments(), "compile": False}
    start = time.perf_counter()
    train.fit(eager_model, data, seed=0, progress=False, **eager_arguments)
    eager_seconds = time.perf_counter() - start
    same = [p.data for p in model.parameters()] == [p.data for p in eager_model.parameters()]
    if figures is not None:
        from tinygrad_lite import plot

        figures.mkdir(parents=True, exist_ok=True)
        plot.decision_boundary(model, data, figures / f"{name}-boundary.png")
        plot.history(history, figures / f"{name}-history.png")
    widths = "-".join(str(n) for n in [data.n_features, *model.nouts])
    test_accuracy = train.accuracy(model, data.X_test, data.y_test)
    return {
        "dataset": name,
        "model": f"MLP {widths} {settings.activation}",
        "recipe": (
            f"{settings.optimizer} lr {settings.learning_rate}, batch {settings.batch_size}, "
            f"{settings.schedule or 'constant'}"
        ),
        "points": f"{len(data.X_train)}/{len(data.X_test)}",
        "eager_seconds": eager_seconds,
        "same": same,
        "epochs": len(history.epochs),
        "seconds": seconds,
        "train": train.accuracy(model, data.X_train, data.y_train),
        "test": test_accuracy,
        "ok": test_accuracy >= BAR[name] and seconds < SECONDS,
    }


def sweep(names: list[str], rates: list[float]) -> None:
    """Test accuracy of every optimizer at every rate, with each data set's recipe."""
    loaded = {name: datasets.load(name, seed=0) for name in names}
    print("| optimizer | lr | " + " | ".join(names) + " | clears every bar |")
    print("|---|---:|" + "---:|" * len(names) + "---|")
    for optimizer, (_, default) in train.OPTIMIZERS.items():
        for lr in sorted({*rates, default}):
            accuracies = []
            for name in names:
                settings = train.default_settings(name)
                data = loaded[name]
                model = train.make_model(
                    data, settings.hidden, settings.activation, settings.loss, seed=0
                )
                arguments = {**settings.fit_arguments(), "optimizer": optimizer, "lr": lr}
                train.fit(model, data, seed=0, progress=False, **arguments)
                accuracies.append(train.accuracy(model, data.X_test, data.y_test))
            ok = all(a >= BAR[n] for a, n in zip(accuracies, names, strict=True))
            mark = f"{lr:g}" + (" (default)" if lr == default else "")
            cells = " | ".join(f"{a:.3f}" for a in accuracies)
            print(f"| {optimizer} | {mark} | {cells} | {'yes' if ok else 'no'} |", flush=True)


class _Net(Module):
    """The demo network as a custom Module."""

    def __init__(self) -> None:
        self.l1 = Layer(2, 16, seed=0)
        self.l2 = Layer(16, 16, seed=1)
        self.l3 = Layer(16, 1, activation=None, seed=2)

    def forward(self, x: Any) -> Any:
        return self.l3(self.l2.outputs(self.l1.outputs(x)))


def _median_ms(fn: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        gc.collect()
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return 1e3 * statistics.median(times)


def forward() -> None:
    """Forward-pass timings of the demo network in three spellings."""
    rng = random.Random(0)
    points = [[rng.uniform(-2, 2), rng.uniform(-2, 2)] for _ in range(100)]
    models: dict[str, Module] = {
        "MLP(2, [16, 16, 1])": MLP(2, [16, 16, 1], seed=0),
        "Sequential(Linear, ReLU, ...)": Sequential(
            Linear(2, 16, seed=0), ReLU(), Linear(16, 16, seed=1), ReLU(), Linear(16, 1, seed=2)
        ),
        "custom Module of 3 Layers": _Net(),
    }
    print("| model | forward, 100 points (ms) | parameters() (ms) |")
    print("|---|---:|---:|")
    for label, model in models.items():
        run = _median_ms(lambda m=model: [m(x) for x in points], 40)
        listing = _median_ms(model.parameters, 400)
        print(f"| {label} | {run:.2f} | {listing:.4f} |", flush=True)
    # The decision-boundary figure's grid: 200 x 200 points through the moons
    # model, on plain floats (train.predict) and as Values under no_grad.
    from tinygrad_lite import Value, no_grad

    moons = MLP(2, [16, 16, 2], seed=0)
    grid = [[-2.0 + 4.0 * i / 199, -2.0 + 4.0 * j / 199] for i in range(200) for j in range(200)]

    def on_values() -> None:
        with no_grad():
            for point in grid:
                moons([Value(point[0]), Value(point[1])])

    floats = _median_ms(lambda: train.predict(moons, grid), 3) / 1e3
    values = _median_ms(on_values, 3) / 1e3
    print()
    print("| 200 x 200 grid, moons model MLP 2-16-16-2 | seconds |")
    print("|---|---:|")
    print(f"| train.predict (plain floats) | {floats:.2f} |")
    print(f"| the model on Values under no_grad | {values:.2f} |")
    print(f"| ratio | {values / floats:.1f}x |", flush=True)


def main() -> int:
    """Run every data set, print the table; 1 when a run misses the bar."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--figures", type=Path, help="also write the figures into this directory")
    parser.add_argument("--datasets", default=",".join(BAR), help="comma-separated names")
    parser.add_argument("--optimizers", action="store_true", help="sweep the learning rates")
    parser.add_argument("--rates", default="0.003,0.01,0.03,0.1,0.3,1", help="for --optimizers")
    parser.add_argument("--forward", action="store_true", help="time forward passes")
    args = parser.parse_args()
    names = args.datasets.split(",")
    print(f"# Python {platform.python_version()}, {platform.machine()}")
    if args.forward:
        forward()
        return 0
    if args.optimizers:
        sweep(names, [float(rate) for rate in args.rates.split(",")])
        return 0
    print("# default recipes, seed 0")
    print()
    print(
        "| data set | model | recipe | train/test points | epochs | seconds "
        "| seconds, compile=False | same weights | train acc | test acc | bar |"
    )
    print("|---|---|---|---|---:|---:|---:|---|---:|---:|---|")
    failed = False
    for name in names:
        row = run(name, args.figures)
        failed |= not row["ok"]
        verdict = f"{'ok' if row['ok'] else 'MISSED'} (≥ {BAR[name]:.2f}, < {SECONDS:.0f} s)"
        print(
            f"| {row['dataset']} | {row['model']} | {row['recipe']} | {row['points']} "
            f"| {row['epochs']} | {row['seconds']:.1f} | {row['eager_seconds']:.1f} "
            f"| {'yes' if row['same'] else 'NO'} | {row['train']:.3f} "
            f"| {row['test']:.3f} | {verdict} |",
            flush=True,
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
