"""The benchmark suite (``make bench``): tinygrad_lite against micrograd, a floor and numpy.

Workloads, each run side by side in this one process:

* **moons step** — micrograd's own demo loop, verbatim, as its users write it
  (:func:`demo_loop`): ``MLP(2, [16, 16, 1])``, 100 points of ``make_moons``
  given as fresh Values every step, ``(1 + -y*s).relu()`` losses summed with
  the builtin ``sum``, ``1e-4 * sum(p*p ...)``, ``zero_grad``, backward, and
  the in-place update. The same function runs micrograd's classes and ours;
  each step is timed whole (freeing the previous step's graph included).
* **deep chain** — ``x = x*0.999 + 0.001`` repeated N times (N = 1e4 … 1e6),
  forward and backward.
* **wide sum** — ``sum()`` of N = 1e5 leaves, forward and backward.
* **bytes per node** — memory held by a 1e5-step chain (tracemalloc).
* **Rosenbrock grad** — ``grad(rosenbrock)`` at 10,000 points, the functional
  API plain against ``jit=True`` (recorded once, replayed compiled).

Implementations: micrograd 0.1.0 (when installed), tinygrad_lite eager,
tinygrad_lite compiled (:class:`tinygrad_lite.graph.Graph`: built once, the
one-time cost reported separately), the hand-written pure-Python float floor
(the same arithmetic with ordinary loops), and numpy for reference.

Every number is the median of repeated runs after a warm-up, with the
garbage collector at its defaults; the spread (min–max) is printed too.
Between workloads, and between the turns of the moons step's interleaved
implementations, ``gc.collect()`` runs off the clock, so that no
implementation's garbage is collected on another's time.
Results go to ``benchmarks/results.json`` and ``docs/benchmarks.png``.

Usage: ``python benchmarks/run.py [--quick]``.
"""

from __future__ import annotations

import argparse
import gc
import itertools
import json
import platform
import random
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tinygrad_lite import Value, total  # noqa: E402
from tinygrad_lite.graph import Graph  # noqa: E402

try:
    import micrograd.engine as micrograd_engine
    import micrograd.nn as micrograd_nn
except ImportError:  # the column is skipped
    micrograd_engine = None
    micrograd_nn = None

HIDDEN = (16, 16)
ALPHA = 1e-4


def measure(fn: Callable[[], Any], repeats: int, warmup: int = 1) -> dict[str, float]:
    """Median, min and max wall time of ``fn()`` in seconds, after ``warmup`` calls."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
        # NOTE: the graph is freed after the clock stops: the workloads time
        # forward + backward (micrograd's graphs, being cycles, are freed by
        # the collector later, wherever it runs).
        del result
    return {"median": statistics.median(times), "min": min(times), "max": max(times)}


# ---------------------------------------------------------------------------
# The moons step.


def moons_data() -> tuple[list[list[float]], list[float]]:
    from sklearn.datasets import make_moons

    features, labels = make_moons(n_samples=100, noise=0.1, random_state=1)
    return [[float(a), float(b)] for a, b in features], [float(2 * c - 1) for c in labels]


def initial_weights(seed: int = 1337) -> list[tuple[list[list[float]], list[float]]]:
    """Per layer: (weights[out][in], biases[out]), micrograd's U(-1, 1) init."""
    rng = random.Random(seed)
    sizes = [2, *HIDDEN, 1]
    return [
        (
            [[rng.uniform(-1, 1) for _ in range(nin)] for _ in range(nout)],
            [0.0] * nout,
        )
        for nin, nout in itertools.pairwise(sizes)
    ]


def _flat(weights: list[tuple[list[list[float]], list[float]]]) -> list[float]:
    """Parameters in micrograd's order: each neuron's weights then its bias."""
    flat: list[float] = []
    for rows, biases in weights:
        for row, bias in zip(rows, biases, strict=True):
            flat.extend(row)
            flat.append(bias)
    return flat


def _load(params: list[Any], weights: list[tuple[list[list[float]], list[float]]]) -> None:
    for p, number in zip(params, _flat(weights), strict=True):
        p.data = number


