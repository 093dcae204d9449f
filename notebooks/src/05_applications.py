# %% [markdown]
# # 5. Applications: training small networks on real and generated data
#
# The Application part of the source document (*Tiny Machine Learner*, see
# [where this comes from](01_finite_differences.ipynb#Where-this-comes-from))
# trains its toolkit on the classic **iris** flowers and on scikit-learn's
# generated data sets; its figures 3, 4 and 5 showed the results on iris, on
# **circles** and on **blobs** (we add **moons**). Here we do the same with
# `tinygrad_lite`, and the decision boundaries below redraw those three
# figures:
#
# * `tinygrad_lite.datasets.load` gives a stratified, standardized train/test
#   split as plain Python lists;
# * `tinygrad_lite.train.fit` trains an `MLP` with mini-batches, with a tqdm
#   progress bar, replaying a compiled graph of the batch loss;
# * `tinygrad_lite.plot` draws decision boundaries and learning curves.
#
# Then we look inside: a **confusion matrix** for iris, the **computation
# graph of one neuron** with its gradients, and **compiled vs eager**
# training (`tinygrad_lite.graph.Graph`).

# %%
%matplotlib inline
%config InlineBackend.figure_formats = ["png"]
import time
import warnings

import matplotlib.pyplot as plt

from tinygrad_lite import MLP, Adam, Value, topological_order, total
from tinygrad_lite.datasets import load
from tinygrad_lite.graph import Graph
from tinygrad_lite.plot import decision_boundary, history
from tinygrad_lite.train import default_settings, fit, make_model, predict
from tinygrad_lite.viz import draw_graph

plt.rcParams.update({"figure.dpi": 80, "savefig.dpi": 80})
# Without ipywidgets, tqdm.auto warns and falls back to a text bar, which is
# what we want in a notebook that is read as a static page.
warnings.filterwarnings("ignore", message="IProgress not found")

# %% [markdown]
# ## Training
#
# Each data set has a recipe (`default_settings`): hidden layer sizes, loss,
# optimizer, learning rate, epochs, batch size, schedule. All four use a
# ReLU MLP with softmax cross-entropy and Adam.

# %%
NAMES = ["iris", "circles", "blobs", "moons"]
datasets, models, histories = {}, {}, {}
for name in NAMES:
    settings = default_settings(name)
    data = load(name)
    model = make_model(data, settings.hidden, settings.activation, settings.loss, seed=0)
    print(f"{data}\n  MLP {data.n_features}-{'-'.join(map(str, settings.hidden))}-"
          f"{data.n_classes}, {len(model.parameters())} parameters, {settings.epochs} epochs",
          flush=True)
    histories[name] = fit(
        model, data, loss=settings.loss, optimizer=settings.optimizer, lr=settings.lr,
        epochs=settings.epochs, batch_size=settings.batch_size, schedule=settings.schedule,
        seed=0, progress=True,
    )
    datasets[name], models[name] = data, model

# %%
print(f"{'data set':10s} {'epochs':>6s} {'steps':>5s} {'seconds':>8s} {'train acc':>9s} "
      f"{'test acc':>8s} {'compiled':>8s}")
for name in NAMES:
    h = histories[name]
    print(f"{name:10s} {len(h.epochs):6d} {h.steps:5d} {h.seconds:8.1f} {h.train_accuracy[-1]:9.3f} "
          f"{h.test_accuracy[-1]:8.3f} {h.compiled!s:>8s}")

# %% [markdown]
# ## Decision boundaries
#
# Every point of a grid is classified (without building a graph:
# `predict_floats` runs on plain floats). Circles are train points, triangles
# test points. Iris has four features, so it is shown in the plane of its
# first two principal components (the regions are a slice through that
# plane).

# %%
for name in NAMES:
    display(decision_boundary(models[name], datasets[name], resolution=120))

# %% [markdown]
# Learning curves (loss and accuracy per epoch, train and test) for circles:

# %%
history(histories["circles"])

# %% [markdown]
# ## Confusion matrix for iris
#
# Rows are the true species of the test flowers, columns the predicted ones.
# *Setosa* is separable from the others by petal size alone; the few
# mistakes, if any, are between *versicolor* and *virginica*.

