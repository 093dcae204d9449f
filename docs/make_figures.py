"""Draw the example pictures under docs/ that docs/seeing-the-graph.md and the README show.

Run from the repository root: ``.venv/bin/python docs/make_figures.py``.
Needs the ``viz`` extra (pygraphviz renders in-process; no ``dot`` program).
The explorer's screenshot also needs Chromium and playwright (the ``dev``
extra); without them that one picture is skipped, and the script says so.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from tinygrad_lite import naive
from tinygrad_lite.engine import Value, dot
from tinygrad_lite.nn import MLP
from tinygrad_lite.viz import (
    backward_steps,
    draw_calls,
    draw_graph,
    draw_naive,
    explore,
    save,
    save_animation,
)
from tinygrad_lite.viz.explorer import BROWSER_FLAGS

SCALE = 1.5  # slide quality: 108 dpi


DOCS = Path(__file__).resolve().parent


def fib(n: int) -> int:
    """The ``fib1`` of the source document (README, "Where this comes from"): exponential."""
    return n if n < 2 else fib(n - 1) + fib(n - 2)


def main() -> None:
    """Write every picture and print its path."""
    # The source document's figure 1: z = (x + 2) + y as the naive engine's tree.
    x, y = naive.Var(3.0, "x"), naive.Var(4.0, "y")
    z = naive.Add(naive.Add(x, naive.Const(2.0)), y)
    written = [save(draw_naive(z), DOCS / "figure1_naive_tree.png", scale=SCALE)]

    # The source document's figure 2: the calls of naive fib(4); fib(2) runs twice.
    written.append(save(draw_calls(fib, 4), DOCS / "figure2_fib_calls.png", scale=SCALE))

    # A neuron with its gradients and the local derivative on every edge.
    x1, x2 = Value(2.0, "x1"), Value(0.0, "x2")
    w1, w2 = Value(-3.0, "w1"), Value(1.0, "w2")
    b = Value(6.881373587019543, "b")
    n = x1 * w1 + x2 * w2 + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    o.backward()
    neuron = draw_graph(o, show_local_grad=True, parameters=[w1, w2, b])
    written.append(save(neuron, DOCS / "neuron_grad.png", scale=SCALE))

    # The same neuron in the explorer: the page, and a screenshot at the end of backward.
    page = explore(o, parameters=[w1, w2, b], title="a neuron: o = tanh(x1*w1 + x2*w2 + b)")
    written.append(page.save(DOCS / "explorer_neuron.html"))
    shot = _screenshot(DOCS / "explorer_neuron.html", DOCS / "explorer.png", x1_id=_index(o, w1))
    if shot is not None:
        written.append(shot)

    # The same neuron as one dot node, drawn expanded into its * and + chain.
    weights = [Value(-3.0, "w1"), Value(1.0, "w2")]
    inputs = [Value(2.0, "x1"), Value(0.0, "x2")]
    bias = Value(6.881373587019543, "b")
    out = dot(weights, inputs, bias).tanh()
    out.label = "o"
    out.backward()
    expanded = draw_graph(out, expand=True, parameters=[*weights, bias])
    written.append(save(expanded, DOCS / "neuron_dot_expanded.png", scale=SCALE))

    # A small MLP's squared-error loss: laid out as a network (layers as columns,
    # neurons in model order, w0, w1, ..., b), then summarized.
    model = MLP(2, [4, 4, 1], seed=0)
    prediction = model([1.0, -2.0])
    prediction = prediction[0] if isinstance(prediction, list) else prediction
    loss = (prediction - 1.0) ** 2
    loss.label = "loss"
    loss.backward()
    summary = draw_graph(loss, cluster=model, max_nodes=40)
    written.append(save(summary, DOCS / "mlp_summary.png", scale=SCALE))
    small = MLP(2, [3, 2, 1], seed=0)
    prediction = small([1.0, -2.0])
    prediction = prediction[0] if isinstance(prediction, list) else prediction
    small_loss = (prediction - 1.0) ** 2
    small_loss.label = "loss"
    small_loss.backward()
    clusters = draw_graph(small_loss, cluster=small, show_local_grad=True)
    written.append(save(clusters, DOCS / "mlp_clusters.png", scale=SCALE))

    # the backward pass of tanh(x*w + b), one frame per step
    x, w, b = Value(1.0, "x"), Value(-2.0, "w"), Value(0.5, "b")
    o = (x * w + b).tanh()
    o.label = "o"
    frames = backward_steps(o, parameters=[w, b])
    written.append(save_animation(frames, DOCS / "backward_steps.gif", seconds_per_frame=0.8))
    for path in written:
        print(path.relative_to(DOCS.parent))


def _index(root: Value, node: Value) -> int:
    from tinygrad_lite.engine import topological_order

    return topological_order(root).index(node)


def _screenshot(page: Path, target: Path, x1_id: int) -> Path | None:
    """The explorer at the end of backward with one node's ledger open, via Chromium."""
    chromium = os.environ.get("CHROMIUM") or shutil.which("chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        chromium = None
    if chromium is None:
        print("skipped docs/explorer.png: needs Chromium and playwright (the dev extra)")
        return None
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=list(BROWSER_FLAGS))
        # A projector's 1280 x 800: the graph fits the window on load.
        tab = browser.new_page(viewport={"width": 1280, "height": 800}, device_scale_factor=1)
        tab.goto(page.resolve().as_uri())
        tab.evaluate("window.tinygradLite.toEnd()")
        tab.click(f"#tl-node-{x1_id}")
        tab.screenshot(path=str(target))
        browser.close()
    return target


if __name__ == "__main__":
    main()
