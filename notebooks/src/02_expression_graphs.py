# %% [markdown]
# # 2. Expression graphs: from the naive engine to reverse accumulation
#
# Plain Python computes `x + 2 + y` and throws the expression away. To
# differentiate it we must keep it. The source document (*Tiny Machine
# Learner*, see [where this comes from](01_finite_differences.ipynb#Where-this-comes-from))
# does this twice in its Tiny Grader part:
#
# * first with a **naive engine** (its package "Beta"): every node can give
#   its `value()` and its derivative `grad(x)` with respect to one variable,
#   by recursion over the tree (`tinygrad_lite.naive`);
# * then with **reverse accumulation** (its package "Alpha"): one pass from
#   the output back to the inputs fills in every derivative at once
#   (`tinygrad_lite.Value`).
#
# Along the way we redraw the source document's figures 1 and 2 with the
# drawer (`tinygrad_lite.viz`) and answer its questions about PyTorch's
# `zero_grad()`.

# %%
from tinygrad_lite import SGD, Value
from tinygrad_lite.naive import Add, Const, Mul, Square, Var, reset_visits, visits
from tinygrad_lite.viz import backward_steps, draw_calls, draw_graph, draw_naive

# %% [markdown]
# ## The naive engine: `Const`, `Var`, `Add`, `value()`, `grad(x)`
#
# Leaves are constants and variables; operations are nodes with operands.
# The rules are the ones you learn at school, written as recursion:
#
# | node | `value()` | `grad(x)` |
# |---|---|---|
# | `Const(v)` | `v` | `0` |
# | `Var(v)` | `v` | `1` if it *is* `x`, else `0` |
# | `Add(a, b)` | `a.value() + b.value()` | `a.grad(x) + b.grad(x)` |
# | `Mul(a, b)` | `a.value() * b.value()` | `a.grad(x) * b.value() + a.value() * b.grad(x)` |
#
# The source document's example, $z = (x + 2) + y$ at $x = 1$, $y = 2$:

# %%
x = Var(1.0, "x")
y = Var(2.0, "y")
z = Add(Add(x, Const(2)), y)
print("z =", z.value(), "  dz/dx =", z.grad(x), "  dz/dy =", z.grad(y))

x.set_value(2)  # a Var can change; the tree is kept, so ask again
print("after x.set_value(2): z =", z.value())

# %% [markdown]
# The source document's **figure 1** drew this expression as a binary tree,
# constants and variables at the leaves (the picture itself is not in its
# text). `draw_naive` draws exactly what the naive engine walks (blue:
# variables, grey: constants, gold: the root):

# %%
draw_naive(z)

# %% [markdown]
# The source document adds `Sub`, `Mul`, `Square` and `Abs` in the same
# pattern; `tinygrad_lite.naive` has them (and `Div`, `Pow`, `Tanh`, `Relu`),
# and Python operators build the nodes for us:

# %%
w = Var(0.5, "w")
b = Var(-1.0, "b")
loss = Square(w * x + b - y)  # (w x + b - y)^2
print("loss =", loss.value())
print("d loss/d w =", loss.grad(w), "  d loss/d b =", loss.grad(b))
draw_naive(loss)

# %% [markdown]
# ## Why the naive engine is slow: the naive Fibonacci
#
# The source document compares it with two ways to compute Fibonacci
# numbers. Its `fib1` is the definition written as recursion; its `fib2`
# accumulates from the bottom (with a tail-recursive helper there, a loop
# here):

# %%
calls = 0


def fib1(n):
    global calls
    calls += 1
    if n < 2:
        return n
    return fib1(n - 1) + fib1(n - 2)


def fib2(n):
    a, b = 0, 1
    for _ in range(n):
        a, b = b, a + b
    return a


for n in (4, 10, 20, 25):
    calls = 0
    print(f"fib1({n}) = {fib1(n):6d} after {calls:6d} calls;   fib2({n}) = {fib2(n):6d} after {n} loop steps")

# %% [markdown]
# The source document's **figure 2** drew the call tree of `fib(4)`:
# `fib(2)` is computed twice. `draw_calls` traces the real calls (work done
# more than once in red, the calls inside it in pink):

# %%
draw_calls(fib1, 4)

# %% [markdown]
# The naive engine has the same disease. To get $\partial L/\partial w_i$
# for *every* weight it calls `grad(w_i)` once per weight, and each call
# walks the whole tree and re-evaluates every shared factor (the derivative
# of the loss with respect to a hidden unit, say). Count the visits on a
# sum of products that share one factor $g$:

# %%
ws = [Var(0.1 * i, f"w{i}") for i in range(8)]
g = Square(Var(2.0, "u") + Const(1.0))  # the shared factor
f = g * ws[0]
for wi in ws[1:]:
    f = f + g * wi
reset_visits()
grads = [f.grad(wi) for wi in ws]
print("df/dw_i =", grads)
print("node visits for the full gradient:", visits())