def demo_step(
    value_type: Any,
    model: Any,
    X: list[list[float]],  # noqa: N803 (the demo's own names)
    y: list[float],
) -> Callable[[], float]:
    """One step of micrograd's demo training loop per call, as its README writes it.

    The body is the user's loop body, untouched (``k`` counts the calls, as
    the loop's ``for k in range(steps)`` does): it is the workload. The
    previous step's graph is freed inside the call, as it is inside the loop.
    """
    Value = value_type  # noqa: N806 (the demo's own name)
    k = 0

    def step() -> float:
        nonlocal k
        inputs = [list(map(Value, xrow)) for xrow in X]
        scores = list(map(model, inputs))
        losses = [(1 + -yi * scorei).relu() for yi, scorei in zip(y, scores)]  # noqa: B905
        data_loss = sum(losses) * (1.0 / len(losses))
        alpha = 1e-4
        reg_loss = alpha * sum((p * p for p in model.parameters()))  # noqa: UP034
        total_loss = data_loss + reg_loss
        model.zero_grad()
        total_loss.backward()
        learning_rate = 1.0 - 0.9 * k / 100
        for p in model.parameters():
            p.data -= learning_rate * p.grad
        k += 1
        return float(total_loss.data)

    return step


def _stats(times: list[float]) -> dict[str, float]:
    return {"median": statistics.median(times), "min": min(times), "max": max(times)}


def micrograd_model() -> Any:
    assert micrograd_nn is not None
    model = micrograd_nn.MLP(2, [*HIDDEN, 1])
    _load(model.parameters(), initial_weights())
    return model


def compiled_demo_step(
    features: list[list[float]], labels: list[float]
) -> tuple[Callable[[], float], float]:
    """The demo's graph recorded once over its input Values; each call replays one step.

    Returns:
        The step and the one-time build (record + compile) in seconds.
    """
    start = time.perf_counter()
    model = _tinygrad_model()
    params = model.parameters()
    inputs = [list(map(Value, row)) for row in features]
    scores = list(map(model, inputs))
    losses = [(1 + -yi * si).relu() for yi, si in zip(labels, scores, strict=True)]
    total_loss = sum(losses) * (1.0 / len(losses)) + ALPHA * sum(p * p for p in params)
    graph = Graph(total_loss, [v for row in inputs for v in row])
    build = time.perf_counter() - start
    batch = [v for row in features for v in row]
    k = 0

    def step() -> float:
        nonlocal k
        value = graph.forward(batch)
        for p in params:
            p.grad = 0.0
        graph.backward()
        learning_rate = 1.0 - 0.9 * k / 100
        for p in params:
            p.data -= learning_rate * p.grad
        k += 1
        return value

    return step, build


def interleaved(
    rounds: int, plan: list[tuple[str, Callable[[], Any], int]]
) -> tuple[dict[str, list[float]], dict[str, list[Any]]]:
    """Time every step of ``plan``'s workloads, taking turns round by round.

    A noisy machine speeds up and slows down over seconds; taking turns gives
    every implementation the same share of good and bad moments, so the
    ratios between them hold even when the absolute times drift.

    Returns:
        Per name, the seconds of each call in order, and what each call returned.
    """
    times: dict[str, list[float]] = {name: [] for name, _, _ in plan}
    results: dict[str, list[Any]] = {name: [] for name, _, _ in plan}
    for _ in range(rounds):
        for name, step, calls in plan:
            for _ in range(calls):
                start = time.perf_counter()
                result = step()
                times[name].append(time.perf_counter() - start)
                results[name].append(result)
                del result
            # NOTE: off the clock, so that one implementation's garbage is not
            # collected on the next one's time. micrograd's graphs are cycles
            # that only the collector frees: without this, a full collection
            # of them lands inside whichever turn comes next (doubling eager's
            # median). micrograd is not charged for it either, which flatters
            # micrograd, not us.
            gc.collect()
    return times, results


def _tinygrad_model() -> Any:
    from tinygrad_lite.nn import MLP

    model = MLP(2, [*HIDDEN, 1])
    _load(model.parameters(), initial_weights())
    return model


