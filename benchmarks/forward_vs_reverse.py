"""Forward vs reverse mode: the cost of the full Jacobian of f: R^n -> R^m.

Both modes run on the same op table and the same recorded graph:

* reverse, :func:`tinygrad_lite.jacobian`: one forward pass, then one
  backward pass per output (``m`` of them);
* forward, :func:`tinygrad_lite.jacfwd`: one forward pass, then one tangent
  sweep per input (``n`` of them).

The function is a small tanh network, the same shape for every (n, m)::

    h_j = tanh(b_j + sum_i W_ji x_i)   (j < 16),    y_k = c_k + sum_j V_kj h_j

so reverse mode should win for many inputs and one output, forward mode
for one input and many outputs. Each Jacobian is checked against the other
mode before it is timed. Every number is the median of repeated runs after a
warm-up (the spread, min-max, in brackets).

Run: ``python benchmarks/forward_vs_reverse.py``.
"""

from __future__ import annotations

import math
import random
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tinygrad_lite import Value, dot, jacfwd, jacobian  # noqa: E402

SHAPES = ((1, 100), (100, 1), (10, 10))
HIDDEN = 16
REPEATS = 15


def network(n: int, m: int, seed: int = 0) -> Callable[[Sequence[Value]], list[Value]]:
    """``f: R^n -> R^m``, a one-hidden-layer tanh network with fixed random weights."""
    rng = random.Random(seed)
    w = [[rng.gauss(0.0, 1.0 / math.sqrt(n)) for _ in range(n)] for _ in range(HIDDEN)]
    b = [rng.gauss(0.0, 0.1) for _ in range(HIDDEN)]
    v = [[rng.gauss(0.0, 1.0 / math.sqrt(HIDDEN)) for _ in range(HIDDEN)] for _ in range(m)]
    c = [rng.gauss(0.0, 0.1) for _ in range(m)]

    def f(x: Sequence[Value]) -> list[Value]:
        hidden = [dot(w[j], x, b[j]).tanh() for j in range(HIDDEN)]
        return [dot(v[k], hidden, c[k]) for k in range(m)]

    return f


def measure(function: Callable[[], Any]) -> tuple[float, float, float]:
    """Median, min and max seconds of ``function()`` over REPEATS runs after a warm-up."""
    function()
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), min(times), max(times)


def main() -> None:
    print(f"Full Jacobian of a {HIDDEN}-unit tanh network f: R^n -> R^m")
    version = sys.version.split()[0]
    print(f"(median of {REPEATS} runs after a warm-up, min-max in brackets; Python {version})")
    header = (
        f"{'n':>4} {'m':>4}  {'reverse (jacobian)':>24}  {'forward (jacfwd)':>24}  "
        f"{'reverse/forward':>15}  faster"
    )
    print(header)
    print("-" * len(header))
    rng = random.Random(1)
    for n, m in SHAPES:
        f = network(n, m)
        point = [rng.uniform(-1.0, 1.0) for _ in range(n)]
        reverse_jacobian = jacobian(f)(point)
        forward_jacobian = jacfwd(f)(point)
        worst = max(
            abs(a - b)
            for row_r, row_f in zip(reverse_jacobian, forward_jacobian, strict=True)
            for a, b in zip(row_r, row_f, strict=True)
        )
        assert worst <= 1e-12, f"the two modes disagree by {worst}"
        reverse = measure(lambda f=f, point=point: jacobian(f)(point))
        forward = measure(lambda f=f, point=point: jacfwd(f)(point))
        ratio = reverse[0] / forward[0]
        cells = [
            f"{t[0] * 1e3:7.2f} ms [{t[1] * 1e3:.2f}-{t[2] * 1e3:.2f}]" for t in (reverse, forward)
        ]
        winner = "forward" if ratio > 1.0 else "reverse"
        print(f"{n:>4} {m:>4}  {cells[0]:>24}  {cells[1]:>24}  {ratio:>14.2f}x  {winner}")


if __name__ == "__main__":
    main()
