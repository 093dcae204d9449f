"""Newton's method vs gradient descent on the Rosenbrock function.

Run: ``python benchmarks/newton.py``. Both start at the classic point
``(-1.2, 1.0)`` and stop when ``|x - (1, 1)| < TOLERANCE``.

* Newton: ``x <- x - H(x)^-1 grad f(x)``, with ``grad`` and ``hessian`` from
  :mod:`tinygrad_lite.functional` and the 2x2 system solved by Cramer's rule.
* Gradient descent: ``x <- x - lr * grad f(x)`` with the fixed step ``lr``.

Prints both step counts (and wall times, for scale only).
"""

from __future__ import annotations

import math
import time

from tinygrad_lite import Value, grad, hessian

TOLERANCE = 1e-6
START = (-1.2, 1.0)
LEARNING_RATE = 1e-3  # at 2e-3 it still misses the tolerance after MAX_STEPS
MAX_STEPS = 200_000


def rosenbrock(p: list[Value]) -> Value:
    """``f(x, y) = (1 - x)**2 + 100 (y - x**2)**2``, minimum 0 at ``(1, 1)``."""
    return (1.0 - p[0]) ** 2 + 100.0 * (p[1] - p[0] ** 2) ** 2


def distance_to_minimum(x: float, y: float) -> float:
    """Euclidean distance from ``(x, y)`` to the minimizer ``(1, 1)``."""
    return math.hypot(x - 1.0, y - 1.0)


def newton(tolerance: float = TOLERANCE) -> int:
    """Steps of Newton's method until within ``tolerance`` of the minimum."""
    gradient, curvature = grad(rosenbrock), hessian(rosenbrock)
    x, y = START
    steps = 0
    while distance_to_minimum(x, y) >= tolerance and steps < MAX_STEPS:
        gx, gy = gradient([x, y])
        (a, b), (c, d) = curvature([x, y])
        determinant = a * d - b * c
        # [a b; c d]^-1 [gx; gy] by Cramer's rule
        x -= (d * gx - b * gy) / determinant
        y -= (a * gy - c * gx) / determinant
        steps += 1
    return steps


def gradient_descent(tolerance: float = TOLERANCE, lr: float = LEARNING_RATE) -> int:
    """Steps of fixed-step gradient descent until within ``tolerance`` of the minimum."""
    gradient = grad(rosenbrock)
    x, y = START
    steps = 0
    while distance_to_minimum(x, y) >= tolerance and steps < MAX_STEPS:
        gx, gy = gradient([x, y])
        x -= lr * gx
        y -= lr * gy
        steps += 1
    return steps


def main() -> None:
    """Print both step counts."""
    start = time.perf_counter()
    newton_steps = newton()
    newton_time = time.perf_counter() - start
    start = time.perf_counter()
    descent_steps = gradient_descent()
    descent_time = time.perf_counter() - start
    print(f"Rosenbrock from {START}, stop at |x - (1, 1)| < {TOLERANCE:g}")
    print(f"Newton (grad + hessian):       {newton_steps:7d} steps  ({newton_time:.3f} s)")
    print(
        f"gradient descent (lr={LEARNING_RATE:g}): {descent_steps:7d} steps  ({descent_time:.3f} s)"
    )


if __name__ == "__main__":
    main()