def floor_step(
    features: list[list[float]], labels: list[float], skip_inactive: bool = False
) -> Callable[[], float]:
    """The same forward, backward and update hand-written on floats with plain loops.

    With ``skip_inactive=False`` it does the graph's arithmetic (a dead relu
    or a satisfied margin multiplies its gradient by 0); with True it skips
    those units, which a hand-optimizer would do and a graph cannot.
    """
    weights = initial_weights()
    (w1, b1), (w2, b2), (w3, b3) = weights
    n = len(features)

    def step() -> float:
        gw1 = [[0.0] * len(row) for row in w1]
        gb1 = [0.0] * len(b1)
        gw2 = [[0.0] * len(row) for row in w2]
        gb2 = [0.0] * len(b2)
        gw3 = [[0.0] * len(row) for row in w3]
        gb3 = [0.0] * len(b3)
        data_loss = 0.0
        for x, label in zip(features, labels, strict=True):
            z1 = [
                b + sum(w * xi for w, xi in zip(row, x, strict=True))
                for row, b in zip(w1, b1, strict=True)
            ]
            h1 = [z if z > 0.0 else 0.0 for z in z1]
            z2 = [
                b + sum(w * hi for w, hi in zip(row, h1, strict=True))
                for row, b in zip(w2, b2, strict=True)
            ]
            h2 = [z if z > 0.0 else 0.0 for z in z2]
            score = b3[0] + sum(w * hi for w, hi in zip(w3[0], h2, strict=True))
            margin = 1.0 - label * score
            if margin > 0.0:
                data_loss += margin
            elif skip_inactive:
                continue
            # backward: d loss / d score = -label / n where the margin is active
            gs = -label / n * (1.0 if margin > 0.0 else 0.0)
            gb3[0] += gs
            gh2 = [0.0] * len(h2)
            for j, hj in enumerate(h2):
                gw3[0][j] += gs * hj
                gh2[j] = gs * w3[0][j]
            gh1 = [0.0] * len(h1)
            for j, row in enumerate(w2):
                if skip_inactive and z2[j] <= 0.0:
                    continue
                g = gh2[j] * (1.0 if z2[j] > 0.0 else 0.0)
                gb2[j] += g
                grow = gw2[j]
                for k, hk in enumerate(h1):
                    grow[k] += g * hk
                    gh1[k] += g * row[k]
            for j in range(len(w1)):
                if skip_inactive and z1[j] <= 0.0:
                    continue
                g = gh1[j] * (1.0 if z1[j] > 0.0 else 0.0)
                gb1[j] += g
                gw1[j][0] += g * x[0]
                gw1[j][1] += g * x[1]
        reg = 0.0
        for rows, biases, grows, gbiases in (
            (w1, b1, gw1, gb1),
            (w2, b2, gw2, gb2),
            (w3, b3, gw3, gb3),
        ):
            for row, grow in zip(rows, grows, strict=True):
                for k, w in enumerate(row):
                    reg += w * w
                    grow[k] += 2.0 * ALPHA * w
                    row[k] = w - 0.5 * grow[k]
            for k, b in enumerate(biases):
                reg += b * b
                gbiases[k] += 2.0 * ALPHA * b
                biases[k] = b - 0.5 * gbiases[k]
        return data_loss / n + ALPHA * reg

    return step


def numpy_step(features: list[list[float]], labels: list[float]) -> Callable[[], float]:
    import numpy as np

    weights = [(np.array(rows), np.array(biases)) for rows, biases in initial_weights()]
    x = np.array(features)
    y = np.array(labels)
    n = len(labels)

    def step() -> float:
        (w1, b1), (w2, b2), (w3, b3) = weights
        z1 = x @ w1.T + b1
        h1 = np.maximum(z1, 0.0)
        z2 = h1 @ w2.T + b2
        h2 = np.maximum(z2, 0.0)
        score = (h2 @ w3.T + b3)[:, 0]
        margin = 1.0 - y * score
        active = margin > 0.0
        reg = sum(float((w * w).sum() + (b * b).sum()) for w, b in weights)
        loss = float(margin[active].sum()) / n + ALPHA * reg
        gs = np.where(active, -y / n, 0.0)[:, None]
        gw3 = gs.T @ h2
        gb3 = gs.sum(0)
        gz2 = (gs @ w3) * (z2 > 0.0)
        gw2 = gz2.T @ h1
        gb2 = gz2.sum(0)
        gz1 = (gz2 @ w2) * (z1 > 0.0)
        gw1 = gz1.T @ x
        gb1 = gz1.sum(0)
        for (w, b), (gw, gb) in zip(weights, ((gw1, gb1), (gw2, gb2), (gw3, gb3)), strict=True):
            w -= 0.5 * (gw + 2.0 * ALPHA * w)
            b -= 0.5 * (gb + 2.0 * ALPHA * b)
        return loss

    return step


