"""Tests for tinygrad_lite.viz: real SVG rendered in-process by pygraphviz, parsed and counted."""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from tinygrad_lite import viz
from tinygrad_lite.engine import Value, dot

SVG = "{http://www.w3.org/2000/svg}"


class Picture:
    """The parts of a rendered SVG a test looks at."""

    def __init__(self, graph: Any) -> None:
        self.source: str = graph.source
        root = ET.fromstring(graph.pipe(format="svg"))
        self.nodes: list[str] = []
        self.fills: list[str] = []
        self.edges: list[str] = []
        self.edge_labels: list[str] = []
        self.clusters: list[str] = []
        self.caption = ""
        self.legend: list[str] = []
        self.legend_fills: dict[str, str] = {}
        self.text_y: dict[str, float] = {}
        self.label_boxes: list[tuple[float, float, float, float]] = []
        self.cluster_title_boxes: list[tuple[float, float, float, float]] = []
        for group in root.iter(f"{SVG}g"):
            kind = group.get("class")
            texts = [t.text or "" for t in group.iter(f"{SVG}text")]
            title = group.findtext(f"{SVG}title") or ""
            for t in group.iter(f"{SVG}text"):
                self.text_y.setdefault(t.text or "", float(t.get("y", "0")))
            if kind == "node":
                self.nodes.append(" | ".join(texts))
                shape = group.find(f"{SVG}polygon")
                if shape is None:
                    shape = group.find(f"{SVG}path")
                if shape is None:
                    shape = group.find(f"{SVG}ellipse")
                self.fills.append(shape.get("fill", "") if shape is not None else "")
            elif kind == "edge":
                self.edges.append(title)
                self.edge_labels.extend(texts)
                self.label_boxes.extend(_box(t) for t in group.iter(f"{SVG}text"))
            elif kind == "cluster":
                self.clusters.append(title)
                self.cluster_title_boxes.extend(_box(t) for t in group.iter(f"{SVG}text"))
            elif kind == "graph":
                own = [t.text or "" for t in group.findall(f"{SVG}text")]
                self.caption = " ".join(own)
                # The legend: coloured cells under the caption, each a polygon then a text.
                fill = ""
                for child in group:
                    if child.tag in (f"{SVG}polygon", f"{SVG}path") and child.get("fill") != "none":
                        fill = child.get("fill", "")
                    elif child.tag == f"{SVG}text" and child.text:
                        self.legend.append(child.text)
                        self.legend_fills[child.text] = fill

    def with_text(self, text: str) -> list[str]:
        return [node for node in self.nodes if text in node]


def _box(text: ET.Element) -> tuple[float, float, float, float]:
    """A text's extent in points: font size tall, 0.6 em per character wide (DejaVu Sans)."""
    size = float(text.get("font-size", "10"))
    width = 0.6 * size * len(text.text or "")
    x, y = float(text.get("x", "0")), float(text.get("y", "0"))
    anchor = text.get("text-anchor", "middle")
    left = x - width / 2 if anchor == "middle" else (x - width if anchor == "end" else x)
    return (left, y - 0.8 * size, left + width, y + 0.2 * size)


def neuron() -> tuple[Value, Value, Value, Value]:
    x = Value(2.0, "x")
    w = Value(-3.0, "w")
    b = Value(6.881373587019543, "b")
    n = x * w + b
    n.label = "n"
    y = n.tanh()
    y.label = "y"
    return x, w, b, y


def test_neuron_nodes_edges_and_labels() -> None:
    _x, _w, _b, y = neuron()
    y.backward()
    picture = Picture(viz.draw_graph(y))
    # 6 values (x, w, b, x*w, n, y) and 3 ops (*, +, tanh)
    assert len(picture.nodes) == 9
    assert len(picture.edges) == 8
    assert picture.with_text("x | data 2 | grad -1.5")
    assert picture.with_text("y | data 0.7071 | grad 1")
    assert picture.with_text("n | data 0.8814 | grad 0.5")
    assert sorted(n for n in picture.nodes if "data" not in n) == ["*", "+", "tanh"]


def test_every_value_picture_has_a_colour_legend_of_the_roles_it_shows() -> None:
    _x, w, b, y = neuron()
    picture = Picture(viz.draw_graph(y, parameters=[w, b]))
    for role in ("input", "parameter", "output"):
        assert role in picture.legend
    assert "constant" not in picture.legend  # x*w + b has no constant
    assert picture.legend_fills["input"] == viz.INPUT_COLOR
    assert picture.legend_fills["parameter"] == viz.PARAMETER_COLOR
    assert picture.legend_fills["output"] == viz.OUTPUT_COLOR
    with_constant = Picture(viz.draw_graph(y * 2))
    assert with_constant.legend_fills["constant"] == viz.CONSTANT_COLOR


