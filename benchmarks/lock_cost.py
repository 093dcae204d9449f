"""What the graph lock costs a single thread.

``backward()`` holds :data:`tinygrad_lite.engine.walk.GRAPH_LOCK` (a
``threading.RLock``) while it sorts and walks the graph, so that concurrent
backward passes over shared nodes lose nothing. This script measures what
that lock costs when there is only one thread: the same workloads with the
real lock and with a do-nothing lock patched in its place, taking turns so
that the machine's drift hits both alike.

Workloads: ``backward()`` of a 3-node graph (where a fixed per-call cost
shows most), and one step of micrograd's demo loop (MLP 2-16-16-1 on 100
moons points; see ``benchmarks/run.py``).

Usage: ``python benchmarks/lock_cost.py [--quick]``.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT.parent))
sys.path.insert(0, str(ROOT))

import run  # noqa: E402  (benchmarks/run.py: the demo loop and its data)

from tinygrad_lite import Value  # noqa: E402
from tinygrad_lite.engine import value as value_module  # noqa: E402
from tinygrad_lite.engine import walk  # noqa: E402


class NoLock:
    """A context manager that does nothing: the engine as if it had no lock."""

    def __enter__(self) -> None:
        return None

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        return None


def use_lock(lock: Any) -> None:
    """Put ``lock`` where backward and the sort look it up."""
    walk.GRAPH_LOCK = lock
    value_module.GRAPH_LOCK = lock


def tiny() -> Callable[[], Any]:
    x, y = Value(2.0), Value(3.0)

    def run_once() -> Any:
        out = x * y + x
        out.backward()
        return out

    return run_once


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds")
    args = parser.parse_args()
    real = walk.GRAPH_LOCK
    features, labels = run.moons_data()
    workloads: list[tuple[str, Callable[[], Any], int, float, str]] = [
        ("backward of x*y + x (3 nodes)", tiny(), 20_000, 1e6, "µs"),
        (
            "micrograd's demo step (moons, MLP 2-16-16-1)",
            run.demo_step(Value, run._tinygrad_model(), features, labels),
            5,
            1e3,
            "ms",
        ),
    ]
    rounds = 6 if args.quick else 40
    print(f"Python {sys.version.split()[0]}, {rounds} rounds, turns taken lock / no lock")
    print("| workload | with the lock | without | lock / no lock | difference per call |")
    print("|---|---:|---:|---:|---:|")
    for name, step, calls, scale, unit in workloads:
        per_call: dict[str, list[float]] = {"lock": [], "none": []}
        turns = [("lock", real), ("none", NoLock())]
        for number in range(rounds):
            # NOTE: ABBA: each variant goes first in every other round.
            for key, lock in turns if number % 2 == 0 else turns[::-1]:
                use_lock(lock)
                step()  # warm
                start = time.perf_counter()
                for _ in range(calls):
                    step()
                per_call[key].append((time.perf_counter() - start) / calls)
                gc.collect()
        use_lock(real)
        with_lock = statistics.median(per_call["lock"]) * scale
        without = statistics.median(per_call["none"]) * scale
        difference = (with_lock - without) / scale * 1e6
        print(
            f"| {name} | {with_lock:.3f} {unit} | {without:.3f} {unit} | "
            f"{with_lock / without:.3f} | {difference:+.2f} µs |"
        )


if __name__ == "__main__":
    main()
