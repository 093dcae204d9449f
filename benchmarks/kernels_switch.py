"""micrograd's demo step with generated code on and off, against micrograd, in one process.

``make bench`` (``run.py``) measures every workload; this measures the one
the readable-core work can change, the moons step of micrograd's own demo
loop, four ways taking turns round by round (so the ratios hold on a
drifting machine): micrograd 0.1.0, tinygrad_lite eager with generated
kernels (the default), eager with ``use_kernels(False)`` (the reference
loop of ``engine/backward.py``), and the compiled ``Graph``. It prints the
median step time of each and its ratio to micrograd's.

Usage: ``python benchmarks/kernels_switch.py [--rounds N] [--root DIR]``;
``--root`` runs another checkout's package (an older version has no
``use_kernels``: that row is left out).
"""

from __future__ import annotations

import argparse
import statistics
import sys
from contextlib import nullcontext
from pathlib import Path
from typing import Any


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15, help="turns of every implementation")
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parent.parent)
    args = parser.parse_args()
    root = args.root.resolve()
    sys.path.insert(0, str(root))
    import tinygrad_lite  # first, so that run.py's own path does not pick another copy
    from tinygrad_lite import Value

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import run  # the suite's own workloads: the same demo step, data and weights

    switch = getattr(tinygrad_lite, "use_kernels", None)
    features, labels = run.moons_data()
    plan: list[tuple[str, Any, int]] = []
    if run.micrograd_engine is not None:
        micro = run.demo_step(run.micrograd_engine.Value, run.micrograd_model(), features, labels)
        plan.append(("micrograd", micro, 1))
    eager = run.demo_step(Value, run._tinygrad_model(), features, labels)
    plan.append(("eager, kernels on", eager, 3))
    if switch is not None:
        reference = run.demo_step(Value, run._tinygrad_model(), features, labels)

        def reference_step() -> float:
            with switch(False) if switch is not None else nullcontext():
                result: float = reference()
            return result

        plan.append(("eager, kernels off", reference_step, 3))
    compiled, build = run.compiled_demo_step(features, labels)
    plan.append(("compiled Graph", compiled, 3))
    for _, step, _ in plan:  # warm-up: kernels are made on first use
        step()
    times, _ = run.interleaved(args.rounds, plan)
    print(f"tinygrad_lite from {tinygrad_lite.__file__}")
    print(f"moons step of micrograd's demo loop, median of {args.rounds} rounds")
    base = statistics.median(times["micrograd"]) if "micrograd" in times else None
    for name, measured in times.items():
        median = statistics.median(measured)
        ratio = f"{base / median:7.1f}x micrograd" if base else ""
        print(f"  {name:20s} {median * 1e3:8.2f} ms  {ratio}")
    print(f"  (compiled Graph's one-time build: {build * 1e3:.1f} ms)")


if __name__ == "__main__":
    main()
