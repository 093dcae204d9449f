"""The engine's answer to a newcomer's first mistakes: a message that says what to do.

Each mistake gets an error naming the bad value, what is accepted and the
likely fix, raised before anything changes; numpy arrays mix with Values in
both orders.
"""

from __future__ import annotations

import builtins
import math
from typing import Any

import numpy as np
import pytest

import tinygrad_lite
from tinygrad_lite import Value

# -- backward's seed ----------------------------------------------------------


@pytest.mark.parametrize("seed", [[1.0], (1.0,), "1.0", None, 1j])
def test_backward_names_its_own_seed_argument(seed: Any) -> None:
    x = Value(2.0)
    y = x * x
    with pytest.raises(TypeError) as caught:
        y.backward(seed)
    message = str(caught.value)
    assert message.startswith("backward()")
    assert type(seed).__name__ in message and repr(seed) in message
    assert "Value()" not in message  # not the constructor's message
    assert x.grad == 0.0 and y.grad == 0.0  # nothing changed


def test_backward_of_a_list_says_how_to_reduce_it() -> None:
    with pytest.raises(TypeError, match=r"one number.*total\("):
        (Value(2.0) * 3.0).backward([1.0])  # type: ignore[arg-type]


def test_backward_accepts_a_value_seed_as_its_number() -> None:
    x = Value(2.0)
    (x * x).backward(Value(3.0))
    assert x.grad == 12.0 and type(x.grad) is float


# -- assigning data -------------------------------------------------------------


@pytest.mark.parametrize("bad", ["a", None, [1.0], 1j, Value(1.0)])
def test_assigning_data_that_is_not_a_real_number_is_refused_at_once(bad: Any) -> None:
    v = Value(1.5)
    with pytest.raises(TypeError) as caught:
        v.data = bad
    message = str(caught.value)
    assert "data" in message and type(bad).__name__ in message
    assert v.data == 1.5  # unchanged


def test_a_value_assigned_as_data_gets_the_hint_to_read_its_number() -> None:
    v = Value(1.5)
    with pytest.raises(TypeError, match=r"\.data"):
        v.data = Value(2.0)  # type: ignore[assignment]


@pytest.mark.parametrize(
    ("number", "expected"),
    [(2, 2.0), (True, 1.0), (np.float32(0.5), 0.5), (np.int64(3), 3.0), (10**400, math.inf)],
    ids=["int", "bool", "float32", "int64", "huge-int"],
)
def test_assigning_a_real_number_stores_its_float(number: Any, expected: float) -> None:
    v = Value(1.5)
    v.data = number
    assert type(v.data) is float and v.data == expected


def test_the_in_place_update_of_a_training_loop_still_works() -> None:
    w = Value(0.5)
    (w * w).backward()
    w.data -= 0.1 * w.grad
    assert type(w.data) is float and w.data == 0.5 - 0.1 * 1.0


# -- numbers the library refuses in its own words -----------------------------


def test_a_numpy_timedelta_is_refused_with_the_librarys_message() -> None:
    with pytest.raises(TypeError, match=r"Value\(\) accepts a real number.*timedelta64"):
        Value(np.timedelta64(5, "D"))


def test_a_numpy_timedelta_operand_is_refused_with_the_librarys_message() -> None:
    with pytest.raises(TypeError, match="timedelta64"):
        Value(1.0).maximum(np.timedelta64(5, "D"))


# -- numpy arrays ---------------------------------------------------------------


ARRAY_OPERATORS = [
    ("*", lambda a, b: a * b),
    ("+", lambda a, b: a + b),
    ("-", lambda a, b: a - b),
    ("/", lambda a, b: a / b),
    ("**", lambda a, b: a**b),
]


@pytest.mark.parametrize(("name", "op"), ARRAY_OPERATORS, ids=[n for n, _ in ARRAY_OPERATORS])
@pytest.mark.parametrize("value_first", [True, False], ids=["value-array", "array-value"])
def test_a_value_and_a_numpy_array_give_an_object_array_of_values(
    name: str, op: Any, value_first: bool
) -> None:
    x = Value(3.0)
    numbers = np.array([1.0, 2.0])
    out = op(x, numbers) if value_first else op(numbers, x)
    assert isinstance(out, np.ndarray) and out.dtype == object and out.shape == (2,)
    for entry, number in zip(out, numbers, strict=True):
        assert type(entry) is Value
        want = op(3.0, float(number)) if value_first else op(float(number), 3.0)
        assert entry.data == want


def test_gradients_flow_through_an_object_array() -> None:
    x = Value(3.0)
    left = x * np.array([1.0, 2.0])
    right = np.array([[4.0], [8.0]]) * x
    assert right.shape == (2, 1)
    loss = tinygrad_lite.total([*left, *right.ravel()])
    loss.backward()
    assert x.grad == 1.0 + 2.0 + 4.0 + 8.0


def test_an_object_array_of_values_times_a_value_keeps_both_graphs() -> None:
    a, b, x = Value(2.0), Value(5.0), Value(3.0)
    out = np.array([a, b], dtype=object) - x
    assert [entry.data for entry in out] == [-1.0, 2.0]
    out[0].backward()
    assert a.grad == 1.0 and x.grad == -1.0 and b.grad == 0.0


def test_an_array_of_strings_is_refused_naming_the_entry() -> None:
    with pytest.raises(TypeError, match=r"str.*'a'"):
        Value(1.0) * np.array(["a", "b"])


# -- the top level ----------------------------------------------------------------


@pytest.mark.parametrize("name", ["explore", "save", "load", "draw_graph"])
def test_the_drawing_and_model_file_functions_are_at_the_top_level(name: str) -> None:
    assert name in tinygrad_lite.__all__
    assert callable(getattr(tinygrad_lite, name))
    assert not hasattr(builtins, name)  # no builtin shadowed
