"""A model's graph drawn as a network: checked on the coordinates of the rendered SVG.

Layers are columns left to right, neurons top to bottom in model order, and a
neuron's parameters top to bottom in the order ``w0, w1, ..., b``.
"""

from __future__ import annotations

import itertools
import re
import xml.etree.ElementTree as ET

import pytest

from tinygrad_lite import viz
from tinygrad_lite.engine import Value
from tinygrad_lite.nn import MLP

pytest.importorskip("pygraphviz")

SVG = "{http://www.w3.org/2000/svg}"


def mlp_loss(sizes: list[int], points: int) -> tuple[MLP, Value]:
    model = MLP(2, sizes, seed=1)
    rows = [[0.5 * k - 1.0, 1.0 - 0.25 * k] for k in range(points)]
    loss = sum(((model(row) - 1.0) ** 2 for row in rows), Value(0.0, "start"))
    loss.label = "loss"
    return model, loss


def numbers(text: str) -> list[float]:
    return [float(x) for x in re.findall(r"-?\d+(?:\.\d+)?", text)]


def boxes(
    svg: str,
) -> tuple[dict[str, tuple[float, float, float, float]], list[tuple[str, float, float]]]:
    """Cluster boxes by path (left, top, right, bottom) and record titles with their centres."""
    root = ET.fromstring(svg)
    clusters: dict[str, tuple[float, float, float, float]] = {}
    records: list[tuple[str, float, float]] = []
    for group in root.iter(f"{SVG}g"):
        title = group.find(f"{SVG}title")
        kind = group.get("class")
        shape = next((e for e in group.iter() if e.tag in (f"{SVG}path", f"{SVG}polygon")), None)
        if title is None or shape is None:
            continue
        coordinates = numbers(shape.get("d") or shape.get("points") or "")
        xs, ys = coordinates[0::2], coordinates[1::2]
        if kind == "cluster":
            clusters[(title.text or "").removeprefix("cluster_")] = (
                min(xs),
                min(ys),
                max(xs),
                max(ys),
            )
        elif kind == "node":
            texts = [t.text or "" for t in group.iter(f"{SVG}text")]
            if texts:
                records.append((texts[0], (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2))
    return clusters, records


def inside(box: tuple[float, float, float, float], x: float, y: float) -> bool:
    return box[0] <= x <= box[2] and box[1] <= y <= box[3]


@pytest.mark.parametrize(("sizes", "points"), [([3, 3, 1], 2), ([8, 8, 1], 4)])
def test_layers_neurons_and_parameters_sit_in_model_order(sizes: list[int], points: int) -> None:
    model, loss = mlp_loss(sizes, points)
    picture = viz.draw_graph(loss, cluster=model, max_nodes=10_000)
    clusters, records = boxes(picture.pipe("svg").decode("utf-8"))
    layers = [clusters[f"layers.{k}"] for k in range(len(sizes))]
    for left, right in itertools.pairwise(layers):
        assert left[2] < right[0]  # columns, left to right, not overlapping
    for k, size in enumerate(sizes):
        neurons = [clusters[f"layers.{k}.neurons.{j}"] for j in range(size)]
        for upper, lower in itertools.pairwise(neurons):
            assert upper[3] < lower[1]  # top to bottom (SVG y grows downwards)
        for j, box in enumerate(neurons):
            assert inside(layers[k], box[0], box[1]) and inside(layers[k], box[2], box[3])
            nin = 2 if k == 0 else sizes[k - 1]
            expected = [f"w{i}" for i in range(nin)] + ["b"]
            found = sorted(
                (y, title) for title, x, y in records if inside(box, x, y) and title in expected
            )
            assert [title for _, title in found] == expected, (k, j, found)
    # the inputs left of the first layer, the loss right of the last
    inputs = [x for title, x, _ in records if re.fullmatch(r"x\d+", title)]
    assert inputs and max(inputs) < layers[0][0]
    (loss_x,) = [x for title, x, _ in records if title == "loss"]
    assert loss_x > layers[-1][2]


def test_the_summary_lists_neurons_top_to_bottom_in_model_order() -> None:
    model, loss = mlp_loss([8, 8, 1], 4)
    picture = viz.draw_graph(loss, cluster=model, max_nodes=50)
    _, records = boxes(picture.pipe("svg").decode("utf-8"))
    for k, size in enumerate([8, 8, 1]):
        ys = {t: y for t, _, y in records if t.startswith(f"layers.{k}.neurons.")}
        order = sorted(ys, key=ys.__getitem__)
        assert order == [f"layers.{k}.neurons.{j}" for j in range(size)]
    xs = {t: x for t, x, _ in records}
    assert (
        xs["inputs"]
        < xs["layers.0.neurons.0"]
        < xs["layers.1.neurons.0"]
        < xs["layers.2.neurons.0"]
    )


def test_edges_between_layers_are_distinct_lines() -> None:
    model, loss = mlp_loss([3, 3, 1], 1)
    svg = viz.draw_graph(loss, cluster=model).pipe("svg").decode("utf-8")
    root = ET.fromstring(svg)
    paths = [
        tuple(numbers(path.get("d") or ""))
        for group in root.iter(f"{SVG}g")
        if group.get("class") == "edge"
        for path in group.iter(f"{SVG}path")
    ]
    assert len(paths) == len(set(paths))  # no two edges drawn on one route
    edges = sum(
        1 for line in viz.draw_graph(loss, cluster=model).source.splitlines() if "->" in line
    )
    assert len(paths) == edges