# %%
iris, iris_model = datasets["iris"], models["iris"]
predicted = predict(iris_model, iris.X_test)
k = iris.n_classes
matrix = [[0] * k for _ in range(k)]
for truth, guess in zip(iris.y_test, predicted):
    matrix[truth][guess] += 1

fig, ax = plt.subplots(figsize=(4.6, 4))
ax.imshow(matrix, cmap="Blues")
for i in range(k):
    for j in range(k):
        ax.text(j, i, str(matrix[i][j]), ha="center", va="center",
                color="white" if matrix[i][j] > max(map(max, matrix)) / 2 else "black")
ax.set_xticks(range(k), iris.class_names)
ax.set_yticks(range(k), iris.class_names)
ax.set_xlabel("predicted")
ax.set_ylabel("true")
correct = sum(matrix[i][i] for i in range(k))
ax.set_title(f"iris test set: {correct}/{len(predicted)} correct")
plt.show()

# %% [markdown]
# ## One neuron, opened up
#
# A network is many copies of one neuron: $o = \tanh(x_1 w_1 + x_2 w_2 + b)$.
# Its computation graph, after `o.backward()`, shows each value with its
# gradient (green: parameters, blue: inputs, gold: the output), and each
# edge the local derivative $\partial\,\text{out}/\partial\,\text{in}$. The
# gradient of a weight is the product of the labels along its path
# (through `*`, `+`, `+` and `tanh`):
# $\partial o/\partial w_1 = x_1 \cdot 1 \cdot 1 \cdot (1 - o^2) = 2 \cdot 0.5 = 1$.

# %%
x1, x2 = Value(2.0, "x1"), Value(0.0, "x2")
w1, w2 = Value(-3.0, "w1"), Value(1.0, "w2")
b = Value(6.881373587019543, "b")
o = (x1 * w1 + x2 * w2 + b).tanh()
o.backward()
print(f"o = {o.data:.4f};  do/dw1 = {w1.grad:.4f}, do/dw2 = {w2.grad:.4f}, do/db = {b.grad:.4f}, do/dx1 = {x1.grad:.4f}")
draw_graph(o, show_local_grad=True, parameters=[w1, w2, b])

# %% [markdown]
# ## Compiled vs eager
#
# Trained **eagerly**, every step builds a fresh graph for the batch loss,
# walks it backward and throws it away. But the graph of a fixed-size batch
# always has the same shape; only the numbers change. A
# `tinygrad_lite.graph.Graph` records it **once** (the source document's
# `set_value` idea from notebook 02: keep the expression, change the numbers
# in its leaves) and replays the forward and backward passes from generated,
# compiled Python code, without allocating a single node.
#
# `fit` does this by itself; its `compile` argument decides. `True` records
# one graph per batch size (the full batches, and a smaller last one) and
# replays it every step; `False` trains eagerly; the default, `None`,
# compiles when every module of the model is one of the built-in classes
# whose forward is a fixed chain of ops (an active `Dropout` is not, nor is a
# module class of your own, whose forward may branch on the data) and the
# run has more steps than batch sizes, so that each recording is replayed.
# `History.compiled` says which it did: the table above shows that all four
# runs were compiled. The two ways give the same numbers; here is iris again,
# eagerly:

# %%
iris_settings = default_settings("iris")
eager_history = fit(
    make_model(datasets["iris"], iris_settings.hidden, iris_settings.activation,
               iris_settings.loss, seed=0),
    datasets["iris"], loss=iris_settings.loss, optimizer=iris_settings.optimizer,
    lr=iris_settings.lr, epochs=iris_settings.epochs, batch_size=iris_settings.batch_size,
    schedule=iris_settings.schedule, seed=0, progress=False, compile=False,
)
compiled_history = histories["iris"]
print(f"iris, compile=False: compiled={eager_history.compiled}, {eager_history.seconds:.1f} s;"
      f"  default: compiled={compiled_history.compiled}, {compiled_history.seconds:.1f} s")
