"""Accuracy and wall time of the default training recipe on every data set.

Usage::

    .venv/bin/python benchmarks/train.py [--figures docs] [--datasets moons,iris]

For each data set: load it (seed 0), build the model of
``tinygrad_lite.train.default_settings``, train it with ``fit`` (seed 0, no
progress bar) and print epochs, seconds and the final train/test
accuracies, as a Markdown table, against the quality bar (test accuracy
>= 0.95 iris, >= 0.97 moons and circles, >= 0.99 blobs, under 60 s per run).
Exits with status 1 when a run misses the bar. With ``--figures DIR`` it also
writes ``DIR/<dataset>-boundary.png`` and ``DIR/<dataset>-history.png`` from
the same runs (the README's figures).
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from pathlib import Path

from tinygrad_lite import datasets, train

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
            f"{settings.optimizer} lr {settings.lr}, batch {settings.batch_size}, "
            f"{settings.schedule or 'constant'}"
        ),
        "points": f"{len(data.X_train)}/{len(data.X_test)}",
        "epochs": len(history.epochs),
        "seconds": seconds,
        "train": train.accuracy(model, data.X_train, data.y_train),
        "test": test_accuracy,
        "ok": test_accuracy >= BAR[name] and seconds < SECONDS,
    }


def main() -> int:
    """Run every data set, print the table; 1 when a run misses the bar."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--figures", type=Path, help="also write the figures into this directory")
    parser.add_argument("--datasets", default=",".join(BAR), help="comma-separated names")
    args = parser.parse_args()
    names = args.datasets.split(",")
    print(f"# default recipes, seed 0 (Python {platform.python_version()}, {platform.machine()})")
    print()
    print(
        "| data set | model | recipe | train/test points | epochs | seconds "
        "| train acc | test acc | bar |"
    )
    print("|---|---|---|---|---:|---:|---:|---:|---|")
    failed = False
    for name in names:
        row = run(name, args.figures)
        failed |= not row["ok"]
        verdict = f"{'ok' if row['ok'] else 'MISSED'} (≥ {BAR[name]:.2f}, < {SECONDS:.0f} s)"
        print(
            f"| {row['dataset']} | {row['model']} | {row['recipe']} | {row['points']} "
            f"| {row['epochs']} | {row['seconds']:.1f} | {row['train']:.3f} "
            f"| {row['test']:.3f} | {verdict} |",
            flush=True,
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
