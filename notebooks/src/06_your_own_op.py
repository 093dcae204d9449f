# %% [markdown]
# # 6. Your own op: a forward, a local derivative, and the library does the rest
#
# Every autodiff system lets you add a *primitive*: an operation the engine
# treats as one node, whose derivative you supply instead of letting the
# engine differentiate its insides (HIPS autograd's `primitive`/`defvjp`,
# `torch.autograd.Function`, JAX's `custom_vjp`). In `tinygrad_lite` a
# primitive is an entry of the **op table**, the same table `exp` and `*`
# live in, and `tinygrad_lite.custom_op` adds one:
#
# * `forward` computes the op on plain floats;
# * `local_grads(x, out)` returns the **local derivative** $\partial\,\mathrm{out}/\partial x$
#   (for two inputs, `local_grads(a, b, out)` returns the pair).
#
# The engine then applies the chain rule as for every built-in op:
# `backward`, second derivatives, the compiled `Graph`, the functional API,
# `gradcheck` and the graph drawer all work with it. In this notebook we
#
# 1. define **softplus** and check it,
# 2. define **GELU**, check its first and second derivatives,
# 3. plant a **wrong derivative** and watch `gradcheck` catch it,
# 4. let **hypothesis** search for failures instead of picking points
#    (`tinygrad_lite.testing`),
# 5. train a small network that uses our ops.

# %%
%matplotlib inline
%config InlineBackend.figure_formats = ["png"]
import math as std_math

import matplotlib.pyplot as plt

from tinygrad_lite import (Adam, Graph, Value, custom_op, dot, draw_graph, grad, gradcheck,
                           gradgradcheck, total)
from tinygrad_lite import math
from tinygrad_lite.datasets import load
from tinygrad_lite.losses import binary_cross_entropy_with_logits

plt.rcParams.update({"figure.dpi": 80, "savefig.dpi": 80})

# %% [markdown]
# ## 1. Softplus
#
# $$\mathrm{softplus}(x) = \log(1 + e^x), \qquad
# \frac{d}{dx}\,\mathrm{softplus}(x) = \frac{e^x}{1 + e^x} = \sigma(x).$$
#
# Written naively, `log(1 + exp(x))` overflows for $x > 709$; the forward
# below is the stable form $\max(x, 0) + \log(1 + e^{-|x|})$. The local
# derivative uses `tinygrad_lite.math` rather than the standard `math`, so it
# also works when the engine calls it with `Value`s (that is how second
# derivatives are built). `replace=True` lets this cell run again.

# %%
def sigmoid(x):
    return 1.0 / (1.0 + math.exp(-x))


@custom_op("softplus", local_grads=lambda x, out: sigmoid(x), replace=True)
def softplus(x):
    """log(1 + e**x), computed without overflow."""
    return max(x, 0.0) + std_math.log1p(std_math.exp(-abs(x)))


print(softplus)
print("on a number:", softplus(1.0), "  on a large one:", softplus(1000.0))
x = Value(1.0, "x")
y = softplus(x)
print("on a Value: ", y)
y.backward()
print("dy/dx =", x.grad, "  sigmoid(1) =", 1 / (1 + std_math.exp(-1.0)))

# %% [markdown]
# The op is now one node of the graph, with its own symbol, and the drawer
# labels each edge with the local derivative from our `local_grads`
# (`show_local_grad=True`): here $\partial = \sigma(x)$ into softplus, and
# the built-in `*` next to it.

# %%
z = softplus(x) * x
x.grad = 0.0
z.backward()
draw_graph(z, show_local_grad=True)

# %% [markdown]
# `gradcheck` compares our derivative with a central difference
# $\frac{f(x+h) - f(x-h)}{2h}$ of our forward, with torch's tolerances, and
# `gradgradcheck` does the same one level up: the derivative of our
# derivative (built by running `local_grads` on Values) against differences
# of the first derivative.

# %%
for point in (-3.0, 0.0, 2.5):
    print(gradcheck(softplus, [point]))
print(gradgradcheck(softplus, [0.7]))

# %% [markdown]
# ## 2. GELU
#
# The Gaussian error linear unit weighs its input by the probability that a
# standard normal variable is below it:
#
# $$\mathrm{gelu}(x) = x\,\Phi(x) = \frac{x}{2}\left(1 + \mathrm{erf}\frac{x}{\sqrt 2}\right),
# \qquad \mathrm{gelu}'(x) = \Phi(x) + x\,\varphi(x),
# \quad \varphi(x) = \frac{e^{-x^2/2}}{\sqrt{2\pi}}.$$
#
# The same function could be written with the built-in ops (five nodes); as
# a custom op it is one node, with the derivative we chose.