def test_non_commutative_ops_mark_their_operands() -> None:
    a, b = Value(5.0, "a"), Value(2.0, "b")
    for expression, template in ((a - b, "a - b"), (a / b, "a/b"), (a**b, "a**b")):
        picture = Picture(viz.draw_graph(expression))
        assert picture.with_text(template) or template in picture.nodes
        assert sorted(picture.edge_labels) == ["a", "b"]
    # commutative ops stay unmarked
    assert Picture(viz.draw_graph(a + b)).edge_labels == []
    assert Picture(viz.draw_graph(a * b)).edge_labels == []
    # a number operand is marked too: 2 - x
    picture = Picture(viz.draw_graph(2 - a, show_local_grad=True))
    assert sorted(picture.edge_labels) == ["a", "b: ∂=-1"]


def test_marked_operands_keep_their_order_on_screen() -> None:
    # b is defined first, so a naive layout would put it first; a - b draws a above b.
    b, a = Value(2.0, "b"), Value(5.0, "a")
    picture = Picture(viz.draw_graph(a - b))
    assert picture.text_y["a"] < picture.text_y["b"]


def test_weights_inside_a_neuron_stay_in_order() -> None:
    nn = pytest.importorskip("tinygrad_lite.nn")
    neuron_ = nn.Neuron(5, seed=3)
    out = neuron_([Value(float(i), "") for i in range(5)])
    picture = Picture(viz.draw_graph(out, cluster=neuron_))
    heights = [picture.text_y[f"w{i}"] for i in range(5)]
    assert heights == sorted(heights)
    inputs = [picture.text_y[f"x{i}"] for i in range(5)]
    assert inputs == sorted(inputs)


def test_edge_labels_never_overlap_each_other_or_cluster_titles() -> None:
    mlp, loss = model()
    picture = Picture(viz.draw_graph(loss, cluster=mlp, show_local_grad=True))
    boxes = picture.label_boxes + picture.cluster_title_boxes
    assert len(picture.label_boxes) > 30
    overlaps = [
        (one, two)
        for i, one in enumerate(boxes)
        for two in boxes[i + 1 :]
        if one[0] < two[2] and two[0] < one[2] and one[1] < two[3] and two[1] < one[3]
    ]
    assert overlaps == []


def test_the_graph_of_a_gradient_is_labelled_as_such() -> None:
    x = Value(3.0, "x")
    y = x**3
    y.backward(create_graph=True)
    gradient = x.grad
    assert isinstance(gradient, Value)
    picture = Picture(viz.draw_graph(gradient))
    assert picture.with_text("x.grad | data 27")  # 3 x^2 at x = 3
    assert "the graph of x.grad, recorded by backward(create_graph=True)" in picture.caption
    plain = Picture(viz.draw_graph(y))
    assert "create_graph" not in plain.caption


def test_structure_alone_shows_no_data() -> None:
    _x, _w, _b, y = neuron()
    picture = Picture(viz.draw_graph(y, show_data=False, show_grad=False))
    assert picture.with_text("x | data ?")
    assert not picture.with_text("data 2")


def test_roles_are_coloured() -> None:
    _x, w, b, y = neuron()
    picture = Picture(viz.draw_graph(y, parameters=[w, b]))
    fill = dict(zip(picture.nodes, picture.fills, strict=True))
    assert fill[picture.with_text("y | data")[0]] == viz.OUTPUT_COLOR
    assert fill[picture.with_text("w | data")[0]] == viz.PARAMETER_COLOR
    assert fill[picture.with_text("x | data")[0]] == viz.INPUT_COLOR
    assert fill[picture.with_text("n | data")[0]] == viz.INTERMEDIATE_COLOR


def test_shared_node_is_drawn_once_with_several_out_edges() -> None:
    a = Value(3.0, "a")
    z = a * a + a
    z.backward()
    picture = Picture(viz.draw_graph(z))
    assert len(picture.with_text("a | data 3")) == 1
    assert picture.with_text("a | data 3 | grad 7")  # 2a + 1
    # a, a*a, z and the ops * and +; a feeds * twice and + once
    assert len(picture.nodes) == 5
    assert len(picture.edges) == 6
    a_name = "v1"  # the first value in topological order
    assert sum(edge.startswith(f"{a_name}->") for edge in picture.edges) == 3


