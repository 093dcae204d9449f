"""Naive per-variable gradients vs reverse accumulation on a 1-hidden-layer MLP loss.

The source document's fib1-vs-fib2 argument (README, "Where this comes from"),
measured. For a 2-H-1 tanh MLP and the squared error on one point, the full
gradient (all ``4H + 1`` parameters) is computed two ways on the *same*
expression:

* naive: :mod:`tinygrad_lite.naive`, one ``grad(w)`` tree walk per
  parameter, every shared factor re-evaluated (node visits counted by the
  naive engine);
* reverse: the tree converted once to a ``Value`` graph (:func:`to_value`,
  the forward pass) and one ``backward()`` (node visits = nodes built in the
  forward pass + nodes walked by backward).

Doubling H should about double the reverse cost and quadruple the naive one.
Run: ``python benchmarks/naive_vs_reverse.py``.
"""

from __future__ import annotations

import math
import random
import statistics
import time

from tinygrad_lite.engine import Value, topological_order
from tinygrad_lite.naive import Const, Expr, Square, Tanh, Var, gradient, reset_visits, to_value
from tinygrad_lite.naive import visits as naive_visits

WIDTHS = (2, 4, 8, 16, 32, 64)
REPEATS = 3


def mlp_loss(width: int, rng: random.Random) -> tuple[Expr, list[Var]]:
    """``(b2 + sum_j v_j tanh(w_j . x + b_j) - y)**2`` as a naive tree, and its parameters."""
    x = [Const(0.5), Const(-1.0)]
    params: list[Var] = []
    output: Expr = Var(0.0, "b2")
    params.append(output)  # type: ignore[arg-type]
    for j in range(width):
        w1, w2 = Var(rng.uniform(-1, 1), f"w{j}.0"), Var(rng.uniform(-1, 1), f"w{j}.1")
        b, v = Var(0.0, f"b{j}"), Var(rng.uniform(-1, 1), f"v{j}")
        params += [w1, w2, b, v]
        output = output + v * Tanh(w1 * x[0] + w2 * x[1] + b)
    return Square(output - 1.0), params


def naive_run(loss: Expr, params: list[Var]) -> tuple[float, int, list[float]]:
    reset_visits()
    start = time.perf_counter()
    grads = gradient(loss, params)
    seconds = time.perf_counter() - start
    return seconds, naive_visits(), grads


def reverse_run(loss: Expr, params: list[Var]) -> tuple[float, int, list[float]]:
    start = time.perf_counter()
    leaves: dict[Var, Value] = {}
    out = to_value(loss, leaves)
    out.backward()
    grads = [leaves[p].grad for p in params]
    seconds = time.perf_counter() - start
    graph = topological_order(out)
    interior = sum(1 for node in graph if not node.is_leaf)
    return seconds, len(graph) + interior, grads


def main() -> None:
    rng = random.Random(0)
    rows = []
    for width in WIDTHS:
        loss, params = mlp_loss(width, rng)
        naive_times, reverse_times = [], []
        for _ in range(REPEATS):
            n_seconds, n_visits, n_grads = naive_run(loss, params)
            r_seconds, r_visits, r_grads = reverse_run(loss, params)
            naive_times.append(n_seconds)
            reverse_times.append(r_seconds)
        worst = max(abs(a - b) for a, b in zip(n_grads, r_grads, strict=True))
        assert worst <= 1e-9 * (1 + max(abs(g) for g in n_grads)), worst
        rows.append(
            (
                width,
                len(params),
                statistics.median(naive_times),
                n_visits,
                statistics.median(reverse_times),
                r_visits,
            )
        )

    header = (
        f"{'width':>5} {'params':>6} {'naive ms':>10} {'naive visits':>13} "
        f"{'reverse ms':>10} {'rev visits':>10} {'naive/rev':>9} {'naive x':>7} {'rev x':>6}"
    )
    print("Full gradient of a 2-H-1 tanh MLP squared-error loss (median of 3 runs)")
    print(header)
    print("-" * len(header))
    previous: tuple[int, int, float, int, float, int] | None = None
    for row in rows:
        width, n_params, n_time, n_visits, r_time, r_visits = row
        if previous is None:
            naive_growth = reverse_growth = "-"
        else:
            naive_growth = f"{n_visits / previous[3]:.2f}"
            reverse_growth = f"{r_visits / previous[5]:.2f}"
        print(
            f"{width:>5} {n_params:>6} {n_time * 1e3:>10.2f} {n_visits:>13,} "
            f"{r_time * 1e3:>10.3f} {r_visits:>10,} {n_time / r_time:>8.0f}x "
            f"{naive_growth:>7} {reverse_growth:>6}"
        )
        previous = row
    first, last = rows[0], rows[-1]
    width_ratio = last[0] / first[0]
    naive_exponent = math.log(last[3] / first[3]) / math.log(width_ratio)
    reverse_exponent = math.log(last[5] / first[5]) / math.log(width_ratio)
    print(
        f"\n'naive x' / 'rev x': growth of node visits when the width doubles. "
        f"Visits grow as width^{naive_exponent:.2f} (naive) vs width^{reverse_exponent:.2f} "
        f"(reverse)."
    )


if __name__ == "__main__":
    main()