# %%
SQRT2 = std_math.sqrt(2.0)
SQRT_2PI = std_math.sqrt(2.0 * std_math.pi)


def gelu_grad(x, out):
    return 0.5 * (1.0 + math.erf(x / SQRT2)) + x * math.exp(-0.5 * x * x) / SQRT_2PI


@custom_op("gelu", local_grads=gelu_grad, symbol="GELU", replace=True)
def gelu(x):
    """x * Phi(x), the exact GELU."""
    return 0.5 * x * (1.0 + std_math.erf(x / SQRT2))


for point in (-2.0, -0.3, 0.0, 1.7):
    print(gradcheck(gelu, [point]))
print(gradgradcheck(gelu, [0.4]))

# %% [markdown]
# Because `gelu_grad` is written with `tinygrad_lite.math`, `grad` nests: the
# second and third derivatives come for free. The composition from built-in
# ops gives the same numbers.

# %%
def gelu_composed(x):
    return 0.5 * x * (1.0 + math.erf(x / SQRT2))


xs = [i / 20 for i in range(-80, 81)]
curves = {
    "gelu": [gelu(t) for t in xs],
    "gelu'": [grad(gelu)(t) for t in xs],
    "gelu''": [grad(grad(gelu))(t) for t in xs],
    "softplus": [softplus(t) for t in xs],
}
worst = max(abs(grad(grad(gelu))(t) - grad(grad(gelu_composed))(t)) for t in xs)
print(f"largest gap between the custom op's and the composition's second derivative: {worst:.2e}")
fig, ax = plt.subplots(figsize=(6.5, 3.5))
for label, values in curves.items():
    ax.plot(xs, values, label=label)
ax.axhline(0.0, color="grey", lw=0.5)
ax.set_ylim(-1.0, 4.0)
ax.set_xlabel("x")
ax.legend()
ax.set_title("our ops and their derivatives, all from the op table")
plt.show()

# %% [markdown]
# ## 3. A deliberately wrong derivative
#
# A classic slip: forgetting the product rule, as if $\frac{d}{dx}\,x\Phi(x)$
# were just $\Phi(x)$. `gradcheck` compares, entry by entry, and its report
# is a table: the analytic value, the numeric one, the errors, and **FAIL**.

# %%
@custom_op("gelu_wrong", local_grads=lambda x, out: 0.5 * (1.0 + math.erf(x / SQRT2)),
           replace=True)
def gelu_wrong(x):
    return 0.5 * x * (1.0 + std_math.erf(x / SQRT2))


report = gradcheck(lambda a, b: gelu_wrong(a) * b, [1.2, 0.5])
print(report)
print("passed?", bool(report), "- failures:", [entry.name for entry in report.failures])

# %% [markdown]
# Note which entry failed: only $\partial y / \partial x_0$, the path through
# our op. The multiplication by $b$ is a built-in op and its entry passes.
# At $x = 0$ the missing term $x\,\varphi(x)$ vanishes, so a check only
# there would have missed the bug: test at several points.

# %%
print(gradcheck(gelu_wrong, [0.0]))

# %% [markdown]
# ## 4. Property tests: let hypothesis choose the points
#
# Which points, then? `tinygrad_lite.testing` (the `testing` extra) hands the
# choice to [hypothesis](https://hypothesis.readthedocs.io): it searches the
# inputs for a point where the analytic derivatives disagree with central
# differences and, when it finds one, **shrinks** it to the simplest input
# that still fails. The profile below makes the search reproducible (the
# same points on every run); without it each run explores new ones.
#
# First a hand-written function, with kinks (`abs` at $x = y$, `minimum` at
# $|x - y| = 1$) and a pole ($x/y$ at $y = 0$). A central difference across
# a kink or a pole is not a counterexample, so `check_gradients` rejects such
# points (it compares the branch every op takes at $x$ and $x \pm h$, and
# how near each pole the step comes) and counts them in its report.

# %%
from hypothesis import given, settings

from tinygrad_lite.testing import (GradientMismatchError, assert_gradients_match,
                                   check_gradients, check_op, points)

settings.register_profile("notebook", derandomize=True, deadline=None)
settings.load_profile("notebook")


