# %% [markdown]
# # 1. Finite differences: the derivative before automatic differentiation
#
# The seed's *Tiny Grader* starts where everyone starts: approximate a
# derivative by a difference quotient. This notebook follows it and then
# measures why that is not good enough to train a network:
#
# 1. find the **machine epsilon** by halving,
# 2. compare the **forward** and the **central** difference,
# 3. plot the error against the step `h`: the trade-off between
#    **truncation** error and **round-off** error,
# 4. count the evaluations: every derivative costs **two evaluations** of `f`.
#
# Everything used here lives in `tinygrad_lite.numeric`.

# %%
%matplotlib inline
%config InlineBackend.figure_formats = ["png"]
import math
import sys

import matplotlib.pyplot as plt

from tinygrad_lite import Value, central_difference, forward_difference, machine_epsilon

plt.rcParams.update({"figure.dpi": 80, "savefig.dpi": 80})

# %% [markdown]
# ## Machine epsilon by halving
#
# A Python float has 52 bits of fraction, so numbers very close to 1 cannot
# be told apart from 1. The seed finds the gap by halving `eps` while
# `1 + eps` is still bigger than `1`; the loop stops one halving too late, so
# it doubles once at the end.

# %%
eps = 1.0
halvings = 0
while 1.0 + eps > 1.0:
    eps /= 2.0
    halvings += 1
eps *= 2.0
print(f"halved {halvings} times, eps = {eps!r} = 2**{math.log2(eps):.0f}")
print("machine_epsilon()       =", machine_epsilon())
print("sys.float_info.epsilon  =", sys.float_info.epsilon)
print("1 + eps/2 == 1 ?", 1.0 + eps / 2 == 1.0)

# %% [markdown]
# ## Forward and central differences
#
# The seed differentiates with the **forward difference**
#
# $$f'(x) \approx \frac{f(x+h) - f(x)}{h},$$
#
# whose Taylor expansion shows an error of $h\,f''(x)/2$: *first order* in
# `h`. The **central difference** is symmetric,
#
# $$f'(x) \approx \frac{f(x+h) - f(x-h)}{2h},$$
#
# and the even terms cancel, leaving $h^2 f'''(x)/6$: *second order*.
# Try it on $f(x) = \sin(x)\,e^x$ at $x = 0.7$, whose exact derivative is
# $e^x(\sin x + \cos x)$.

# %%
def f(x):
    return math.sin(x) * math.exp(x)


def f_prime(x):
    return math.exp(x) * (math.sin(x) + math.cos(x))


x0 = 0.7
exact = f_prime(x0)
print(f"exact              {exact:.15f}")
for h in (1e-2, 1e-4, 1e-6):
    fwd = forward_difference(f, x0, h)
    cen = central_difference(f, x0, h)
    print(f"h = {h:.0e}: forward {fwd:.15f} (error {abs(fwd - exact):.1e}),"
          f" central {cen:.15f} (error {abs(cen - exact):.1e})")
print(f"forward, default h = sqrt(eps): {forward_difference(f, x0):.15f}")

# %% [markdown]
# ## Error against step size: truncation vs round-off
#
# Making `h` smaller shrinks the truncation error, but `f(x+h)` and `f(x)`
# then agree in more and more leading digits, and their difference keeps only
# the digits that differ: the **round-off** error grows like
# $\varepsilon\,|f(x)|/h$. The total error is smallest in between, near
# $h \approx \sqrt{\varepsilon} \approx 10^{-8}$ for the forward difference
# and $h \approx \varepsilon^{1/3} \approx 10^{-5}$ for the central one. On a
# log-log plot the two regimes are straight lines.

# %%
steps = [10.0 ** (-k / 4) for k in range(4, 4 * 15 + 1)]  # 1e-1 ... 1e-15
forward_errors = [max(abs(forward_difference(f, x0, h) - exact), 1e-17) for h in steps]
central_errors = [max(abs(central_difference(f, x0, h) - exact), 1e-17) for h in steps]