# ---------------------------------------------------------------------------
# Deep chain and wide sum.


def chain(value_type: Any, n: int) -> Callable[[], Any]:
    def run() -> Any:
        x = value_type(0.5)
        v = x
        for _ in range(n):
            v = v * 0.999 + 0.001
        v.backward()
        return v

    return run


def _without_gc(fn: Callable[[], Any]) -> Callable[[], Any]:
    """``fn`` with the cycle collector paused: shows how much of a cost is the collector's."""

    def run() -> Any:
        gc.disable()
        try:
            return fn()
        finally:
            gc.enable()

    return run


def chain_compiled(n: int) -> tuple[Callable[[], None], float]:
    start = time.perf_counter()
    x = Value(0.5)
    v = x
    for _ in range(n):
        v = v * 0.999 + 0.001
    graph = Graph(v, [x])
    build = time.perf_counter() - start

    def run() -> None:
        graph.forward([0.5])
        x.grad = 0.0
        graph.backward()

    return run, build


def chain_floor(n: int) -> Callable[[], None]:
    def run() -> None:
        values = [0.5]
        v = 0.5
        for _ in range(n):
            v = v * 0.999 + 0.001
            values.append(v)
        g = 1.0
        for _ in range(n):
            g = g * 0.999
        values.append(g)

    return run


def wide(value_type: Any, n: int, use_total: bool = False) -> Callable[[], Any]:
    def run() -> Any:
        leaves = [value_type(i * 1e-5) for i in range(n)]
        s = total(leaves) if use_total else sum(leaves)
        s.backward()
        return s

    return run


def wide_floor(n: int) -> Callable[[], None]:
    def run() -> None:
        leaves = [i * 1e-5 for i in range(n)]
        s = 0.0
        for x in leaves:
            s += x
        grads = [1.0 for _ in leaves]
        grads.append(s)

    return run


def rosenbrock(p: Any) -> Any:
    return (1 - p[0]) ** 2 + 100 * (p[1] - p[0] ** 2) ** 2


def rosenbrock_points(n: int) -> list[list[float]]:
    rng = random.Random(0)
    return [[rng.uniform(-2.0, 2.0), rng.uniform(-1.0, 3.0)] for _ in range(n)]


def rosenbrock_gradients(points: list[list[float]], jit: bool) -> Callable[[], list[Any]]:
    """``grad(rosenbrock)`` at every point, plain or with ``jit=True`` (first call included)."""
    from tinygrad_lite import grad

    def run() -> list[Any]:
        gradient = grad(rosenbrock, jit=jit)  # NOTE: a fresh function: its recording is timed
        return [gradient(point) for point in points]

    return run


def bytes_per_node(value_type: Any, n: int) -> float:
    """Bytes held per op node by an n-step chain (2 ops per step), after backward."""
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    x = value_type(0.5)
    v = x
    for _ in range(n):
        v = v * 0.999 + 0.001
    v.backward()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    del v, x
    return (after - before) / (2 * n)


