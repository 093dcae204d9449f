# %% [markdown]
# # 3. Naive vs reverse: what one backward pass saves
#
# Notebook 02 retold the source document's argument (the Tiny Grader part of
# *Tiny Machine Learner*, see [where this comes from](01_finite_differences.ipynb#Where-this-comes-from)):
# asking every weight separately for its derivative (the naive engine)
# repeats work like its naive Fibonacci `fib1`, while reverse accumulation
# does each piece once, like its `fib2`. The source document argues it; here
# we **measure** it: the full gradient of the squared error of a small
# network, computed both ways on the *same* expression, as the network grows
# wider.
#
# The network is a 2-H-1 tanh MLP on one point,
#
# $$L = \Big(b_2 + \sum_{j=1}^{H} v_j \tanh(w_{j1} x_1 + w_{j2} x_2 + b_j) - y\Big)^2,$$
#
# with $4H + 1$ parameters. (The same measurement as
# `benchmarks/naive_vs_reverse.py`, which stops at $H = 64$.)

# %%
%matplotlib inline
%config InlineBackend.figure_formats = ["png"]
import math
import random
import statistics
import time

import matplotlib.pyplot as plt

from tinygrad_lite import topological_order
from tinygrad_lite.naive import Const, Square, Tanh, Var, gradient, reset_visits, to_value, visits

plt.rcParams.update({"figure.dpi": 80, "savefig.dpi": 80})

# %%
def mlp_loss(width, rng):
    """The loss above as a naive expression tree, and its parameters."""
    x = [Const(0.5), Const(-1.0)]
    b2 = Var(0.0, "b2")
    params = [b2]
    output = b2
    for j in range(width):
        w1, w2 = Var(rng.uniform(-1, 1), f"w{j}.1"), Var(rng.uniform(-1, 1), f"w{j}.2")
        b, v = Var(0.0, f"b{j}"), Var(rng.uniform(-1, 1), f"v{j}")
        params += [w1, w2, b, v]
        output = output + v * Tanh(w1 * x[0] + w2 * x[1] + b)
    return Square(output - 1.0), params


def naive_gradient(loss, params):
    """One grad(p) walk over the whole tree per parameter."""
    reset_visits()
    start = time.perf_counter()
    grads = gradient(loss, params)
    return time.perf_counter() - start, visits(), grads


def reverse_gradient(loss, params):
    """Build the Value graph once (the forward pass), then one backward()."""
    start = time.perf_counter()
    leaves = {}
    out = to_value(loss, leaves)
    out.backward()
    grads = [leaves[p].grad for p in params]
    seconds = time.perf_counter() - start
    nodes = topological_order(out)
    # work = nodes built by the forward pass + operations walked by backward
    work = len(nodes) + sum(1 for node in nodes if not node.is_leaf)
    return seconds, work, grads

# %% [markdown]
# First, both give the same numbers:

# %%
loss, params = mlp_loss(3, random.Random(0))
_, _, naive_grads = naive_gradient(loss, params)
_, _, reverse_grads = reverse_gradient(loss, params)
for p, a, b in list(zip(params, naive_grads, reverse_grads))[:5]:
    print(f"{p.name:5s} naive {a:+.12f}   reverse {b:+.12f}")
print("largest difference:", max(abs(a - b) for a, b in zip(naive_grads, reverse_grads)))

# %% [markdown]
# ## Measure as the width grows
#
# For each width we take the median time of three runs and count the work:
# for the naive engine every `value()` and `grad()` call, for reverse mode
# every node built plus every node walked backward.

# %%
widths = [2, 4, 8, 16, 32, 64, 128]
rng = random.Random(0)
rows = []
for width in widths:
    loss, params = mlp_loss(width, rng)
    naive_runs = [naive_gradient(loss, params) for _ in range(3)]
    reverse_runs = [reverse_gradient(loss, params) for _ in range(3)]
    n_grads, r_grads = naive_runs[0][2], reverse_runs[0][2]
    assert max(abs(a - b) for a, b in zip(n_grads, r_grads)) < 1e-9
    rows.append((width, len(params),
                 statistics.median(r[0] for r in naive_runs), naive_runs[0][1],
                 statistics.median(r[0] for r in reverse_runs), reverse_runs[0][1]))

print(f"{'width':>5} {'params':>6} {'naive ms':>9} {'naive visits':>13} {'reverse ms':>10} {'rev visits':>10} {'speed-up':>8}")
for width, n_params, n_time, n_visits, r_time, r_visits in rows:
    print(f"{width:5d} {n_params:6d} {n_time * 1e3:9.2f} {n_visits:13,d} {r_time * 1e3:10.3f} {r_visits:10,d} {n_time / r_time:7.0f}x")

# %% [markdown]
# ## Log-log plot
#
# On log-log axes a power law $c \cdot H^k$ is a straight line of slope $k$.

# %%
def slope(xs, ys):
    """Least-squares slope of log(ys) against log(xs)."""
    lx, ly = [math.log(v) for v in xs], [math.log(v) for v in ys]
    mx, my = sum(lx) / len(lx), sum(ly) / len(ly)
    return sum((a - mx) * (b - my) for a, b in zip(lx, ly)) / sum((a - mx) ** 2 for a in lx)


naive_visits = [r[3] for r in rows]
reverse_visits = [r[5] for r in rows]
naive_ms = [r[2] * 1e3 for r in rows]
reverse_ms = [r[4] * 1e3 for r in rows]

fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
left.loglog(widths, naive_visits, "o-", label=f"naive  (slope {slope(widths, naive_visits):.2f})")
left.loglog(widths, reverse_visits, "s-", label=f"reverse (slope {slope(widths, reverse_visits):.2f})")
left.set_title("work: node visits for the full gradient")
right.loglog(widths, naive_ms, "o-", label=f"naive  (slope {slope(widths, naive_ms):.2f})")
right.loglog(widths, reverse_ms, "s-", label=f"reverse (slope {slope(widths, reverse_ms):.2f})")
right.set_title("time (ms, median of 3)")
for ax in (left, right):
    ax.set_xlabel("hidden width H")
    ax.set_xticks(widths, [str(w) for w in widths])
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize="small")
plt.show()
print(f"log-log slopes: work naive {slope(widths, naive_visits):.2f}, reverse "
      f"{slope(widths, reverse_visits):.2f};  time naive {slope(widths, naive_ms):.2f}, "
      f"reverse {slope(widths, reverse_ms):.2f}")

# %% [markdown]
# Doubling the width **quadruples** the naive work (slope ≈ 2): there are
# twice as many parameters, and each `grad(p)` walks a tree twice as big,
# re-evaluating every shared factor, like `fib1`. Reverse accumulation only
# **doubles** (slope ≈ 1): one forward pass and one backward pass, each
# visiting every node once, like `fib2`. The cost of the full gradient is a
# small constant times the cost of computing the loss itself, however many
# parameters there are. That constant factor is why every deep-learning
# framework differentiates in reverse mode.
#
# (Timings on a shared machine are noisy; the visit counts are exact.)
