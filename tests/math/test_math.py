"""tinygrad_lite.math as a drop-in for math; the new Value dunders; no silent loss of a gradient."""

from __future__ import annotations

import builtins
import math
import pickle
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinygrad_lite
from tinygrad_lite import GradientLostWarning, Value, grad
from tinygrad_lite import math as tlmath

INF, NAN = math.inf, math.nan

# Every differentiable function of math, with a domain where math itself succeeds.
UNARY_DOMAINS: dict[str, tuple[float, float]] = {
    "exp": (-50.0, 50.0),
    "exp2": (-50.0, 50.0),
    "expm1": (-50.0, 50.0),
    "log": (1e-3, 1e3),
    "log2": (1e-3, 1e3),
    "log10": (1e-3, 1e3),
    "log1p": (-0.999, 1e3),
    "sqrt": (0.0, 1e3),
    "cbrt": (-1e3, 1e3),
    "sin": (-10.0, 10.0),
    "cos": (-10.0, 10.0),
    "tan": (-1.5, 1.5),
    "asin": (-1.0, 1.0),
    "acos": (-1.0, 1.0),
    "atan": (-1e3, 1e3),
    "sinh": (-50.0, 50.0),
    "cosh": (-50.0, 50.0),
    "tanh": (-50.0, 50.0),
    "asinh": (-1e3, 1e3),
    "acosh": (1.0, 1e3),
    "atanh": (-0.999, 0.999),
    "erf": (-5.0, 5.0),
    "erfc": (-5.0, 5.0),
    "fabs": (-1e3, 1e3),
    "degrees": (-10.0, 10.0),
    "radians": (-1e3, 1e3),
    "floor": (-1e3, 1e3),
    "ceil": (-1e3, 1e3),
    "trunc": (-1e3, 1e3),
}
BINARY_DOMAINS: dict[str, tuple[tuple[float, float], tuple[float, float]]] = {
    "atan2": ((-10.0, 10.0), (-10.0, 10.0)),
    "hypot": ((-1e3, 1e3), (-1e3, 1e3)),
    "copysign": ((-10.0, 10.0), (-10.0, 10.0)),
    "fmod": ((-10.0, 10.0), (0.5, 10.0)),
    "remainder": ((-10.0, 10.0), (0.5, 10.0)),
    "pow": ((0.1, 10.0), (-5.0, 5.0)),
    "log": ((1e-3, 1e3), (1.5, 10.0)),
}


def same(a: float, b: float) -> bool:
    """Equal to the last bit, with every nan alike."""
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return a == b and math.copysign(1, a) == math.copysign(1, b)


def finite(low: float, high: float) -> st.SearchStrategy[float]:
    return st.floats(low, high, allow_nan=False, allow_infinity=False)


# ---------------------------------------------------------------------------
# Numbers: the standard module's results, bit for bit, where it does not raise.


@pytest.mark.parametrize("name", sorted(UNARY_DOMAINS))
@given(data=st.data())
def test_unary_functions_equal_math_on_numbers(name: str, data: st.DataObject) -> None:
    x = data.draw(finite(*UNARY_DOMAINS[name]))
    ours, theirs = getattr(tlmath, name)(x), getattr(math, name)(x)
    assert type(ours) is type(theirs)  # floor, ceil and trunc give an int, as math
    assert same(float(ours), float(theirs)), (name, x, ours, theirs)


@pytest.mark.parametrize("name", sorted(BINARY_DOMAINS))
@given(data=st.data())
def test_binary_functions_equal_math_on_numbers(name: str, data: st.DataObject) -> None:
    first, second = BINARY_DOMAINS[name]
    a, b = data.draw(finite(*first)), data.draw(finite(*second))
    assert same(getattr(tlmath, name)(a, b), getattr(math, name)(a, b)), (name, a, b)


@given(st.lists(finite(-1e6, 1e6), min_size=0, max_size=6))
def test_several_argument_functions_equal_math(xs: list[float]) -> None:
    assert same(tlmath.fsum(xs), math.fsum(xs))
    assert same(tlmath.prod(xs), math.prod(xs))
    assert same(tlmath.hypot(*xs), math.hypot(*xs))
    assert same(tlmath.dist(xs, xs[::-1]), math.dist(xs, xs[::-1]))