# ---------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats, no 1e6 chain")
    parser.add_argument("--out", default=str(ROOT / "benchmarks" / "results.json"))
    parser.add_argument("--figure", default=str(ROOT / "docs" / "benchmarks.png"))
    args = parser.parse_args()
    sys.setrecursionlimit(10**7)  # micrograd's recursive topological sort
    repeats = 3 if args.quick else 7
    have_micrograd = micrograd_engine is not None
    results: dict[str, Any] = {
        "python": platform.python_version(),
        "machine": platform.machine(),
        "micrograd": have_micrograd,
        "workloads": {},
    }
    rows: list[tuple[str, str, dict[str, float], str]] = []

    def record(workload: str, impl: str, stats: dict[str, float], unit: str = "ms") -> None:
        gc.collect()  # start the next measurement without this one's garbage
        results["workloads"].setdefault(workload, {})[impl] = stats
        rows.append((workload, impl, stats, unit))
        print(
            f"  {workload:<16} {impl:<22} median {stats['median'] * 1e3:10.3f} ms"
            f"  (min {stats['min'] * 1e3:.3f}, max {stats['max'] * 1e3:.3f})",
            flush=True,
        )

    print("== moons step: micrograd's demo loop, verbatim (MLP 2-16-16-1, 100 points)")
    features, labels = moons_data()
    compiled, build = compiled_demo_step(features, labels)
    results["compile_seconds"] = build
    print(f"  (one-time Graph build + compile: {build:.3f} s)")
    plan: list[tuple[str, Callable[[], Any], int]] = []
    if have_micrograd:
        micrograd_step = demo_step(micrograd_engine.Value, micrograd_model(), features, labels)
        plan.append(("micrograd", micrograd_step, 1))
    plan += [
        ("tinygrad_lite eager", demo_step(Value, _tinygrad_model(), features, labels), 8),
        (
            "eager, gc disabled*",
            _without_gc(demo_step(Value, _tinygrad_model(), features, labels)),
            8,
        ),
        ("compiled", compiled, 10),
        ("float floor", floor_step(features, labels), 10),
        ("float floor, skips dead units", floor_step(features, labels, skip_inactive=True), 10),
        ("numpy", numpy_step(features, labels), 50),
    ]
    times, losses = interleaved(3 if args.quick else 6, plan)
    for name, _, _ in plan:
        if name == "compiled":
            record("moons step", "compiled, first 5 replays", _stats(times[name][:5]))
            record("moons step", "compiled, warm", _stats(times[name][20:]))
        else:
            warm = times[name][3:] if name.startswith(("tinygrad", "eager")) else times[name]
            record("moons step", name, _stats(warm))
    if have_micrograd:
        # NOTE: the first step's loss is computed from identical weights, so it
        # must match bit for bit. Later steps agree to rounding only: gradients
        # are summed in the order of each engine's topological sort, and
        # micrograd's (over a set of children) varies from run to run.
        first = [losses[name][0] for name in ("micrograd", "tinygrad_lite eager", "compiled")]
        first_same = first[0] == first[1] == first[2]
        later = max(
            abs(a - b) / abs(b)
            for a, b in zip(
                losses["micrograd"][1:3], losses["tinygrad_lite eager"][1:3], strict=True
            )
        )
        results["first_step_bit_identical"] = first_same
        results["later_steps_relative_difference"] = later
        print(f"  first-step loss bit-identical (micrograd, eager, compiled): {first_same}")
        print(f"  steps 2-3, largest relative difference from micrograd: {later:.1e}")

    sizes = [10_000, 100_000] if args.quick else [10_000, 100_000, 1_000_000]
    for n in sizes:
        name = f"chain {n:.0e}"
        print(f"== deep chain, N = {n} ({2 * n} ops)")
        few = 1 if n >= 1_000_000 else repeats
        if have_micrograd and n <= 100_000:
            record(name, "micrograd", measure(chain(micrograd_engine.Value, n), few))
        record(name, "tinygrad_lite eager", measure(chain(Value, n), few))
        record(name, "eager, gc disabled*", measure(_without_gc(chain(Value, n)), few))
        run, build = chain_compiled(n)
        record(name, "tinygrad_lite compiled", measure(run, few))
        record(name, "float floor", measure(chain_floor(n), few))

    print("== wide sum, N = 100000")
    if have_micrograd:
        record("wide sum 1e5", "micrograd", measure(wide(micrograd_engine.Value, 100_000), repeats))
    record("wide sum 1e5", "tinygrad_lite eager", measure(wide(Value, 100_000), repeats))
    record("wide sum 1e5", "tinygrad_lite total()", measure(wide(Value, 100_000, True), repeats))
    record("wide sum 1e5", "float floor", measure(wide_floor(100_000), repeats))

    print("== grad(rosenbrock) at 10,000 points: plain vs jit=True")
    points = rosenbrock_points(10_000)
    plain_gradients = rosenbrock_gradients(points, jit=False)()
    jit_gradients = rosenbrock_gradients(points, jit=True)()
    results["jit_equals_plain"] = plain_gradients == jit_gradients
    few = 1 if args.quick else 3
    record("rosenbrock grad 1e4", "plain grad()", measure(rosenbrock_gradients(points, False), few))
    record(
        "rosenbrock grad 1e4", "grad(jit=True)", measure(rosenbrock_gradients(points, True), few)
    )
    print(f"  jit gradients equal plain ones bit for bit: {results['jit_equals_plain']}")

    memory = {"tinygrad_lite": bytes_per_node(Value, 100_000)}
    if have_micrograd:
        memory["micrograd"] = bytes_per_node(micrograd_engine.Value, 100_000)
    results["bytes_per_node"] = memory

    print()
    print(_table(results))
    Path(args.out).write_text(json.dumps(results, indent=2) + "\n")
    print(f"\nwrote {args.out}")
    _figure(results, Path(args.figure))
    print(f"wrote {args.figure}")


