"""One name for each thing, and the numbers a picture shows: parameters, sum()'s
start value, -0, and the graph of a create_graph gradient.

Expected numbers are worked out by hand or come from the engine.
"""

from __future__ import annotations

import math
import re

import pytest
from test_viz import Picture

from tinygrad_lite import viz
from tinygrad_lite.engine import Value
from tinygrad_lite.nn import Neuron
from tinygrad_lite.viz.ledger import number, trace

pytest.importorskip("pygraphviz")


def titles(picture: Picture) -> set[str]:
    return {node.split(" | ")[0] for node in picture.nodes if " | data" in node}


def test_unlabelled_parameters_are_p0_p1_never_input_names() -> None:
    neuron = Neuron(3, activation="tanh", seed=0)
    xs = [Value(0.5), Value(-1.0), Value(2.0)]
    picture = Picture(viz.draw_graph(neuron(xs), parameters=neuron.parameters()))
    shown = titles(picture)
    assert {"p0", "p1", "p2", "p3"} <= shown
    assert {"x0", "x1", "x2"} <= shown and "x3" not in shown
    fill = dict(zip(picture.nodes, picture.fills, strict=True))
    (p0,) = [node for node in picture.nodes if node.startswith("p0 | ")]
    assert fill[p0] == viz.PARAMETER_COLOR


def test_a_model_names_its_parameters_the_same_in_picture_and_ledger() -> None:
    neuron = Neuron(2, activation="relu", seed=0)
    out = neuron([Value(1.0, "u"), Value(2.0, "v")])
    shown = titles(Picture(viz.draw_graph(out, cluster=neuron)))
    assert {"w0", "w1", "b"} <= shown
    page = viz.explore(out, cluster=neuron).html
    assert '"name":"w0"' in page and '"name":"w.0"' not in page


def test_sums_start_value_is_drawn_as_a_constant() -> None:
    x, y = Value(2.0, "x"), Value(3.0, "y")
    total = sum([x * x, y], Value(0.0))
    picture = Picture(viz.draw_graph(total))
    assert "x0" not in titles(picture)  # not taken for an input
    fill = dict(zip(picture.nodes, picture.fills, strict=True))
    starts = [node for node in picture.nodes if node.startswith("data 0 | ")]
    assert starts and all(fill[node] == viz.CONSTANT_COLOR for node in starts)
    assert "constant" in picture.legend
    line = trace(total).forward_line(total.parents[0].parents[0])
    assert line.startswith("0 + x*x = ") or "0 = 0 (a constant)" in line or "0 +" in line


def test_no_minus_zero_in_numbers_or_captions() -> None:
    assert number(-0.0) == "0"
    assert number(-1e-9) != "0"  # a small negative number keeps its sign
    x = Value(0.0, "x")
    y = (-x).relu()
    y.label = "y"
    replay = trace(y)
    lines = [replay.forward_line(node) for node in replay.order]
    assert not any(re.search(r"(?<![\d.e])-0(?![.\d])", line) for line in lines), lines


def test_a_create_graph_gradient_shows_its_own_gradients_without_unit_products() -> None:
    x = Value(0.5, "x")
    y = x.exp() * x.sin()
    y.label = "y"
    y.backward(create_graph=True)
    picture = Picture(viz.draw_graph(x.grad))
    # d(x.grad)/dx = d/dx e^x (sin x + cos x) = 2 e^x cos x, by hand
    expected = 2 * math.exp(0.5) * math.cos(0.5)
    (shown,) = [node for node in picture.nodes if node.startswith("x | ")]
    assert shown.endswith(f"grad {number(expected)}")
    # the first pass's gradients are not shown: d y / d exp(x) = sin(0.5) would be
    (exp_node,) = [n for n in picture.nodes if n.startswith(f"data {number(math.exp(0.5))} | ")]
    assert not exp_node.endswith(f"grad {number(math.sin(0.5))}")
    assert not [node for node in picture.nodes if node == "1"]  # no 1 * e^x noise
    assert "drawn as v" in picture.caption


def test_edge_labels_are_as_large_as_node_text() -> None:
    x = Value(2.0, "x")
    source = viz.draw_graph(x * x + 1, show_local_grad=True).source
    node = re.search(r'\tnode \[[^]]*fontsize="([\d.]+)"', source)
    edge = re.search(r'\tedge \[[^]]*fontsize="([\d.]+)"', source)
    assert node and edge and float(edge.group(1)) >= float(node.group(1))
