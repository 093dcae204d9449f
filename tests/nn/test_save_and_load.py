"""``tinygrad_lite.save`` and ``tinygrad_lite.load``: one pair for every file the library writes."""

from __future__ import annotations

from pathlib import Path

import pytest

import tinygrad_lite
from tinygrad_lite import MLP, Value, draw_graph, explore, load, save
from tinygrad_lite.nn import Module


def test_a_model_saved_at_the_top_level_loads_back_with_its_weights(tmp_path: Path) -> None:
    model = MLP(2, [3, 1], seed=4)
    path = tmp_path / "model.json"
    assert save(model, path) == path
    twin = load(path)
    assert type(twin) is MLP and twin is not model
    assert twin.state_dict() == model.state_dict()


def test_load_is_the_checked_model_file_reader(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(ValueError, match=r"broken\.json"):
        load(path)


def test_a_module_of_your_own_is_saved_and_loaded_into_an_instance(tmp_path: Path) -> None:
    class Net(Module):
        def __init__(self) -> None:
            self.w = Value(0.25)

    net = Net()
    save(net, tmp_path / "net.json")
    with pytest.raises(ValueError, match=r"Net\(\)\.load\(path\)|\.load\(path\)"):
        load(tmp_path / "net.json")
    twin = Net()
    twin.w.data = 9.0
    twin.load(tmp_path / "net.json")
    assert twin.w.data == 0.25


def test_a_picture_and_an_explorer_page_are_saved_by_the_same_function(tmp_path: Path) -> None:
    pytest.importorskip("pygraphviz")
    x = Value(2.0, "x")
    y = x * x
    y.backward()
    svg = save(draw_graph(y), tmp_path / "y.svg")
    assert svg.read_text(encoding="utf-8").lstrip().startswith(("<?xml", "<svg"))
    page = save(explore(y), tmp_path / "y.html")
    assert "<html" in page.read_text(encoding="utf-8").lower()


def test_saving_a_value_says_to_draw_it_first(tmp_path: Path) -> None:
    with pytest.raises(TypeError, match=r"draw_graph\(.*explore\("):
        save(Value(1.0), tmp_path / "v.svg")
    assert not (tmp_path / "v.svg").exists()


@pytest.mark.parametrize("thing", [[1.0, 2.0], "text", None])
def test_saving_anything_else_names_it_and_what_is_saved(thing: object, tmp_path: Path) -> None:
    with pytest.raises(TypeError) as caught:
        save(thing, tmp_path / "x.json")  # type: ignore[arg-type]
    message = str(caught.value)
    assert type(thing).__name__ in message
    assert "Module" in message and "draw_graph" in message and "explore" in message


def test_the_names_are_the_top_level_ones() -> None:
    assert tinygrad_lite.save is save and tinygrad_lite.load is load
    assert {"save", "load", "explore"} <= set(tinygrad_lite.__all__)
