# %% [markdown]
# # 4. Optimizers on 2-D surfaces
#
# The Tiny Learner part of the source document (*Tiny Machine Learner*, see
# [where this comes from](01_finite_differences.ipynb#Where-this-comes-from))
# offers four ways to follow the gradient downhill: plain **gradient
# descent**, **momentum**, **RMSProp** (its "RMS gradient descent") and
# **Adam**. The last three remember past gradients to adapt the step. A function of two variables lets us *see* what that memory does:
# we run all four on three surfaces and draw their paths over the contour
# lines.
#
# | surface | formula | what makes it hard |
# |---|---|---|
# | Rosenbrock | $(1-x)^2 + 100\,(y-x^2)^2$ | a long, curved, flat valley; minimum at $(1, 1)$ |
# | saddle | $x^2 + y^4/4 - y^2/2$ | a saddle point at the origin; minima at $(0, \pm 1)$ |
# | ill-conditioned bowl | $\tfrac12 (x^2 + 50\,y^2)$ | curvature 50 times larger along $y$ than along $x$ |
#
# The update rules (as `torch.optim`, see `tinygrad_lite.optim`), with
# gradient $g$ and learning rate $\eta$:
#
# * **GD**: $p \leftarrow p - \eta g$
# * **Momentum**: $b \leftarrow \mu b + g,\; p \leftarrow p - \eta b$ (a heavy ball: it keeps going along consistent directions)
# * **RMSProp**: $v \leftarrow \alpha v + (1-\alpha) g^2,\; p \leftarrow p - \eta g / (\sqrt v + \epsilon)$ (each coordinate scaled by its recent gradient size)
# * **Adam**: momentum and RMS scaling together, with bias correction.
#
# Finally, **Newton's method** uses the second derivatives too
# (`tinygrad_lite.functional.hessian`).

# %%
%matplotlib inline
%config InlineBackend.figure_formats = ["png"]
import matplotlib.pyplot as plt
import numpy as np

from tinygrad_lite import SGD, Adam, Momentum, RMSProp, Value
from tinygrad_lite.functional import grad, hessian

plt.rcParams.update({"figure.dpi": 80, "savefig.dpi": 80})

# %% [markdown]
# The surfaces are written once and work on `Value`s (for training) and on
# numpy arrays (for the contour plots).

# %%
def rosenbrock(x, y):
    return (1 - x) ** 2 + 100 * (y - x * x) ** 2


def saddle(x, y):
    return x * x + 0.25 * y**4 - 0.5 * y * y


def bowl(x, y):
    return 0.5 * (x * x + 50 * y * y)


# name: (function, start, minimum value, plot box, learning rates, steps)
SURFACES = {
    "Rosenbrock": (rosenbrock, (-1.2, 1.0), 0.0, (-1.6, 1.6, -0.6, 1.6),
                   {"GD": 1e-3, "Momentum": 1e-3, "RMSProp": 1e-2, "Adam": 5e-2}, 2000),
    "saddle": (saddle, (1.5, 1e-4), -0.25, (-1.7, 1.7, -1.5, 1.5),
               {"GD": 0.05, "Momentum": 0.05, "RMSProp": 0.02, "Adam": 0.05}, 300),
    "ill-conditioned bowl": (bowl, (-4.0, 1.0), 0.0, (-4.5, 1.5, -1.6, 1.6),
                             {"GD": 0.039, "Momentum": 0.01, "RMSProp": 0.1, "Adam": 0.2}, 300),
}

OPTIMIZERS = {
    "GD": lambda params, lr: SGD(params, lr=lr),
    "Momentum": lambda params, lr: Momentum(params, lr=lr, momentum=0.9),
    "RMSProp": lambda params, lr: RMSProp(params, lr=lr),
    "Adam": lambda params, lr: Adam(params, lr=lr),
}