def test_number_operand_is_a_constant_leaf() -> None:
    x = Value(2.0, "x")
    y = x**3
    picture = Picture(viz.draw_graph(y))
    constants = [n for n, f in zip(picture.nodes, picture.fills, strict=True) if f == "#e0e0e0"]
    assert constants == ["3"]
    assert len(picture.nodes) == 4  # x, 3, **, y


def test_local_gradients_on_edges() -> None:
    _x, _w, _b, y = neuron()
    picture = Picture(viz.draw_graph(y, show_local_grad=True, show_grad=False))
    # d(x*w)/dx = w = -3, d(x*w)/dw = x = 2, + gives 1 twice, tanh' = 1 - y^2 = 0.5
    assert sorted(picture.edge_labels) == sorted(["∂=-3", "∂=2", "∂=1", "∂=1", "∂=0.5"])
    assert not picture.with_text("grad")


def test_expand_draws_dot_as_products_and_sums() -> None:
    weights = [Value(0.5, "w0"), Value(-1.0, "w1")]
    inputs = [Value(1.0, "x0"), Value(2.0, "x1")]
    bias = Value(0.1, "b")
    out = dot(weights, inputs, bias).tanh()
    out.backward()
    compact = Picture(viz.draw_graph(out))
    expanded = Picture(viz.draw_graph(out, expand=True))
    assert len(compact.nodes) == 9  # 5 leaves, dot, out, and the ops dot and tanh
    # + 2 products, 1 partial sum (each a value and an op), the dot becomes a +
    assert len(expanded.nodes) == 15
    ops = sorted(n for n in expanded.nodes if "data" not in n)
    assert ops == ["*", "*", "+", "+", "tanh"]
    assert expanded.with_text("data 0.5 | grad")  # w0*x0
    assert expanded.with_text("data 0.6 | grad")  # b + w0*x0
    assert expanded.with_text("data -1.4 | grad")  # the dot node itself
    # every partial sum carries the dot node's gradient
    dot_grad = f"grad {out.parents[0].grad:.4g}"
    assert len(expanded.with_text(dot_grad)) >= 4


def model() -> tuple[Any, Value]:
    nn = pytest.importorskip("tinygrad_lite.nn")
    mlp = nn.MLP(2, [3, 2, 1], seed=1)
    out = mlp([1.0, -2.0])
    out = out[0] if isinstance(out, list) else out
    loss = (out - 1.0) ** 2
    loss.backward()
    return mlp, loss


def test_clusters_per_layer_and_neuron() -> None:
    mlp, loss = model()
    picture = Picture(viz.draw_graph(loss, cluster=mlp))
    assert {"cluster_layers.0", "cluster_layers.1", "cluster_layers.2"} <= set(picture.clusters)
    neurons = [c for c in picture.clusters if ".neurons." in c]
    assert len(neurons) == 3 + 2 + 1
    # parameters are named inside their neuron's box, numbered from 0 like the inputs
    assert len(picture.with_text("w0 | data")) == 6
    assert len(picture.with_text("b | data")) == 6
    assert picture.with_text("x0 | data 1")
    assert picture.with_text("x1 | data -2")
    assert "summarized" not in picture.caption


def test_summary_mode_one_box_per_neuron() -> None:
    mlp, loss = model()
    picture = Picture(viz.draw_graph(loss, cluster=mlp, max_nodes=20))
    assert "summarized: 50 nodes, more than the limit of 20" in picture.caption
    assert "max_nodes" not in picture.caption  # no Python argument told to CLI users
    boxes = picture.with_text("parameters")
    assert len(boxes) == 6
    assert picture.with_text("layers.0.neurons.0 | 3 parameters, 2 ops")
    assert picture.with_text("layers.1.neurons.0 | 4 parameters")
    assert picture.with_text("inputs | 2 values")
    assert picture.with_text("output | data")
    # inputs -> 3 neurons, 3 x 2 between layers 0 and 1, 2 into layer 2, then out
    assert len(picture.edges) == 3 + 6 + 2 + 2
    assert {"cluster_layers.0", "cluster_layers.1"} <= set(picture.clusters)


def test_truncation_without_a_model_says_so() -> None:
    x = Value(0.5, "x")
    y = x
    for _ in range(100):
        y = (y * 0.9).tanh()
    picture = Picture(viz.draw_graph(y, max_nodes=20))
    assert "truncated: 501 nodes, more than the limit of 20" in picture.caption
    assert "showing the 10 values nearest the output" in picture.caption
    assert "cluster=" not in picture.caption
    assert picture.with_text("more nodes")
    assert len(picture.nodes) <= 20 + 12  # the kept values, their ops and the "more" box


def test_highlight_outlines_in_red() -> None:
    x, _w, _b, y = neuron()
    source = viz.draw_graph(y, highlight=[x]).source
    assert source.count(viz.HIGHLIGHT_COLOR) == 1