@given(finite(-1e300, 1e300), st.integers(-1100, 1100))
def test_frexp_ldexp_modf_equal_math(x: float, i: int) -> None:
    assert tlmath.frexp(x) == math.frexp(x)
    assert tlmath.modf(x) == math.modf(x)
    try:
        expected = math.ldexp(x, i)
    except OverflowError:
        expected = math.copysign(INF, x)
    assert same(tlmath.ldexp(x, i), expected)


def test_exact_integer_results_as_in_math() -> None:
    assert tlmath.floor(2.5) == 2 and type(tlmath.floor(2.5)) is int
    assert tlmath.floor(10**400 + 1) == 10**400 + 1  # exact, never through a float
    assert tlmath.ceil(Fraction(7, 2)) == 4
    assert tlmath.trunc(Decimal("-2.7")) == -2
    assert tlmath.log(10**400) == math.log(10**400)  # finite: math is exact for big ints
    assert tlmath.log10(10**400) == 400.0
    assert tlmath.log2(2**2000) == 2000.0
    assert tlmath.prod([2, 3, 4]) == 24 and type(tlmath.prod([2, 3, 4])) is int


def test_constants_and_functions_without_a_derivative_are_the_standard_ones() -> None:
    for name in ("pi", "e", "tau", "inf"):
        assert getattr(tlmath, name) == getattr(math, name)
    assert math.isnan(tlmath.nan)
    for name in ("comb", "factorial", "gcd", "isqrt", "lcm", "nextafter", "perm", "ulp"):
        assert getattr(tlmath, name) is getattr(math, name)
    # an integral Value works where math wants an int (through __index__), a plain number
    with pytest.warns(GradientLostWarning):
        assert tlmath.factorial(Value(5.0)) == 120
        assert tlmath.gcd(Value(12.0), 18) == 6