def run(f, start, optimizer, lr, steps):
    """Minimize f from start; return the path [(x, y), ...] and the losses."""
    x, y = Value(start[0], "x"), Value(start[1], "y")
    opt = OPTIMIZERS[optimizer]([x, y], lr)
    path, losses = [(x.data, y.data)], []
    for _ in range(steps):
        loss = f(x, y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.data)
        path.append((x.data, y.data))
    return path, losses


results = {
    name: {opt: run(f, start, opt, lrs[opt], steps) for opt in OPTIMIZERS}
    for name, (f, start, _, _, lrs, steps) in SURFACES.items()
}

# %% [markdown]
# ## Trajectories over the contour lines

# %%
COLORS = {"GD": "#0072B2", "Momentum": "#E69F00", "RMSProp": "#009E73", "Adam": "#CC79A7",
          "Newton": "#D55E00"}


def contour(ax, name):
    f, start, fmin, (x0, x1, y0, y1), _, _ = SURFACES[name]
    xs, ys = np.meshgrid(np.linspace(x0, x1, 200), np.linspace(y0, y1, 200))
    zs = f(xs, ys) - fmin
    levels = np.geomspace(max(zs.min(), 1e-3), zs.max(), 18)
    ax.contour(xs, ys, zs + 1e-12, levels=levels, cmap="Greys", linewidths=0.7)
    ax.plot(*start, "k*", ms=12, label="start")
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_title(name)


fig, axes = plt.subplots(1, 3, figsize=(15, 4.6))
for ax, name in zip(axes, SURFACES):
    contour(ax, name)
    for opt, (path, _) in results[name].items():
        px, py = zip(*path)
        lr = SURFACES[name][4][opt]
        ax.plot(px, py, ".-", color=COLORS[opt], ms=2, lw=1, label=f"{opt} (lr {lr:g})")
    ax.legend(fontsize="x-small", loc="lower right")
fig.tight_layout()
plt.show()

# %% [markdown]
# ## Loss curves
#
# The gap to the minimum value, on a log scale:

# %%
fig, axes = plt.subplots(1, 3, figsize=(15, 3.8))
for ax, name in zip(axes, SURFACES):
    fmin = SURFACES[name][2]
    for opt, (_, losses) in results[name].items():
        ax.semilogy([max(loss - fmin, 1e-16) for loss in losses], color=COLORS[opt], label=opt)
    ax.set_title(name)
    ax.set_xlabel("step")
    ax.set_ylabel("f - f(minimum)")
    ax.grid(alpha=0.3)
    ax.legend(fontsize="small")
fig.tight_layout()
plt.show()

for name in SURFACES:
    fmin, steps = SURFACES[name][2], SURFACES[name][5]
    print(f"{name} ({steps} steps)")
    for opt, (path, losses) in results[name].items():
        hit = next((i for i, loss in enumerate(losses) if loss - fmin < 1e-6), None)
        x, y = path[-1]
        print(f"  {opt:8s} steps until f - f_min < 1e-6: {'-' if hit is None else hit:>4}"
              f"   ends at ({x:+.4f}, {y:+.4f})")
near_saddle = {
    opt: sum(abs(x) < 0.05 and abs(y) < 0.05 for x, y in path)
    for opt, (path, _) in results["saddle"].items()
}
print("saddle: steps spent within 0.05 of the saddle point (0, 0):", near_saddle)