def test_record_characters_are_escaped() -> None:
    x = Value(1.0, 'a|b{c}<d>"e\\')
    picture = Picture(viz.draw_graph(x.exp()))
    assert picture.with_text('a|b{c}<d>"e\\')


def test_bad_arguments() -> None:
    x = Value(1.0)
    with pytest.raises(ValueError, match="rankdir"):
        viz.draw_graph(x, rankdir="XY")
    with pytest.raises(ValueError, match="max_nodes"):
        viz.draw_graph(x, max_nodes=0)
    with pytest.raises(TypeError, match="needs a Value"):
        viz.draw_graph(1.0)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="named_parameters"):
        viz.draw_graph(x, cluster=object())  # type: ignore[arg-type]


def test_backward_steps_one_frame_per_arriving_gradient() -> None:
    x, w, b, y = neuron()
    steps = viz.backward_steps(y)
    # the seed, then tanh -> n, + -> (x*w, b), * -> (x, w)
    assert len(steps) == 1 + 1 + 2 + 2
    first, last = Picture(steps[0]), Picture(steps[-1])
    assert len(first.with_text("grad ?")) == 5
    assert first.with_text("y | data 0.7071 | grad 1")
    assert "step 0: y.grad = 1, the seed" in first.caption
    assert not last.with_text("grad ?")
    assert x.grad == 0.0  # the graph itself is untouched
    y.backward()
    for leaf in (x, w, b):
        assert last.with_text(f"{leaf.label} | data {leaf.data:.4g} | grad {leaf.grad:.4g}")
    # Each caption is its ledger line, by hand: tanh' = 1 - y^2 = 0.5, d(x*w)/dw = x = 2.
    captions = [Picture(step).caption for step in steps]
    assert "step 1: n.grad += 1 × 0.5 = 0.5" in captions[1]
    assert "step 5: w.grad += 0.5 × 2 = 1" in captions[5]


def test_backward_steps_accumulate_a_shared_gradient() -> None:
    a = Value(3.0, "a")
    z = a * a + a
    captions = [Picture(step).caption for step in viz.backward_steps(z)]
    # + gives a its first 1; then a*a gives 3 and 3 more: 2a + 1 = 7 in all
    assert any("a.grad += 1 × 1 = 1" in c for c in captions)
    assert any("a.grad += 1 × 3 = 3 (now 4)" in c for c in captions)
    assert any("a.grad += 1 × 3 = 3 (now 7)" in c for c in captions)


def node_boxes(svg: bytes) -> dict[str, str]:
    """Each node's first text -> the points of its outline, from an SVG."""
    root = ET.fromstring(svg)
    boxes = {}
    for group in root.iter(f"{SVG}g"):
        if group.get("class") == "node":
            shape = group.find(f"{SVG}polygon")
            if shape is None:
                shape = group.find(f"{SVG}ellipse")
            assert shape is not None
            key = group.get("id", "")
            boxes[key] = " ".join(
                f"{k}={v}" for k, v in sorted(shape.attrib.items()) if k != "fill"
            )
    return boxes


def test_backward_steps_share_one_layout() -> None:
    _x, _w, _b, y = neuron()
    steps = viz.backward_steps(y)
    outlines = [node_boxes(step.pipe("svg")) for step in steps]
    stripped = [
        {
            k: " ".join(p for p in v.split() if p.startswith("points=") or p.startswith("c"))
            for k, v in outline.items()
        }
        for outline in outlines
    ]
    assert all(s == stripped[0] for s in stripped[1:])
    sizes = {Picture(step).nodes.__len__() for step in steps}
    assert sizes == {9}
    pngs = [step.pipe("png") for step in steps]
    assert len({png[16:24] for png in pngs}) == 1  # every frame the same width and height


def test_draw_calls_reproduces_figure_2() -> None:
    picture = Picture(viz.draw_calls(viz.naive_fib, 4))
    assert len(picture.nodes) == 9
    assert len(picture.edges) == 8
    twice = picture.with_text("naive_fib(2)")
    assert len(twice) == 2
    fill = dict(zip(picture.nodes, picture.fills, strict=True))
    assert all(fill[node] == "#e06666" for node in twice)
    assert fill[picture.with_text("naive_fib(4)")[0]] == "none"
    assert "naive_fib(2)" in picture.caption
    # fib(4) calls fib(2) twice, fib(1) three times and fib(0) twice: all are listed
    for label in ("naive_fib(2) ×2", "naive_fib(1) ×3", "naive_fib(0) ×2"):
        assert label in picture.caption
    assert "naive_fib(3)" not in picture.caption and "naive_fib(4)" not in picture.caption