print("same losses and accuracies, epoch by epoch:",
      eager_history.train_loss == compiled_history.train_loss
      and eager_history.test_accuracy == compiled_history.test_accuracy)

# %% [markdown]
# To see what the replay does, here it is by hand. We train the same
# 2-16-16-1 network on moons both ways, from the same initial weights on the
# same batches, with the hinge loss
# $\max(0, 1 - y\,s)$ and labels $y = \pm 1$. (Replay needs a graph whose
# *shape* does not depend on the data: code like `if z.data > 0:` would be
# recorded with one branch only. Hinge is fine: its `relu` is an op, computed
# from the data at every replay.)

# %%
moons = load("moons")
BATCH, STEPS = 32, 60
batches = [[(i * 7 + j * 11) % len(moons.X_train) for j in range(BATCH)] for i in range(STEPS)]


def sign_label(y):
    return 1.0 if y == 1 else -1.0


def batch_loss(model, rows, labels):
    return total([(1 + -label * model(row)).relu() for row, label in zip(rows, labels)]) * (1 / len(rows))


# eager: a new graph every step
eager_model = MLP(2, [16, 16, 1], seed=1)
optimizer = Adam(eager_model.parameters(), lr=0.01)
start = time.perf_counter()
for batch in batches:
    loss = batch_loss(eager_model, [moons.X_train[i] for i in batch],
                      [sign_label(moons.y_train[i]) for i in batch])
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
eager_seconds = time.perf_counter() - start
eager_nodes = len(topological_order(loss)) - len(eager_model.parameters())

# compiled: record once with placeholder inputs and labels, then replay
compiled_model = MLP(2, [16, 16, 1], seed=1)
optimizer = Adam(compiled_model.parameters(), lr=0.01)
start = time.perf_counter()
rows = [[Value(0.0, f"x{i}.{j}") for j in range(2)] for i in range(BATCH)]
labels = [Value(0.0, f"y{i}") for i in range(BATCH)]
graph = Graph(batch_loss(compiled_model, rows, labels),
              inputs=[v for row in rows for v in row] + labels)
record_seconds = time.perf_counter() - start
for batch in batches:
    numbers = [x for i in batch for x in moons.X_train[i]] + [sign_label(moons.y_train[i]) for i in batch]
    graph.forward(numbers)
    optimizer.zero_grad()
    graph.backward()
    optimizer.step()
compiled_seconds = time.perf_counter() - start

same = all(a.data == b.data for a, b in zip(eager_model.parameters(), compiled_model.parameters()))
print(graph)
print(f"eager: {eager_nodes} new Values built (and thrown away) per step")
print(f"eager:    {STEPS} steps in {eager_seconds * 1e3:7.1f} ms  ({eager_seconds / STEPS * 1e3:.2f} ms/step)")
print(f"compiled: {STEPS} steps in {compiled_seconds * 1e3:7.1f} ms  ({(compiled_seconds - record_seconds) / STEPS * 1e3:.2f} ms/step"
      f" + {record_seconds * 1e3:.0f} ms to record and compile once)")
print(f"speed-up per step: {eager_seconds / (compiled_seconds - record_seconds):.1f}x;"
      f"  identical weights after training: {same}")

# %%
fig, ax = plt.subplots(figsize=(5, 3))
per_step = [eager_seconds / STEPS * 1e3, (compiled_seconds - record_seconds) / STEPS * 1e3]
ax.barh(["eager", "compiled replay"], per_step, color=["#0072B2", "#E69F00"])
for i, v in enumerate(per_step):
    ax.text(v, i, f" {v:.2f} ms", va="center")
ax.set_xlabel("milliseconds per training step (batch of 32)")
ax.set_xlim(0, max(per_step) * 1.3)
plt.show()

# %% [markdown]
# Both runs end with bit-identical weights: replay performs the same float
# operations in the same order as `backward()`. The gain comes from not
# creating a few thousand `Value` objects per step (the count is printed
# above) and not collecting them afterwards. The price is that the graph's *shape* is frozen: a
# different batch size, or a loss that takes another Python branch, needs a
# new recording.
