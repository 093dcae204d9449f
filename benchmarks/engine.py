"""Engine benchmark: forward+backward time and memory per op, tinygrad_lite vs micrograd.

Run with ``python benchmarks/engine.py`` (``--quick`` for a short smoke run).
Prints a markdown table. Workloads:

* chain: ``x = x * 0.999 + 0.001`` repeated N times (2 ops per step);
* sum: builtin ``sum()`` of N leaves (N additions);
* MLP: one step of a 2-16-16-1 ReLU network on a batch of 32 points with a
  hinge loss, built from plain Values (and, for tinygrad_lite, once more with
  ``dot()`` for each neuron's weighted sum).

"Per op" means per scalar operation of the plain expression: the number of
non-leaf nodes the plain ``*``/``+`` version builds in tinygrad_lite. Every
column of a row divides by the same count, so the ratio is a ratio of total
times. Time is the median over a few repeats of building the graph and running
``backward()``; dropping the graph afterwards is not timed. Memory is what the
graph keeps alive after the forward pass (``tracemalloc``, measured in a
separate, untimed run), divided by the same op count. The garbage collector
stays at its defaults, so micrograd pays for collecting its closure cycles as
it would in real use. micrograd 0.1.0 is optional: without it, its columns
say "n/a".
"""

from __future__ import annotations

import argparse
import gc
import itertools
import random
import statistics
import sys
import threading
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

from tinygrad_lite.engine import Value, dot, topological_order

try:
    from micrograd.engine import Value as MicrogradValue
except ImportError:  # optional: its column is skipped
    MicrogradValue = None

Build = Callable[[], tuple[Any, Callable[[], Any]]]
"""Set up the inputs (untimed); return (inputs, forward) where forward(...) makes the loss."""


# ---------------------------------------------------------------------------
# Workloads, written once for any Value class.


def chain(value_class: Any, n: int) -> Build:
    def setup() -> tuple[Any, Callable[[], Any]]:
        x0 = value_class(1.0)

        def forward() -> Any:
            x = x0
            for _ in range(n):
                x = x * 0.999 + 0.001
            return x

        return x0, forward

    return setup


def wide_sum(value_class: Any, n: int) -> Build:
    def setup() -> tuple[Any, Callable[[], Any]]:
        leaves = [value_class(random.uniform(-1.0, 1.0)) for _ in range(n)]
        return leaves, lambda: sum(leaves)

    return setup


BATCH = 32
SIZES = (2, 16, 16, 1)


def mlp(value_class: Any, use_dot: bool = False) -> Build:
    def setup() -> tuple[Any, Callable[[], Any]]:
        rng = random.Random(0)
        layers = [
            [
                ([value_class(rng.uniform(-1, 1)) for _ in range(fan_in)], value_class(0.0))
                for _ in range(fan_out)
            ]
            for fan_in, fan_out in itertools.pairwise(SIZES)
        ]
        points = [[rng.uniform(-2, 2), rng.uniform(-2, 2)] for _ in range(BATCH)]
        labels = [1.0 if x * y > 0 else -1.0 for x, y in points]

        def neuron(weights: list[Any], bias: Any, inputs: list[Any]) -> Any:
            if use_dot:
                return dot(weights, inputs, bias)
            # micrograd's Neuron: b + w1*x1 + w2*x2 + ...
            return sum((w * x for w, x in zip(weights, inputs, strict=True)), bias)

        def forward() -> Any:
            losses = []
            for point, label in zip(points, labels, strict=True):
                activations: list[Any] = point
                for depth, layer in enumerate(layers):
                    outputs = [neuron(w, b, activations) for w, b in layer]
                    last = depth == len(layers) - 1
                    activations = outputs if last else [o.relu() for o in outputs]
                score = activations[0]
                losses.append((1 + -label * score).relu())  # hinge loss
            return sum(losses) * (1.0 / len(losses))

        return layers, forward

    return setup


# ---------------------------------------------------------------------------
# Measuring.


def count_ops(build: Build) -> int:
    """Non-leaf nodes of the tinygrad_lite graph: the scalar ops of the expression."""
    _, forward = build()
    return len(topological_order(forward(), leaves=False))


