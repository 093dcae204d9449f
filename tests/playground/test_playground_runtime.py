"""The playground's Python side in CPython: the examples, the shown Value, errors by line.

The same module runs inside Pyodide in the page; here every promise is
checked against the engine directly.
"""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from playground_site import example_code

from tinygrad_lite import MLP, Value
from tinygrad_lite.engine import topological_order
from tinygrad_lite.playground.runtime import GRID, Session, run

EXAMPLES = example_code()


class Recorder:
    """Collects what a run emits, decoded."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, Any]] = []

    def __call__(self, kind: str, text: str) -> None:
        self.messages.append((kind, json.loads(text)))

    def kinds(self) -> list[str]:
        return [kind for kind, _ in self.messages]


def test_the_menu_has_the_six_examples_the_page_promises() -> None:
    assert list(EXAMPLES) == ["neuron", "source_document", "math", "mlp_loss", "custom_op", "moons"]


@pytest.mark.parametrize("name", list(EXAMPLES))
def test_each_example_runs_without_error_and_draws(name: str) -> None:
    recorder = Recorder()
    answer = run(EXAMPLES[name], recorder)
    assert answer["error"] is None
    expected = "training" if name == "moons" else "graph"
    assert expected in recorder.kinds()


def test_the_moons_example_redraws_once_per_epoch_with_every_loss_so_far() -> None:
    recorder = Recorder()
    run(EXAMPLES["moons"], recorder)
    trainings = [data for kind, data in recorder.messages if kind == "training"]
    assert [len(t["losses"]) for t in trainings] == list(range(1, len(trainings) + 1))
    assert trainings[-1]["losses"][-1] < trainings[0]["losses"][0]
    assert len(trainings[-1]["grid"]["scores"]) == GRID * GRID


def test_a_last_expression_that_is_a_value_is_shown_and_reported() -> None:
    recorder = Recorder()
    session = Session(recorder)
    answer = run("from tinygrad_lite import Value\nx = Value(3.0, 'x')\nx * x + 1", session)
    assert answer == {"error": None, "result": repr(session.last), "shown": 1}
    assert session.last is not None and session.last.data == 10.0
    assert recorder.kinds() == ["graph"]


def test_a_last_expression_that_is_not_a_value_is_reported_but_not_drawn() -> None:
    recorder = Recorder()
    assert run("[1, 2][0] + 1", recorder)["result"] == "2"
    assert run("x = 1", recorder)["result"] is None
    assert run("print('hi')", recorder)["result"] is None
    assert recorder.messages == []


def test_the_graph_message_carries_one_dot_node_per_page_node() -> None:
    recorder = Recorder()
    run(EXAMPLES["neuron"], recorder)
    (kind, message), *_ = recorder.messages
    nodes = message["data"]["nodes"]
    assert kind == "graph" and len(nodes) == 10
    assert list(message["views"]) == [""]  # one view: the graph itself, no summary
    for node in nodes:
        assert f'id="tl-{node["svg"]}"' in message["views"][""]  # the main view's prefix


def test_a_syntax_error_is_reported_with_its_line() -> None:
    answer = run("x = 1\ny = 2\nz = (x +\n", Recorder())
    assert answer["error"]["kind"] == "SyntaxError"
    assert answer["error"]["line"] == 3
    assert answer["error"]["message"].startswith("SyntaxError: ")


def test_a_runtime_error_is_reported_at_the_deepest_line_of_the_learners_code() -> None:
    code = "def f(x):\n    return x / 0 if x else [][1]\n\nf(0)\n"
    answer = run(code, Recorder())
    assert answer["error"]["kind"] == "IndexError"
    assert answer["error"]["line"] == 2
    assert "list index out of range" in answer["error"]["message"]
    # The traceback starts in the learner's code and quotes its lines.
    assert answer["error"]["traceback"].splitlines()[1].startswith('  File "<playground>", line 4')
    assert "return x / 0 if x else [][1]" in answer["error"]["traceback"]


def test_an_error_inside_the_library_points_at_the_learners_line_that_called_it() -> None:
    answer = run("from tinygrad_lite import Value\n\nValue('a')\n", Recorder())
    assert answer["error"]["kind"] == "TypeError"
    assert answer["error"]["line"] == 3


def test_show_refuses_what_is_not_a_value_and_names_its_type() -> None:
    answer = run("show(3.5)", Recorder())
    message = answer["error"]["message"]
    assert message.startswith("TypeError: show() draws a Value's graph, got float")
    assert answer["error"]["line"] == 1


def test_sys_exit_in_the_code_is_reported_not_raised() -> None:
    answer = run("import sys\nsys.exit(3)", Recorder())
    assert answer["error"]["kind"] == "SystemExit" and answer["error"]["line"] == 2


def test_show_training_paints_the_models_own_scores_on_a_grid_around_the_points() -> None:
    recorder = Recorder()
    model = MLP(2, [4, 1], seed=3)
    points = [[0.0, 0.0], [1.0, 2.0], [-1.0, 0.5]]
    Session(recorder).show_training(model, points, [1.0, -1.0, 1.0], [0.5, float("nan")])
    ((kind, message),) = recorder.messages
    grid = message["grid"]
    assert kind == "training" and message["labels"] == [1, -1, 1]
    assert message["losses"] == [0.5, None]  # JSON has no nan
    assert grid["xMin"] < -1.0 and grid["xMax"] > 1.0 and grid["yMin"] < 0.0 and grid["yMax"] > 2.0
    # The top-left cell's centre, scored by the model with a graph.
    x = grid["xMin"] + 0.5 * (grid["xMax"] - grid["xMin"]) / GRID
    y = grid["yMax"] - 0.5 * (grid["yMax"] - grid["yMin"]) / GRID
    score = model([Value(x), Value(y)])
    assert isinstance(score, Value)
    assert grid["scores"][0] == pytest.approx(score.data, rel=1e-12)


def test_show_training_refuses_points_and_labels_of_different_lengths() -> None:
    with pytest.raises(ValueError, match="one label per point, got 2 points and 1 labels"):
        Session(Recorder()).show_training(MLP(2, [1], seed=0), [[0, 0], [1, 1]], [1], [])


def test_the_shown_values_grads_are_those_of_one_backward_from_zero() -> None:
    # The page replays gradients from zero; the example's own backward() must not double them.
    recorder = Recorder()
    session = Session(recorder)
    run(EXAMPLES["neuron"], session)
    assert session.last is not None
    ((_, message),) = recorder.messages
    order = topological_order(session.last)
    for node in order:
        node.grad = 0.0
    session.last.backward()
    shown = {step["node"]: step for step in message["data"]["steps"] if step["phase"] == "backward"}
    final: dict[int, float] = {}
    for step in message["data"]["steps"]:
        for target, grad, _ in step.get("grad", []):
            final[target] = grad
    assert shown  # the backward pass has steps
    for i, node in enumerate(order):
        assert math.isclose(final[i], node.grad, rel_tol=1e-12, abs_tol=1e-15)