# %% [markdown]
# Notebook 3 measures how this grows with the size of a network.
#
# ## Reverse accumulation
#
# Instead of asking every variable separately, **push** the derivative down
# from the output. The output gets $\partial z/\partial z = 1$. Each node
# receives the derivative of the output with respect to itself, multiplies
# it by its *local* derivative and passes the product to its operands:
# `Add` passes it unchanged to both, `Sub` passes it negated to `b`, `Mul`
# passes it times the other operand. A variable **adds** what arrives
# (`self.g += incoming`), because several paths can reach it. Here is the
# source document's second engine in a dozen lines, on little classes of our
# own (its `Var`, `Add` and `Sub` work this way; we add a `Mul`):

# %%
class RConst:
    def __init__(self, v):
        self.v = v

    def value(self):
        return self.v

    def grad(self, incoming):
        pass  # a constant has no gradient to collect


class RVar(RConst):
    def __init__(self, v):
        super().__init__(v)
        self.g = 0.0

    def grad(self, incoming):
        self.g += incoming  # several paths can reach a variable


class RAdd:
    def __init__(self, a, b):
        self.a, self.b = a, b

    def value(self):
        return self.a.value() + self.b.value()

    def grad(self, incoming):
        self.a.grad(incoming)
        self.b.grad(incoming)


class RMul(RAdd):
    def value(self):
        return self.a.value() * self.b.value()

    def grad(self, incoming):
        self.a.grad(incoming * self.b.value())
        self.b.grad(incoming * self.a.value())


rx, ry = RVar(2.0), RVar(3.0)
rz = RAdd(RMul(rx, ry), RMul(rx, RConst(2.0)))  # z = x*y + 2x
rz.grad(1.0)  # seed 1 at the top
print("dz/dx =", rx.g, "(y + 2)   dz/dy =", ry.g, "(x)")

# %% [markdown]
# This toy still recomputes `value()` on the way down and walks a shared
# sub-expression once per path. `tinygrad_lite.Value` does it properly: the
# forward pass stores each node's value, `backward()` sorts the graph
# topologically once and walks every operation node exactly once, in reverse
# order (the leaves only receive).

# %%
x = Value(2.0, "x")
y = Value(3.0, "y")
z = x * y + 2 * x
z.backward()
print("z =", z.data, " dz/dx =", x.grad, " dz/dy =", y.grad)

# %% [markdown]
# The drawer shows the graph the engine walks: each value is a record
# `label | data | grad`; with `show_local_grad=True` each edge carries the
# local derivative, and $\partial z/\partial x$ is the sum over paths of the
# products of the labels: $3 \cdot 1 + 2 \cdot 1 = 5$.

# %%
draw_graph(z, show_local_grad=True)

# %% [markdown]
# `backward_steps` replays the backward pass one arriving gradient at a
# time, in the engine's order, each frame captioned by its ledger line
# (`grad ?` where nothing has arrived yet); all frames share one layout.
# The first step and the last (`explore(z)` gives the same walk as an
# interactive page):

# %%
steps = backward_steps(z)
print(len(steps), "pictures")
steps[0]

# %%
steps[-1]

# %% [markdown]
# ## `zero_grad`: gradients accumulate
#
# Because a leaf *adds* what arrives, a second `backward()` adds the same
# gradient again:

# %%
z.backward()
print("after a second backward: dz/dx =", x.grad, " dz/dy =", y.grad)
z.zero_grad()
z.backward()
print("after zero_grad + backward: dz/dx =", x.grad, " dz/dy =", y.grad)

# %% [markdown]
# Accumulating is a feature, not a bug: the gradient of a sum of losses is
# the sum of their gradients, so you can call `backward()` on each sample's
# loss and the weights collect the gradient of the batch. But between two
# optimizer steps the old gradients must be wiped.
#
# ## The source document's PyTorch questions, answered
#
# *Why does PyTorch write `optimizer.zero_grad()` before `loss.backward()`?*
# Because `backward()` adds into `.grad` (above); without zeroing, every step
# would use the sum of all past gradients.
#
# *Why does the **optimizer** zero the gradients, not the loss?* The loss is
# a new graph every step: it is built from this batch, and it knows only the
# weights it happened to touch. The optimizer is the one object that holds
# **every** weight for the whole run. It also reads the gradients the
# backward pass left **on the weights** (`p.grad`) to update them
# (`p.data -= lr * p.grad`), so it is the natural owner of "clear them
# before the next step". `tinygrad_lite.optim` follows the same protocol:

# %%
w = Value(0.0, "w")
b = Value(0.0, "b")
data = [(1.0, 3.0), (2.0, 5.0), (3.0, 7.0)]  # y = 2x + 1
optimizer = SGD([w, b], lr=0.05)
for step in range(300):
    loss = sum(((w * xi + b - yi) ** 2 for xi, yi in data), Value(0.0)) * (1 / len(data))
    optimizer.zero_grad()  # wipe the last step's gradients on every weight
    loss.backward()  # fill w.grad and b.grad
    optimizer.step()  # read them, update w.data and b.data
print(f"w = {w.data:.4f}, b = {b.data:.4f}, loss = {loss.data:.2e}")

# %% [markdown]
# The last step's loss graph, with the gradients that the optimizer read:

# %%
draw_graph(loss, parameters=[w, b])