def time_once(build: Build) -> float:
    inputs, forward = build()
    start = time.perf_counter()
    loss = forward()
    loss.backward()
    elapsed = time.perf_counter() - start
    del loss, inputs
    return elapsed


def bytes_retained(build: Build) -> int:
    inputs, forward = build()
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        loss = forward()
        after = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    del loss, inputs
    gc.collect()
    return after - before


def measure(build: Build, repeats: int) -> tuple[float, int]:
    """(median seconds, bytes retained) for one workload on one engine."""
    times = [time_once(build) for _ in range(repeats)]
    gc.collect()
    return statistics.median(times), bytes_retained(build)


def in_big_stack(function: Callable[[], Any]) -> Any:
    """Run in a thread with a large C stack: micrograd's sort and free recurse deeply."""
    result: list[Any] = []
    errors: list[BaseException] = []

    def target() -> None:
        try:
            result.append(function())
        except BaseException as error:  # re-raised in the caller below
            errors.append(error)

    old_size = threading.stack_size(512 * 1024 * 1024)
    try:
        thread = threading.Thread(target=target)
        thread.start()
        thread.join()
    finally:
        threading.stack_size(old_size)
    if errors:
        raise errors[0]
    return result[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, one repeat")
    args = parser.parse_args()
    random.seed(0)
    sys.setrecursionlimit(10_000_000)  # micrograd's recursive topological sort

    chain_sizes = [10_000, 100_000, 1_000_000] if not args.quick else [1_000, 10_000]
    sum_size = 100_000 if not args.quick else 10_000
    micrograd_chain_limit = 100_000
    rows: list[tuple[str, Build, Build | None, Build | None, int]] = []
    for n in chain_sizes:
        repeats = 1 if args.quick else (3 if n >= 1_000_000 else 5)
        rows.append(
            (
                f"chain x = x*0.999 + 0.001, N = {n:.0e}",
                chain(Value, n),
                chain(Value, n),
                chain(MicrogradValue, n) if n <= micrograd_chain_limit else None,
                repeats,
            )
        )
    rows.append(
        (
            f"builtin sum() of N = {sum_size:.0e} leaves",
            wide_sum(Value, sum_size),
            wide_sum(Value, sum_size),
            wide_sum(MicrogradValue, sum_size),
            1 if args.quick else 5,
        )
    )
    mlp_repeats = 1 if args.quick else 7
    rows.append(
        (
            f"MLP 2-16-16-1 step, batch {BATCH}, plain * +",
            mlp(Value),
            mlp(Value),
            mlp(MicrogradValue),
            mlp_repeats,
        )
    )
    rows.append(
        (
            f"MLP 2-16-16-1 step, batch {BATCH}, dot()",
            mlp(Value),
            mlp(Value, use_dot=True),
            mlp(MicrogradValue),
            mlp_repeats,
        )
    )

    have_micrograd = MicrogradValue is not None
    print(f"Python {sys.version.split()[0]}, gc at defaults, micrograd: ", end="")
    print("0.1.0" if have_micrograd else "not installed (its columns are n/a)")
    print(
        "per op = per scalar operation of the plain expression (non-leaf nodes of the "
        "plain tinygrad_lite graph; a chain step is 2 ops); time = median of build + "
        "backward; bytes = memory the graph keeps alive after the forward pass.\n"
    )
    header = (
        "| workload | ops | tinygrad_lite µs/op | micrograd µs/op | micrograd / tinygrad_lite "
        "| tinygrad_lite bytes/op | micrograd bytes/op |"
    )
    print(header)
    print("|" + "---|" * 7)
    for name, counted, ours, theirs, repeats in rows:
        ops = count_ops(counted)
        our_time, our_bytes = measure(ours, repeats)
        if have_micrograd and theirs is not None:
            micrograd_build = theirs
            their_time, their_bytes = in_big_stack(
                lambda build=micrograd_build, r=repeats: measure(build, r)
            )
            their_us = f"{their_time / ops * 1e6:.3f}"
            ratio = f"{their_time / our_time:.1f}×"
            their_b = f"{their_bytes / ops:.0f}"
        else:
            their_us = ratio = their_b = "n/a"
        print(
            f"| {name} | {ops:,} | {our_time / ops * 1e6:.3f} | {their_us} | {ratio} "
            f"| {our_bytes / ops:.0f} | {their_b} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