def test_every_name_of_math_is_there(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in dir(math):
        if not name.startswith("_"):
            assert hasattr(tlmath, name), name
    # names of a newer Python's math come from the standard module
    monkeypatch.setattr(math, "future_function", lambda x: x, raising=False)
    assert tlmath.future_function is math.future_function  # type: ignore[attr-defined]
    with pytest.raises(AttributeError, match="no attribute 'no_such_name'"):
        tlmath.no_such_name  # type: ignore[attr-defined]  # noqa: B018


# Where math raises, the IEEE result (the library's promise).
IEEE_CASES: list[tuple[str, tuple[Any, ...], float]] = [
    ("log", (0.0,), -INF),
    ("log", (-1.0,), NAN),
    ("log", (2.0, 1.0), INF),
    ("log", (0.0, 2.0), -INF),
    ("log2", (0.0,), -INF),
    ("log10", (-5.0,), NAN),
    ("log1p", (-1.0,), -INF),
    ("log1p", (-2.0,), NAN),
    ("sqrt", (-1.0,), NAN),
    ("exp", (1000.0,), INF),
    ("exp2", (2000.0,), INF),
    ("expm1", (1000.0,), INF),
    ("pow", (0.0, -1.0), INF),
    ("pow", (-8.0, 1 / 3), NAN),
    ("pow", (10.0, 400.0), INF),
    ("sin", (INF,), NAN),
    ("cos", (-INF,), NAN),
    ("tan", (INF,), NAN),
    ("asin", (2.0,), NAN),
    ("acos", (-1.5,), NAN),
    ("sinh", (1000.0,), INF),
    ("sinh", (-1000.0,), -INF),
    ("cosh", (-1000.0,), INF),
    ("acosh", (0.5,), NAN),
    ("atanh", (1.0,), INF),
    ("atanh", (-1.0,), -INF),
    ("atanh", (2.0,), NAN),
    ("fmod", (1.0, 0.0), NAN),
    ("fmod", (INF, 1.0), NAN),
    ("remainder", (1.0, 0.0), NAN),
    ("remainder", (-INF, 2.0), NAN),
    ("floor", (INF,), INF),
    ("ceil", (-INF,), -INF),
    ("trunc", (NAN,), NAN),
    ("ldexp", (1.0, 5000), INF),
    ("ldexp", (-1.0, 5000), -INF),
    ("gamma", (0.0,), INF),
    ("gamma", (-0.0,), -INF),
    ("gamma", (-2.0,), NAN),
    ("gamma", (200.0,), INF),
    ("lgamma", (0.0,), INF),
    ("lgamma", (-3.0,), INF),
    ("lgamma", (1e308,), INF),
]


@pytest.mark.parametrize(("name", "args", "expected"), IEEE_CASES)
def test_ieee_results_where_math_raises(name: str, args: tuple[Any, ...], expected: float) -> None:
    with pytest.raises((ValueError, OverflowError, ZeroDivisionError)):
        getattr(math, name)(*args)  # the case is real: the standard module raises
    assert same(getattr(tlmath, name)(*args), expected)


def test_ieee_results_of_the_several_argument_functions() -> None:
    with pytest.raises(ValueError):
        math.fsum([INF, -INF])
    assert math.isnan(tlmath.fsum([INF, -INF]))
    with pytest.raises(OverflowError):
        math.fsum([1e308, 1e308])
    assert tlmath.fsum([1e308, 1e308]) == INF
    assert tlmath.fsum([-1e308, -1e308]) == -INF


def test_predicates_take_numbers_and_values() -> None:
    for x in (0.0, INF, -INF, NAN, 3):
        for name in ("isfinite", "isnan", "isinf"):
            assert getattr(tlmath, name)(x) == getattr(math, name)(x)
            assert getattr(tlmath, name)(Value(x) * 1.0) == getattr(math, name)(x)
    assert tlmath.isclose(Value(1.0), 1.0 + 1e-12)
    assert not tlmath.isclose(Value(1.0), 1.1)


def test_bad_arguments_name_the_function_and_the_value() -> None:
    with pytest.raises(TypeError, match=r"tinygrad_lite\.math\.sin\(\) accepts .*str: 'a'"):
        tlmath.sin("a")  # type: ignore[call-overload]
    with pytest.raises(TypeError, match=r"atan2\(\) accepts .*NoneType"):
        tlmath.atan2(Value(1.0), None)  # type: ignore[call-overload]
    with pytest.raises(TypeError, match=r"floor\(\) accepts .*list"):
        tlmath.floor([1.0])  # type: ignore[call-overload]
    with pytest.raises(ValueError, match="same number of coordinates"):
        tlmath.dist([1.0], [1.0, 2.0])
    for name in ("gamma", "lgamma"):
        with pytest.raises(TypeError, match=rf"{name}\(\) of a Value is not differentiable"):
            getattr(tlmath, name)(Value(2.0))


def test_objects_math_accepts_are_accepted() -> None:
    np = pytest.importorskip("numpy")
    assert tlmath.sin(np.float32(0.5)) == math.sin(np.float32(0.5))
    assert tlmath.sqrt(np.array(4.0)) == 2.0  # a 0-d array, through __float__
    assert tlmath.exp(True) == math.e
    assert tlmath.sqrt(10**400) == INF  # math raises OverflowError


# ---------------------------------------------------------------------------
# Values: a node of the op table, with the number's data.

VALUE_FUNCTIONS = sorted(set(UNARY_DOMAINS) - {"floor", "ceil", "trunc"})


@pytest.mark.parametrize("name", VALUE_FUNCTIONS)
def test_a_value_gives_a_node_with_the_numbers_data(name: str) -> None:
    low, high = UNARY_DOMAINS[name]
    x = min(max(0.37, low), high)
    leaf = Value(x)
    node = getattr(tlmath, name)(leaf)
    assert type(node) is Value and not node.is_leaf
    assert same(node.data, getattr(math, name)(x))
    node.backward()
    assert leaf.grad != 0.0  # connected: a gradient flows back


def test_rounding_a_value_gives_a_node_with_zero_derivative() -> None:
    for function in (tlmath.floor, tlmath.ceil, tlmath.trunc, math.floor, math.ceil, round):
        leaf = Value(2.5)
        node = function(leaf)  # type: ignore[operator]
        assert type(node) is Value and node.op in ("floor", "ceil", "trunc", "round")
        node.backward()
        assert leaf.grad == 0.0
    assert math.floor(Value(-2.5)).data == -3.0
    assert math.ceil(Value(-2.5)).data == -2.0
    assert math.trunc(Value(-2.5)).data == -2.0
    assert round(Value(2.5)).data == 2.0 and round(Value(3.5)).data == 4.0  # ties to even
    # round(v, n) is torch's round(v, decimals=n): round(x * 10**n) / 10**n, ties to even
    assert round(Value(2.675), 2).data == round(2.675 * 100.0) / 100.0 == 2.68
    assert round(Value(0.125), 2).data == 0.12
    assert round(Value(1234.5), -2).data == 1200.0
    with pytest.raises(TypeError, match="decimals must be an int"):
        Value(1.0).round(1.5)  # type: ignore[arg-type]


def test_several_argument_functions_on_values() -> None:
    a, b, c = Value(3.0), Value(4.0), Value(12.0)
    norm = tlmath.hypot(a, b, c)
    assert norm.data == 13.0 and norm.op == "hypot"
    norm.backward()
    assert (a.grad, b.grad, c.grad) == (3 / 13, 4 / 13, 12 / 13)
    product = tlmath.prod([a, b, 0.0], start=2.0)
    product.backward()
    assert product.data == 0.0 and b.grad == 4 / 13 + 2.0 * 3.0 * 0.0
    total = tlmath.fsum([a, 0.1, 0.2])
    assert total.data == math.fsum([3.0, 0.1, 0.2])
    distance = tlmath.dist([a, 0.0], [0.0, b])
    assert distance.data == 5.0
    mantissa, exponent = tlmath.frexp(Value(12.0))
    assert (mantissa.data, exponent) == math.frexp(12.0)
    fraction, whole = tlmath.modf(Value(-2.25))
    assert (fraction.data, whole.data) == math.modf(-2.25)
    tiny = tlmath.ldexp(Value(1e-300), 1500)
    assert tiny.data == math.ldexp(1e-300, 1500)
    assert tlmath.degrees(Value(math.pi)).data == 180.0
    assert tlmath.log(Value(100.0), 10).data == 2.0
    assert tlmath.log(8.0, Value(2.0)).data == 3.0


def test_maximum_minimum_clamp_and_their_subgradients() -> None:
    a, b = Value(2.0), Value(2.0)
    tinygrad_lite.maximum(a, b).backward()
    assert (a.grad, b.grad) == (0.5, 0.5)  # a tie splits the gradient
    x, low, high = Value(1.0), Value(0.0), Value(1.0)
    y = tinygrad_lite.clamp(x, low, high)
    y.backward()
    assert (x.grad, low.grad, high.grad) == (1.0, 0.0, 0.0)  # boundaries belong to x
    x = Value(5.0)
    x.clamp(high=1.0).backward()
    assert x.grad == 0.0
    assert tinygrad_lite.clamp(5.0, 0.0, 1.0) == 1.0
    assert tinygrad_lite.clamp(0.5, 2.0, 1.0) == 1.0  # an empty interval gives high
    assert math.isnan(tinygrad_lite.maximum(NAN, 1.0))
    assert math.copysign(1.0, tinygrad_lite.maximum(-0.0, 0.0)) == 1.0
    assert math.copysign(1.0, tinygrad_lite.minimum(-0.0, 0.0)) == -1.0


def test_value_dunders_for_remainders_and_floor_division() -> None:
    x = Value(7.5)
    for got, want in (
        (x % 2, 7.5 % 2),
        (-x % 2, -7.5 % 2),
        (x % -2, 7.5 % -2),
        (20 % x, 20 % 7.5),
        (x // 2, 7.5 // 2),
        (-x // 2, -7.5 // 2),
        (20 // x, 20 // 7.5),
    ):
        assert type(got) is Value and got.data == want
    quotient, rest = divmod(x, 2)
    assert (quotient.data, rest.data) == divmod(7.5, 2)
    quotient, rest = divmod(20, x)
    assert (quotient.data, rest.data) == divmod(20, 7.5)
    y = x % 2  # 7.5 - 3 * 2
    y.backward()
    assert x.grad == 1.0
    d = Value(2.0)
    (7.5 % d).backward()
    assert d.grad == -3.0  # d/dd (7.5 - floor(7.5 / d) d)
    with pytest.raises(TypeError):
        x % "a"  # type: ignore[operator]
    with pytest.raises(TypeError):
        divmod(x, None)  # type: ignore[call-overload]


def test_item_and_index() -> None:
    x = Value(3.0) * 1.0
    assert x.item() == 3.0 and type(x.item()) is float
    with pytest.warns(GradientLostWarning, match="index"):
        assert list(range(x)) == [0, 1, 2]
        assert ["a", "b", "c", "d"][x] == "d"
    with pytest.raises(TypeError, match=r"must hold an integer, got 2\.5"):
        range(Value(2.5))  # type: ignore[call-overload]
    with pytest.raises(TypeError, match="must hold an integer"):
        [1, 2][Value(INF)]  # type: ignore[call-overload]


# ---------------------------------------------------------------------------
# The top level: the functions, but no builtin shadowed.


def test_top_level_functions_are_the_math_ones_and_shadow_no_builtin() -> None:
    for name in ("sin", "cos", "exp", "log", "sqrt", "atan2", "hypot", "floor", "erf", "fmod"):
        assert getattr(tinygrad_lite, name) is getattr(tlmath, name)
    assert not set(tinygrad_lite.__all__) & set(dir(builtins))
    assert not hasattr(tinygrad_lite, "pow")
    assert tinygrad_lite.sin(Value(0.5)).data == math.sin(0.5)
    assert tinygrad_lite.maximum(Value(1.0), 2.0).data == 2.0


def test_functions_pickle_by_name() -> None:
    assert pickle.loads(pickle.dumps(tlmath.sin)) is tlmath.sin
    assert pickle.loads(pickle.dumps(tlmath.floor)) is tlmath.floor


# ---------------------------------------------------------------------------
# The reproducers, and the documented example.


def test_math_exp_times_x_gets_the_right_gradient_with_the_drop_in() -> None:
    x = Value(0.7)
    with pytest.warns(GradientLostWarning):
        y = math.exp(x) * x  # the standard module: exp(x) became a constant
    y.backward()
    assert x.grad == math.exp(0.7)  # wrong: d/dx e**x x = e**x (1 + x)
    x = Value(0.7)
    (tlmath.exp(x) * x).backward()
    assert math.isclose(x.grad, math.exp(0.7) * 1.7, rel_tol=1e-15)


@given(finite(-3.0, 3.0))
def test_grad_of_the_drop_in_sin_is_cos(x: float) -> None:
    assert grad(lambda t: tlmath.sin(t))(x) == math.cos(x)


def _docs_section(name: str) -> str:
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "docs" / "natural-python.md").read_text()
    start = text.index(f"<!-- section: {name} -->")
    end = text.index(f"<!-- end: {name} -->")
    return text[start:end]


def test_the_documented_port_example_runs_and_is_right() -> None:
    from tinygrad_lite.numeric import central_difference

    section = _docs_section("math")
    code = section.split("```python\n")[1].split("```")[0]
    namespace: dict[str, Any] = {}
    exec(compile(code, "natural-python.md", "exec"), namespace)  # the page's own code
    wave, t = namespace["wave"], namespace["t"]
    assert type(wave(0.3)) is float
    assert wave(0.3) == math.exp(-0.3 / 4) * math.sin(2 * math.pi * 0.3) + math.log1p(0.09)
    derivative = grad(wave)(0.3)
    assert t.grad == derivative
    assert math.isclose(derivative, central_difference(wave, 0.3), rel_tol=1e-8)
    for comment, number in (("0.9685", wave(0.3)), ("-1.4714", derivative)):
        assert comment in code and f"{number:.4f}".startswith(comment[:6])