fig, ax = plt.subplots(figsize=(7, 4.5))
ax.loglog(steps, forward_errors, "o-", ms=3, label="forward difference")
ax.loglog(steps, central_errors, "s-", ms=3, label="central difference")
f2 = abs(math.exp(x0) * 2 * math.cos(x0))  # |f''(x0)|
ax.loglog(steps, [h * f2 / 2 for h in steps], "k--", lw=0.8, label="truncation  h|f''|/2")
ax.loglog(steps, [eps * abs(f(x0)) / h for h in steps], "k:", lw=0.8,
          label="round-off  eps|f|/h")
ax.axvline(math.sqrt(eps), color="C0", alpha=0.3)
ax.axvline(eps ** (1 / 3), color="C1", alpha=0.3)
ax.set_ylim(1e-12, 10)
ax.set_xlabel("step h")
ax.set_ylabel("|approximation - exact|")
ax.set_title("f(x) = sin(x) exp(x) at x = 0.7")
ax.invert_xaxis()
ax.legend(fontsize="small")
plt.show()

best_f = min(zip(forward_errors, steps))
best_c = min(zip(central_errors, steps))
print(f"best forward error {best_f[0]:.1e} at h = {best_f[1]:.0e} (sqrt(eps) = {math.sqrt(eps):.1e})")
print(f"best central error {best_c[0]:.1e} at h = {best_c[1]:.0e} (eps**(1/3) = {eps ** (1 / 3):.1e})")

# %% [markdown]
# Even at its best the forward difference keeps only about half of the 16
# digits a float holds; the central difference about two thirds. Neither is
# exact, and the right `h` depends on the function.

# %% [markdown]
# ## Two evaluations per derivative
#
# The second flaw the seed points out is cost. Each partial derivative needs
# `f` evaluated twice (once more than the forward pass), so the gradient of a
# function of $n$ inputs costs $n + 1$ evaluations (forward) or $2n$
# (central). A network has thousands of weights: thousands of full forward
# passes per training step. Count them:

# %%
calls = 0


def counted(x):
    global calls
    calls += 1
    return f(x)


forward_difference(counted, x0)
print("forward difference:", calls, "evaluations of f")
calls = 0
central_difference(counted, x0)
print("central difference:", calls, "evaluations of f")


def loss(ws):
    """A function of many inputs: sum of w_i * sin(w_i)."""
    global calls
    calls += 1
    return sum(w * math.sin(w) for w in ws)


n = 1000
ws = [0.001 * i for i in range(n)]
calls = 0
numeric = []
for i in range(n):
    def along_i(t, i=i):
        shifted = list(ws)
        shifted[i] = t
        return loss(shifted)
    numeric.append(central_difference(along_i, ws[i]))
print(f"central-difference gradient of {n} inputs: {calls} evaluations of the loss")

# %% [markdown]
# ## What automatic differentiation gives instead
#
# Reverse accumulation (notebook 2) gets **every** partial derivative, exact
# to rounding, from **one** forward pass and **one** backward pass:

# %%
values = [Value(w) for w in ws]
out = sum((v * v.sin() for v in values), Value(0.0))
out.backward()
analytic = [v.grad for v in values]
worst = max(abs(a - b) for a, b in zip(analytic, numeric))
print(f"largest |backward - central difference| over {n} partials: {worst:.1e}")
print("exact d/dw (w sin w) at w = 0.5:", 0.5 * math.cos(0.5) + math.sin(0.5),
      " backward:", values[500].grad)

# %% [markdown]
# The functions above were written for floats, with the standard `math`
# module. `tinygrad_lite.math` is a drop-in for it: change the import (here
# by rebinding the name `math`) and the very same `f` and `loss`, unchanged,
# give exact derivatives through `tinygrad_lite.grad`.

# %%
import tinygrad_lite.math
from tinygrad_lite import grad

math = tinygrad_lite.math  # instead of `import math`: f and loss are untouched
print(f"grad(f)(0.7) = {grad(f)(x0):.15f}   (exact {exact:.15f})")
calls = 0
exact_gradient = grad(loss)(ws)
print(f"grad(loss): {n} partials from {calls} evaluation of the loss, largest gap to "
      f"backward above: {max(abs(a - b) for a, b in zip(exact_gradient, analytic)):.1e}")

# %% [markdown]
# Finite differences stay useful as a **check**: `tinygrad_lite.gradcheck`
# compares `backward()` with central differences (torch's tolerances), and
# the test suite runs every op through it.