def test_draw_calls_refuses_runaway_recursion() -> None:
    with pytest.raises(ValueError, match="max_calls=50"):
        viz.draw_calls(viz.naive_fib, 20, max_calls=50)
    assert sys.getprofile() is None


def test_draw_naive_reproduces_figure_1() -> None:
    naive = pytest.importorskip("tinygrad_lite.naive")
    x, y = naive.Var(3.0, "x"), naive.Var(4.0, "y")
    z = naive.Add(naive.Add(x, naive.Const(2.0)), y)
    naive.reset_visits()
    picture = Picture(viz.draw_naive(z))
    assert naive.visits() == 0  # drawing does not evaluate the tree
    assert len(picture.nodes) == 5
    assert len(picture.edges) == 4
    assert sorted(picture.nodes) == ["+", "+", "2", "x = 3", "y = 4"]
    fill = dict(zip(picture.nodes, picture.fills, strict=True))
    assert fill["x = 3"] == viz.INPUT_COLOR
    assert fill["2"] == viz.CONSTANT_COLOR
    with_values = Picture(viz.draw_naive(z, show_value=True))
    assert with_values.with_text("+ | = 9")
    assert with_values.with_text("+ | = 5")


def test_draw_naive_repeats_a_shared_subtree() -> None:
    naive = pytest.importorskip("tinygrad_lite.naive")
    shared = naive.Add(naive.Var(1.0, "x"), naive.Const(2.0))
    picture = Picture(viz.draw_naive(naive.Mul(shared, shared)))
    assert len(picture.nodes) == 7  # a tree: the shared Add and its leaves twice
    assert picture.nodes.count("2") == 2
    assert picture.nodes.count("x = 1") == 2
    with pytest.raises(ValueError, match="max_nodes=5"):
        viz.draw_naive(naive.Mul(shared, shared), max_nodes=5)


@pytest.mark.parametrize("suffix", ["svg", "png", "pdf"])
def test_save_by_suffix(tmp_path: Path, suffix: str) -> None:
    _x, _w, _b, y = neuron()
    path = viz.save(viz.draw_graph(y), tmp_path / f"graph.{suffix}")
    head = path.read_bytes()[:16]
    expected = {"svg": b"<?xml", "png": b"\x89PNG", "pdf": b"%PDF"}[suffix]
    assert head.startswith(expected)


def test_save_refuses_other_suffixes(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"\.svg, \.png or \.pdf"):
        viz.save(viz.draw_graph(Value(1.0)), tmp_path / "graph.gif")


def test_value_svg_for_jupyter() -> None:
    _x, _w, _b, y = neuron()
    svg = viz.value_svg(y)
    assert svg is not None
    assert ET.fromstring(svg.encode()).tag == f"{SVG}svg"


def test_import_needs_no_graphviz() -> None:
    code = (
        "import sys, tinygrad_lite, tinygrad_lite.viz, tinygrad_lite.cli.expression, "
        "tinygrad_lite.cli; assert 'pygraphviz' not in sys.modules, 'pygraphviz imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_save_steps_numbers_the_files(tmp_path: Path) -> None:
    x = Value(0.5, "x")
    steps = viz.backward_steps((x * x).tanh())
    paths = viz.save_steps(steps, tmp_path / "steps")
    # the seed, tanh -> x*x, then * -> x twice
    assert [p.name for p in paths] == ["step_00.svg", "step_01.svg", "step_02.svg", "step_03.svg"]
    assert all(p.read_bytes().startswith(b"<?xml") for p in paths)


def test_a_value_displays_as_its_graph_in_notebooks() -> None:
    x = Value(2.0, "x")
    y = (x * x).tanh()
    svg = y._repr_svg_()
    assert svg is not None and "<svg" in svg and "tanh" in svg
    assert Value._svg_renderer is viz.value_svg


def test_backward_steps_as_an_animated_gif(tmp_path: Path) -> None:
    from PIL import Image

    x = Value(0.5, "x")
    steps = viz.backward_steps((x * x).tanh())
    path = viz.save_animation(steps, tmp_path / "backward.gif", seconds_per_frame=0.5)
    with Image.open(path) as gif:
        assert gif.format == "GIF"
        assert gif.n_frames == len(steps) == 4
        assert gif.info["duration"] == 500
    with pytest.raises(ValueError, match=r"\.gif"):
        viz.save_animation(steps, tmp_path / "backward.png")
    with pytest.raises(ValueError, match="at least one"):
        viz.save_animation([], tmp_path / "empty.gif")
