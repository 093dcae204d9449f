"""A model's answer to a newcomer's first mistakes: a message that names the fix.

The layer sizes as an int, one number for a model of several inputs, a
batch given as one call: each is a TypeError naming the bad value, what is
accepted and the likely fix. The single Value a one-output layer returns
feeds a one-input layer as it is.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tinygrad_lite import MLP, Layer, Linear, Neuron, Value
from tinygrad_lite.nn import Module, Sequential


def test_mlp_with_an_int_for_the_layer_sizes_says_to_give_a_list() -> None:
    with pytest.raises(TypeError) as caught:
        MLP(2, 4)  # type: ignore[arg-type]
    message = str(caught.value)
    assert "nouts" in message and "int" in message and "4" in message
    assert "MLP(2, [4])" in message  # the likely fix


@pytest.mark.parametrize("nouts", ["16", 4.0, None])
def test_mlp_with_another_non_list_for_the_layer_sizes_names_it(nouts: Any) -> None:
    with pytest.raises(TypeError, match=type(nouts).__name__):
        MLP(2, nouts)


MODELS: dict[str, Callable[[int], Module]] = {
    "MLP": lambda nin: MLP(nin, [4, 1], seed=0),
    "Layer": lambda nin: Layer(nin, 3, seed=0),
    "Neuron": lambda nin: Neuron(nin, seed=0),
    "Linear": lambda nin: Linear(nin, 2, seed=0),
}


@pytest.mark.parametrize("make", MODELS.values(), ids=MODELS.keys())
@pytest.mark.parametrize("one", [1.0, 3, Value(1.0)], ids=["float", "int", "Value"])
def test_one_number_for_a_model_of_two_inputs_says_to_give_a_list(
    make: Callable[[int], Module], one: Any
) -> None:
    model = make(2)
    with pytest.raises(TypeError) as caught:
        model(one)
    message = str(caught.value)
    assert repr(model) in message
    assert "2 inputs" in message
    assert type(one).__name__ in message and repr(one) in message


@pytest.mark.parametrize("make", MODELS.values(), ids=MODELS.keys())
def test_a_batch_given_as_one_call_says_to_map_the_model(make: Callable[[int], Module]) -> None:
    model = make(2)
    with pytest.raises(TypeError) as caught:
        model([[1.0, 2.0], [3.0, 4.0]])
    message = str(caught.value)
    assert "batch" in message
    assert "[model(x) for x in xs]" in message
    assert "Value()" not in message  # not the constructor's message


@pytest.mark.parametrize("make", MODELS.values(), ids=MODELS.keys())
def test_a_bad_entry_is_named_with_its_position(make: Callable[[int], Module]) -> None:
    model = make(2)
    with pytest.raises(TypeError, match=r"\[1\].*str.*'a'"):
        model([1.0, "a"])


@pytest.mark.parametrize("make", MODELS.values(), ids=MODELS.keys())
def test_a_string_is_not_taken_for_a_list_of_inputs(make: Callable[[int], Module]) -> None:
    with pytest.raises(TypeError, match=r"str.*'ab'"):
        make(2)("ab")


def _outputs(result: Any) -> list[float]:
    values = result if isinstance(result, list) else [result]
    return [v.data for v in values]


@pytest.mark.parametrize("make", MODELS.values(), ids=MODELS.keys())
@pytest.mark.parametrize("one", [0.5, Value(0.5)], ids=["float", "Value"])
def test_a_one_input_model_takes_one_number_or_value_as_it_is(
    make: Callable[[int], Module], one: Any
) -> None:
    model = make(1)
    assert _outputs(model(one)) == _outputs(model([0.5]))


def test_the_value_a_one_output_layer_returns_feeds_a_one_input_layer() -> None:
    first, second = Layer(2, 1, seed=1), Layer(1, 1, activation=None, seed=2)
    x = [Value(0.3), Value(-0.7)]
    hidden = first(x)
    assert isinstance(hidden, Value)  # a single Value, as micrograd's Layer(n, 1) gives
    out = second(hidden)
    assert isinstance(out, Value)
    out.backward()
    neuron = second.neurons[0]
    assert out.data == neuron.w[0].data * hidden.data + neuron.b.data
    assert hidden.grad == neuron.w[0].data  # the gradient flowed through the lone Value
    assert x[0].grad != 0.0 or hidden.data == 0.0


def test_sequential_of_one_output_layers_chains() -> None:
    model = Sequential(Layer(2, 1, seed=0), Layer(1, 1, seed=1))
    assert isinstance(model([1.0, 2.0]), Value)


def test_the_right_inputs_still_work_as_lists_tuples_and_generators() -> None:
    model = MLP(2, [3, 1], seed=0)
    want = model([1.0, 2.0]).data  # type: ignore[union-attr]
    assert model((1.0, 2.0)).data == want  # type: ignore[union-attr]
    assert model([Value(1.0), 2]).data == want  # type: ignore[union-attr]
    assert model(x for x in (1.0, 2.0)).data == want  # type: ignore[union-attr, arg-type]
