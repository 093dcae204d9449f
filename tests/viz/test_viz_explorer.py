"""The explorer page without a browser: its size, its trace, its program, its ledger.

The page itself is driven in a real Chromium in ``test_viz_browser.py``.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

import pytest

from tinygrad_lite import viz
from tinygrad_lite.engine import Value, logsumexp, topological_order
from tinygrad_lite.graph import program
from tinygrad_lite.viz.ledger import trace


def page_data(explorer: viz.Explorer) -> dict[str, Any]:
    found = re.search(r'<script type="application/json" id="tl-data">(.*?)</script>', explorer.html)
    assert found is not None
    data: dict[str, Any] = json.loads(found.group(1))
    return data


def readme_neuron() -> tuple[Value, dict[str, Value]]:
    x1, x2 = Value(2.0, "x1"), Value(0.0, "x2")
    w1, w2 = Value(-3.0, "w1"), Value(1.0, "w2")
    b = Value(6.881373587019543, "b")
    n = x1 * w1 + x2 * w2 + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    return o, {"x1": x1, "x2": x2, "w1": w1, "w2": w2, "b": b, "n": n}


def chain(length: int) -> Value:
    x = Value(0.3, "x")
    y = x
    for k in range(length):
        y = (y * 0.9 + 0.1).tanh() if k % 2 else y * x
    return y


def test_a_50_node_page_is_small_and_self_contained() -> None:
    root = chain(25)
    assert len(topological_order(root)) == 50
    explorer = viz.explore(root, max_nodes=300)
    size = len(explorer.html.encode("utf-8"))
    assert size < 300_000, size
    # no request can leave the page: no URL is loaded from anywhere
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", explorer.html)
    assert "@import" not in explorer.html and "url(" not in explorer.html
    assert "<script src" not in explorer.html and "<link" not in explorer.html


def test_the_trace_replays_the_engine_exactly() -> None:
    root, _ = readme_neuron()
    data = page_data(viz.explore(root))
    root.backward()
    order = topological_order(root)
    grads: dict[int, float] = {}
    for step in data["steps"]:
        for target, value, _text in step.get("grad", []):
            grads[target] = value
    assert [node["id"] for node in data["nodes"]] == list(range(len(order)))
    for node, value in zip(data["nodes"], order, strict=True):
        assert node["label"] == value.label
        assert node["data"] == value.data
        assert grads[node["id"]] == value.grad  # bit for bit


def test_forward_steps_follow_the_topological_order_then_backward_the_engines() -> None:
    root, _ = readme_neuron()
    data = page_data(viz.explore(root))
    order = topological_order(root)
    forward = [s["node"] for s in data["steps"] if s["phase"] == "forward"]
    assert forward == [i for i, node in enumerate(order) if not node.is_leaf]
    backward = [s["node"] for s in data["steps"] if s["phase"] == "backward"]
    engine = [order.index(n) for n in reversed(topological_order(root, leaves=False))]
    assert backward == [order.index(root), *engine]  # the seed, then the engine's order


def test_the_program_is_the_one_graph_compiles() -> None:
    root, _ = readme_neuron()
    data = page_data(viz.explore(root))
    forward, backward = program(root)
    shown = [line["text"].split("  #")[0] for line in data["program"]["forward"]]
    # the page writes tanh(v8) where the compiled code calls its helper F_tanh(v8),
    # and N[0].data where it reads the slot N[0]._data
    compiled = [re.sub(r"\bF_(\w+)\(", r"\1(", t).replace("._data", ".data") for _, t in forward]
    assert shown == [text for text in compiled if not text.strip().startswith("N[")]
    assert not any(
        "F_" in line["text"] or "L_" in line["text"] for line in data["program"]["backward"]
    )
    chain_rule = [line["text"].split("  #")[0] for line in data["program"]["backward"]]
    readable = [
        re.sub(r"\bL_(\w+)\((.*), v\d+\)", r"\1'(\2)", t).replace("._data", ".data")
        for _, t in backward
    ]
    assert all(text in readable for text in chain_rule)
    # each forward step highlights the line that computes its node
    for step in data["steps"]:
        if step["phase"] == "forward":
            (line,) = step["lines"]
            assert data["program"]["forward"][line]["text"].startswith(f"    v{step['node']} = ")


def test_ledger_lines_by_hand() -> None:
    root, values = readme_neuron()
    replay = trace(root)
    n, w1 = values["n"], values["w1"]
    assert replay.forward_line(n) == "n = x1*w1 + x2*w2 + b = -6 + 6.881 = 0.8814"
    assert replay.forward_line(root) == "o = tanh(n) = tanh(0.8814) = 0.7071"
    # tanh' = 1 - o^2 = 0.5; + passes it on; d(x1*w1)/dw1 = x1 = 2
    assert replay.gradient_line(w1) == "grad(w1) = grad(x1*w1) × ∂(x1*w1)/∂w1 = 0.5 × 2 = 1"
    assert replay.gradient_line(root) == "grad(o) = 1 (the seed: d o / d o)"


def test_one_ledger_term_per_consumer_summed() -> None:
    a = Value(3.0, "a")
    z = a * a + a
    z.label = "z"
    line = trace(z).gradient_line(a)
    # d(a*a)/da twice (a is both operands) and d z/d a once: 3 + 3 + 1 = 7
    assert line.count("grad(") == 4
    # in the engine's order: z first (its + gives 1), then a*a
    assert line.endswith("= 1 × 1 + 1 × 3 + 1 × 3 = 7")


def test_ledger_writes_any_op_from_the_table() -> None:
    x, y = Value(2.0, "x"), Value(0.5, "y")
    replay = trace(logsumexp([x, y]) + (-x) / y - x**y)
    lines = [replay.forward_line(node) for node in replay.order if not node.is_leaf]
    assert any(line.startswith("logsumexp(x, y) = logsumexp(2, 0.5) = ") for line in lines)
    assert any(line.startswith("-x = -2 = ") for line in lines)
    assert any(line.startswith("(-x)/y = (-2)/0.5 = -4") for line in lines)
    assert any(line.startswith("x**y = 2**0.5 = 1.414") for line in lines)


def test_past_max_nodes_the_page_summarizes_and_says_so() -> None:
    root = chain(60)
    explorer = viz.explore(root, max_nodes=40)
    data = page_data(explorer)
    assert explorer.summarized
    assert "summary view" in data["summary"] and "max_nodes = 40" in data["summary"]
    assert len(data["nodes"]) == len(topological_order(root))  # stepping walks every node
    small = viz.explore(chain(3))
    assert not small.summarized and page_data(small)["summary"] == ""


def test_save_and_notebook_display(tmp_path: Path) -> None:
    root, _ = readme_neuron()
    explorer = viz.explore(root, title="a <neuron>")
    path = explorer.save(tmp_path / "page.html")
    assert path.read_text(encoding="utf-8") == explorer.html
    assert '<h1 id="tl-title">a &lt;neuron&gt;</h1>' in explorer.html
    frame = explorer._repr_html_()
    assert frame.startswith("<iframe srcdoc=") and 'sandbox="allow-scripts"' in frame
    with pytest.raises(ValueError, match=r"\.html"):
        explorer.save(tmp_path / "page.txt")
    with pytest.raises(TypeError, match="needs a Value"):
        viz.explore(1.0)  # type: ignore[arg-type]


def test_labels_cannot_break_out_of_the_page() -> None:
    x = Value(1.0, "</script><script>alert(1)</script>")
    explorer = viz.explore(x.exp())
    # the SVGs' and the data's JSON blocks, and the page's own script
    assert explorer.html.count("<script") == 3
    data = page_data(explorer)
    assert data["nodes"][0]["label"] == x.label


def test_inf_and_nan_travel_as_strings() -> None:
    x = Value(0.0, "x")
    y = x.log() * 0.0  # -inf, then nan
    data = page_data(viz.explore(y))
    assert {node["data"] for node in data["nodes"]} >= {"-inf", "nan"}
    assert all(
        not isinstance(node["data"], float) or math.isfinite(node["data"]) for node in data["nodes"]
    )