def _table(results: dict[str, Any]) -> str:
    lines = [
        "| workload | implementation | median | spread | vs micrograd | vs floor |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for workload, impls in results["workloads"].items():
        base = impls.get("micrograd", {}).get("median")
        floor = impls.get("float floor", {}).get("median")
        for impl, stats in impls.items():
            median = stats["median"]
            spread = f"{stats['min'] * 1e3:.3g}–{stats['max'] * 1e3:.3g} ms"
            faster = f"{base / median:.1f}× faster" if base and impl != "micrograd" else ""
            versus_floor = f"{median / floor:.2f}×" if floor else ""
            lines.append(
                f"| {workload} | {impl} | {median * 1e3:.3f} ms | {spread} | {faster} | "
                f"{versus_floor} |"
            )
    memory = results["bytes_per_node"]
    lines.append("")
    lines.append(
        "* for attribution only: the same eager chain with the cycle collector paused; "
        "every other row runs with the garbage collector at its defaults."
    )
    lines.append(
        "Bytes per op node (1e5-step chain, after backward): "
        + ", ".join(f"{k} {v:.0f}" for k, v in memory.items())
    )
    jit = results["workloads"].get("rosenbrock grad 1e4", {})
    if len(jit) == 2:
        ratio = jit["plain grad()"]["median"] / jit["grad(jit=True)"]["median"]
        lines.append(f"grad(rosenbrock) at 10,000 points: jit=True is {ratio:.1f}x plain")
    if "first_step_bit_identical" in results:
        lines.append(
            "moons step: first-step loss bit-identical to micrograd: "
            f"{results['first_step_bit_identical']}; steps 2-3 within "
            f"{results['later_steps_relative_difference']:.1e} relative"
        )
    if "compile_seconds" in results:
        lines.append(
            f"One-time compile of the moons step graph: {results['compile_seconds']:.3f} s"
        )
    return "\n".join(lines)


def _figure(results: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    workloads = list(results["workloads"])
    impls = list(dict.fromkeys(impl for w in workloads for impl in results["workloads"][w]))
    colours = plt.get_cmap("tab20").colors
    fig, ax = plt.subplots(figsize=(12, 4.8))
    width = 0.11
    drawn: set[str] = set()
    for i, workload in enumerate(workloads):
        present = [impl for impl in impls if results["workloads"][workload].get(impl)]
        start = i - width * (len(present) - 1) / 2  # each group centred on its tick
        for k, impl in enumerate(present):
            median = results["workloads"][workload][impl]["median"] * 1e3
            colour = colours[impls.index(impl) % len(colours)]
            label = impl if impl not in drawn else None
            ax.bar(start + k * width, median, width, color=colour, label=label)
            drawn.add(impl)
    ax.set_yscale("log")
    ax.set_xticks(range(len(workloads)), workloads)
    ax.set_ylabel("median time per run (ms, log scale)")
    ax.set_title("tinygrad_lite benchmarks (lower is better)")
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)


if __name__ == "__main__":
    main()