# %% [markdown]
# What the pictures show:
#
# * **Rosenbrock.** Gradient descent must use a tiny step (the walls of the
#   valley are steep) and then crawls along its flat floor: after 2000 steps
#   it is still far from $(1, 1)$. Momentum accumulates the small, consistent
#   push along the valley and gets there; Adam too. RMSProp's steps keep
#   roughly the size $\eta$ whatever the slope, and after 2000 steps it is
#   still short of the minimum.
# * **Saddle.** Started almost exactly on the ridge ($y = 10^{-4}$), where
#   the slope along $y$ is tiny. GD slides to the saddle point, where the
#   whole gradient nearly vanishes, and waits there until $y$, growing by a
#   factor $1 + \eta$ per step, is large enough to roll off: it spends by far
#   the most steps near $(0, 0)$ and arrives last. Momentum gathers speed
#   along $y$ sooner (and overshoots along $x$ on the way). RMSProp and Adam
#   divide each coordinate by its own gradient size, so the tiny $y$
#   gradient still gives a full-sized step: they leave the ridge at once and
#   never come near the saddle point.
# * **Ill-conditioned bowl.** GD's step is limited by the steep direction
#   ($\eta < 2/50$): it zig-zags across the narrow $y$ axis and moves slowly
#   along the shallow $x$ axis. RMSProp and Adam rescale each coordinate by
#   its own gradient size, which undoes the bad conditioning; Adam also
#   carries momentum, overshoots the minimum along $x$ and circles in, so
#   here it needs more steps than momentum alone. (RMSProp's very first step
#   is $\eta\, g/\sqrt{(1-\alpha) g^2} = 10\,\eta$ in *each* coordinate, as
#   it has no bias correction; here that lands within $10^{-8}$ of $y = 0$,
#   not exactly on it because of the $\epsilon$ in the denominator.)

# %% [markdown]
# ## Newton's method: using the curvature
#
# The optimizers above only see the slope. Newton's method also uses the
# **Hessian** $H$ (the matrix of second derivatives) and jumps to the minimum
# of the local quadratic model:
#
# $$p \leftarrow p - H^{-1} \nabla f(p).$$
#
# `tinygrad_lite.functional` gives both from the same function: `grad(f)`
# and `hessian(f)` return plain floats (the Hessian is the Jacobian of the
# gradient, computed by differentiating the backward pass). For two variables
# the linear system is solved by Cramer's rule.

# %%
def newton(f, start, steps=50, tolerance=1e-12):
    point = list(start)
    path = [tuple(point)]
    function = lambda p: f(p[0], p[1])
    for _ in range(steps):
        gx, gy = grad(function)(point)
        if gx * gx + gy * gy < tolerance:
            break  # a stationary point: the gradient vanishes
        (a, b), (c, d) = hessian(function)(point)
        det = a * d - b * c
        point = [point[0] - (d * gx - b * gy) / det, point[1] - (a * gy - c * gx) / det]
        path.append(tuple(point))
    return path


print("Hessian of Rosenbrock at (1.5, 2):", hessian(lambda p: rosenbrock(p[0], p[1]))([1.5, 2.0]))
newton_paths = {name: newton(SURFACES[name][0], SURFACES[name][1]) for name in SURFACES}
for name, path in newton_paths.items():
    x, y = path[-1]
    print(f"{name:22s} Newton steps: {len(path) - 1:2d}, ends at ({x:.6f}, {y:.6f})")

# %%
fig, axes = plt.subplots(1, 3, figsize=(15, 4.6))
for ax, name in zip(axes, SURFACES):
    contour(ax, name)
    best = min(results[name].items(), key=lambda item: item[1][1][-1])
    px, py = zip(*best[1][0])
    ax.plot(px, py, ".-", color=COLORS[best[0]], ms=2, lw=1, label=f"best first-order: {best[0]}")
    nx, ny = zip(*newton_paths[name])
    ax.plot(nx, ny, "o-", color=COLORS["Newton"], ms=5, lw=1.5,
            label=f"Newton ({len(newton_paths[name]) - 1} steps)")
    ax.legend(fontsize="x-small", loc="lower right")
fig.tight_layout()
plt.show()

# %% [markdown]
# Newton reaches the Rosenbrock minimum in a handful of steps (its first
# jumps leave the frame and come back) where GD
# needs tens of thousands (see `benchmarks/newton.py`), and solves the
# quadratic bowl in **one** step: its model of a quadratic is exact. But
# look at the saddle: Newton jumps to the point where the gradient is zero,
# and that is the **saddle point** $(0, 0)$, not a minimum, because the
# Hessian there is not positive definite. Together with the cost of the
# Hessian ($n^2$ entries for $n$ weights), this is why networks are trained
# with first-order methods like Adam.
