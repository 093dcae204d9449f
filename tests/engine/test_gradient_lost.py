"""No silent loss: every lossy read of any Value warns while the graph is recorded.

``float()``, ``int()``, ``complex()``, an index and the standard ``math``
functions (which call ``float()``) turn a Value into a plain number that
carries no gradient. Outside ``no_grad`` they warn ``GradientLostWarning``
at the caller's line, leaves included; ``item()``, ``.data``, formatting and
``repr`` read the number on purpose and never warn.
"""

from __future__ import annotations

import contextlib
import math
import operator
import sys
import warnings
from collections.abc import Callable
from typing import Any

import pytest

from tinygrad_lite import GradientLostWarning, Value, detect_anomaly, no_grad
from tinygrad_lite import math as tlmath


def _lost(function: Callable[[], Any], action: str = "always") -> list[warnings.WarningMessage]:
    """The GradientLostWarnings ``function`` emits, under the filter ``action``."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter(action)
        function()
    return [w for w in caught if issubclass(w.category, GradientLostWarning)]


LOSSY_READS: dict[str, Callable[[Value], Any]] = {
    "float": float,
    "int": int,
    "complex": complex,
    "index": operator.index,
    "range": lambda v: range(v),
    "subscript": lambda v: [0, 1, 2, 3][v],
    "math.exp": math.exp,
    "math.sqrt": math.sqrt,
    "math.isclose": lambda v: math.isclose(v, 1.0),
    "math.factorial": math.factorial,
    "percent-format": lambda v: "%.3f" % v,  # noqa: UP031  # a float() in disguise
}


def test_math_exp_of_a_leaf_warns_instead_of_giving_a_wrong_gradient_silently() -> None:
    x = Value(1.0)
    with pytest.warns(GradientLostWarning, match=r"tinygrad_lite\.math"):
        y = math.exp(x) * x  # type: ignore[arg-type]
    y.backward()
    assert x.grad == math.e  # the loss the warning is about: the true value is 2e


@pytest.mark.parametrize("read", LOSSY_READS.values(), ids=LOSSY_READS.keys())
@pytest.mark.parametrize("leaf", [True, False], ids=["leaf", "computed"])
def test_every_lossy_read_warns_outside_no_grad(read: Callable[[Value], Any], leaf: bool) -> None:
    value = Value(2.0) if leaf else Value(1.0) * 2.0
    assert len(_lost(lambda: read(value))) == 1


@pytest.mark.parametrize("read", LOSSY_READS.values(), ids=LOSSY_READS.keys())
def test_inside_no_grad_nothing_is_recorded_so_nothing_warns(read: Callable[[Value], Any]) -> None:
    value = Value(2.0)
    with no_grad():
        assert not _lost(lambda: read(value))


def test_inside_detect_anomaly_leaves_warn_too() -> None:
    x = Value(0.5)
    with detect_anomaly():
        assert len(_lost(lambda: math.sin(x))) == 1


def test_the_warning_points_at_the_callers_line() -> None:
    x = Value(0.5)
    caught = _lost(lambda: math.exp(x))
    assert caught[0].filename == __file__
    assert caught[0].lineno == sys._getframe().f_lineno - 2


def test_the_warning_points_at_the_user_line_through_library_frames() -> None:
    # the read happens inside a function the library calls (a transformation's f)
    from tinygrad_lite import grad

    def f(x: Value) -> Value:
        return x * math.cos(x)  # type: ignore[arg-type]

    line = f.__code__.co_firstlineno + 1
    caught = _lost(lambda: grad(f)(0.3))
    assert [(w.filename, w.lineno) for w in caught] == [(__file__, line)]


@pytest.mark.parametrize(
    ("read", "names"),
    [(float, "float()"), (int, "int()"), (complex, "complex()"), (operator.index, "index")],
)
def test_the_message_names_the_read_and_every_fix(read: Callable[[Value], Any], names: str) -> None:
    message = str(_lost(lambda: read(Value(3.0, "w")))[0].message)
    assert names in message
    for fix in ("tinygrad_lite.math", "v.item()", "v.data"):
        assert fix in message


def test_one_call_site_warns_once_under_the_default_filter() -> None:
    xs = [Value(float(k)) for k in range(5)]  # float(k) of ints: no Value involved
    caught = _lost(lambda: [math.exp(x) for x in xs], action="default")
    assert len(caught) == 1


def test_two_call_sites_warn_once_each() -> None:
    x = Value(0.25)

    def two_sites() -> None:
        for _ in range(3):
            math.exp(x)
            math.log(x)

    caught = _lost(two_sites, action="default")
    first = two_sites.__code__.co_firstlineno
    assert sorted(w.lineno for w in caught) == [first + 2, first + 3]


def test_reading_on_purpose_never_warns() -> None:
    leaf = Value(2.0, "w")
    node = leaf * 1.5
    for value in (leaf, node):
        assert not _lost(lambda v=value: v.item())
        assert not _lost(lambda v=value: v.data)
        assert not _lost(lambda v=value: format(v, ".3f"))
        assert not _lost(lambda v=value: f"{v:.3f} {v}")
        assert not _lost(lambda v=value: repr(v))
        assert not _lost(lambda v=value: str(v))
        assert not _lost(lambda v=value: tlmath.exp(v))  # the drop-in keeps the graph


@pytest.mark.parametrize("anomaly", [False, True], ids=["plain", "detect_anomaly"])
def test_branches_and_graph_building_never_warn(anomaly: bool) -> None:
    x = Value(0.7)
    y = x.sin() * x

    def reads_that_lose_nothing() -> None:
        assert x > 0.5
        assert bool(x)
        round(x), math.floor(x), abs(x), max(x, 0.2)  # nodes, or one of the Values
        y.backward()
        (x**2).backward(create_graph=True)  # the rules read .data, never float()

    with detect_anomaly() if anomaly else contextlib.nullcontext():
        assert not _lost(reads_that_lose_nothing)


def test_float_still_returns_the_number() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GradientLostWarning)
        assert float(Value(2.5)) == 2.5
        assert int(Value(2.5)) == 2
        assert complex(Value(2.5)) == 2.5 + 0j
        assert operator.index(Value(3.0)) == 3
        with pytest.raises(TypeError, match="integer"):
            operator.index(Value(2.5))


@pytest.mark.parametrize("name", ["SGD", "Momentum", "Adam", "AdamW", "RMSprop"])
def test_an_optimizer_step_on_value_gradients_never_warns(name: str) -> None:
    import tinygrad_lite.optim as optim

    w = Value(0.5)
    (w * w.sin()).backward(create_graph=True)  # w.grad is a Value with its own graph
    assert isinstance(w.grad, Value)
    optimizer = getattr(optim, name)([w], lr=0.1)
    assert not _lost(optimizer.step)