def smooth_l1(x, y):
    """Huber's loss of the residual x - y, plus a ratio: kinks and a pole."""
    r = abs(x - y)
    small = math.minimum(r, 1.0)
    return small * (r - 0.5 * small) + x / y


print(check_gradients(smooth_l1, inputs=2, max_examples=300))
print(check_gradients(smooth_l1, inputs=2, order=2, max_examples=100))

# %% [markdown]
# Now the wrong GELU of section 3. `check_op` checks an op of the table at
# first and second order over a domain; the error names the shrunk
# counterexample and prints the gradcheck table at it. Hypothesis tried
# simpler inputs first: at $x = 0$ the missing term $x\,\varphi(x)$ is 0,
# so $x = 1$ is the simplest failing input. The right GELU passes.

# %%
try:
    check_op(gelu_wrong)
except GradientMismatchError as error:
    print(error)
    print("\nshrunk to:", error.point)
print()
print(check_op(gelu))

# %% [markdown]
# For a test of your own, `points(f, ...)` draws points clear of the kinks
# and poles `f` actually meets, and `assert_gradients_match` compares at one
# point (a kink point that slips through is rejected, not failed). pytest
# would run `test_smooth_l1`; here we call it.

# %%
@settings(max_examples=200)
@given(points(smooth_l1, inputs=[(-3, 3), (-3, 3)]))
def test_smooth_l1(point):
    assert_gradients_match(smooth_l1, point, order=2)


test_smooth_l1()
print("test_smooth_l1 passed on 200 points")

# %% [markdown]
# ## 5. Our ops in a network
#
# A 2-16-1 network on scikit-learn's two moons, trained with Adam on the
# logistic loss, its hidden activation one of `relu`, our `softplus` or our
# `gelu`. The batch loss is recorded once as a compiled `Graph` over
# placeholder leaves for the inputs and labels, and replayed every step: the
# generated code calls our forward and `local_grads` like those of any op.

# %%
data = load("moons", n_samples=200, seed=0)
ACTIVATIONS = {"relu": lambda v: v.relu(), "softplus": softplus, "gelu": gelu}


def make_network(seed, width=16):
    import random

    rng = random.Random(seed)
    hidden = [([Value(rng.gauss(0, 1.0)) for _ in range(2)], Value(0.0)) for _ in range(width)]
    output = ([Value(rng.gauss(0, 1 / std_math.sqrt(width))) for _ in range(width)], Value(0.0))
    params = [p for w, b in (*hidden, output) for p in (*w, b)]
    return hidden, output, params


def score(network, activation, x):
    hidden, output, _ = network
    h = [activation(dot(w, x, b)) for w, b in hidden]
    return dot(output[0], h, output[1])


def train(name, steps=150, lr=0.05):
    network = make_network(seed=1)
    activation = ACTIVATIONS[name]
    inputs = [[Value(v) for v in row] for row in data.X_train]
    labels = [Value(float(y)) for y in data.y_train]
    loss = binary_cross_entropy_with_logits([score(network, activation, x) for x in inputs], labels)
    graph = Graph(loss, [v for row in inputs for v in row] + labels)
    optimizer = Adam(network[2], lr=lr)
    losses = []
    for _ in range(steps):
        optimizer.zero_grad()
        losses.append(graph.forward())
        graph.backward()
        optimizer.step()
    hits = sum(
        (score(network, activation, x).data > 0) == (y == 1)
        for x, y in zip(data.X_test, data.y_test)
    )
    return losses, hits / len(data.y_test), len(graph)


fig, ax = plt.subplots(figsize=(6.5, 3.5))
for name in ACTIVATIONS:
    losses, test_accuracy, nodes = train(name)
    print(f"{name:>8}: final train loss {losses[-1]:.4f}, test accuracy {test_accuracy:.1%} "
          f"({nodes} nodes in the compiled graph)")
    ax.plot(losses, label=name)
ax.set_yscale("log")
ax.set_xlabel("Adam step")
ax.set_ylabel("train loss")
ax.legend()
ax.set_title("two moons, 2-16-1 network")
plt.show()

# %% [markdown]
# ## What the library did for us
#
# We wrote two functions per op. From them `tinygrad_lite` gave us the
# chain rule through any expression, second derivatives (`grad(grad(gelu))`),
# the compiled replay used for training, edge labels in the drawer, a
# checker that found the planted bug, and a search that shrank it to
# $x = 1$. A graph that uses the ops pickles by the op's name, so a process
# that loads it must first register the op (run the `custom_op` definitions,
# or import the module that holds them).
