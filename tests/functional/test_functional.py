"""Tests for tinygrad_lite.functional: grad, value_and_grad, jacobian, hessian, hvp."""

from __future__ import annotations

import math
import warnings
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tinygrad_lite import GradientLostWarning, Value, no_grad
from tinygrad_lite.functional import grad, hessian, hvp, jacobian, value_and_grad


def rosenbrock(p: list[Value]) -> Value:
    return (1.0 - p[0]) ** 2 + 100.0 * (p[1] - p[0] ** 2) ** 2


def reals(low: float = -3.0, high: float = 3.0) -> st.SearchStrategy[float]:
    return st.floats(low, high, allow_nan=False, allow_infinity=False)


def close(a: float, b: float, tol: float = 1e-9) -> bool:
    return math.isclose(a, b, rel_tol=tol, abs_tol=tol)


# -- values and shapes -------------------------------------------------------


def test_grad_returns_plain_floats() -> None:
    result = grad(lambda x: x * x * x)(2.0)
    assert type(result) is float
    assert result == 12.0


def test_grad_of_a_list_argument_has_its_shape() -> None:
    assert grad(lambda p: p[0] * p[1] + p[1])([2.0, 3.0]) == [3.0, 3.0]
    assert grad(lambda p: p[0] * p[1])((2.0, 3.0)) == (3.0, 2.0)


def test_argnums_tuple_gives_a_tuple() -> None:
    assert grad(lambda x, y, z: x * y * z, argnums=(0, 2))(2.0, 3.0, 4.0) == (12.0, 6.0)


def test_other_arguments_and_keywords_pass_through() -> None:
    def f(x: Value, label: str, *, scale: float) -> Value:
        assert label == "not a number"
        return scale * x * x

    assert grad(f)(3.0, "not a number", scale=2.0) == 12.0


def test_accepts_int_fraction_and_bool() -> None:
    assert grad(lambda x: x * x)(3) == 6.0
    assert grad(lambda x: x * x)(Fraction(1, 2)) == 1.0


def test_a_function_that_ignores_a_differentiated_input_has_zero_gradient() -> None:
    assert grad(lambda p: p[1] * p[1])([1.0, 2.0]) == [0.0, 4.0]
    assert grad(lambda x, y: x * y, argnums=1)(0.0, 2.0) == 0.0
    assert grad(lambda x: 0.0 * x + 3.0)(1.0) == 0.0  # a constant, written as a node


def test_identity() -> None:
    assert grad(lambda x: x)(5.0) == 1.0


def test_value_and_grad() -> None:
    value, gradient = value_and_grad(lambda x: x.exp())(1.0)
    assert type(value) is float
    assert close(value, math.e)
    assert close(gradient, math.e)


def test_has_aux() -> None:
    (value, aux), gradient = value_and_grad(lambda x: (x * x, {"note": 1}), has_aux=True)(3.0)
    assert (value, aux, gradient) == (9.0, {"note": 1}, 6.0)
    gradient, aux = grad(lambda x: (x * x, x + 1.0), has_aux=True)(3.0)
    assert (gradient, aux) == (6.0, 4.0)


def test_jacobian_of_a_vector_function() -> None:
    result = jacobian(lambda p: [p[0] * p[1], p[0].sin(), 0.0 * p[0] + 2.0])([1.0, 2.0])
    assert result[0] == [2.0, 1.0]
    assert close(result[1][0], math.cos(1.0))
    assert result[1][1] == 0.0
    assert result[2] == [0.0, 0.0]


def test_jacobian_of_a_scalar_input() -> None:
    assert jacobian(lambda x: [x * x, 3.0 * x])(2.0) == [4.0, 3.0]


def test_hessian_of_a_quadratic_is_exact() -> None:
    # f(x) = x^T A x / 2 + b^T x with symmetric A has Hessian A everywhere.
    a = [[2.0, -1.0, 0.5], [-1.0, 4.0, 3.0], [0.5, 3.0, -6.0]]
    b = [1.0, -2.0, 0.25]

    def f(x: list[Value]) -> Value:
        quadratic: Value | float = 0.0
        for i in range(3):
            for j in range(3):
                quadratic = quadratic + 0.5 * a[i][j] * x[i] * x[j]
        return quadratic + sum(bi * xi for bi, xi in zip(b, x, strict=True))  # type: ignore[return-value]

    for point in ([0.0, 0.0, 0.0], [1.5, -2.0, 7.0]):
        assert hessian(f)(point) == a


@given(x=reals(), y=reals())
def test_hessian_of_rosenbrock_is_exact(x: float, y: float) -> None:
    h = hessian(rosenbrock)([x, y])
    expected = [[1200.0 * x * x - 400.0 * y + 2.0, -400.0 * x], [-400.0 * x, 200.0]]
    for row, expected_row in zip(h, expected, strict=True):
        for entry, expected_entry in zip(row, expected_row, strict=True):
            assert close(entry, expected_entry, 1e-10), (h, expected)


def test_hessian_with_argnums_tuple_gives_blocks() -> None:
    assert hessian(lambda x, y: x * x * y, argnums=(0, 1))(2.0, 3.0) == ((6.0, 4.0), (4.0, 0.0))


@given(x=reals(), y=reals(), u=reals(), v=reals())
def test_hvp_matches_hessian_times_vector(x: float, y: float, u: float, v: float) -> None:
    h = hessian(rosenbrock)([x, y])
    product = hvp(rosenbrock, [x, y], [u, v])
    for i in range(2):
        assert close(product[i], h[i][0] * u + h[i][1] * v, 1e-9)


def test_hvp_of_a_scalar_function() -> None:
    assert close(hvp(lambda x: x.sin(), 0.5, 2.0), -2.0 * math.sin(0.5))


# -- composition ------------------------------------------------------------


@given(x=reals(-2.0, 2.0))
def test_grad_grad_grad_of_a_polynomial(x: float) -> None:
    def p(t: Value) -> Value:
        return 3.0 * t**5 - 2.0 * t**3 + t * t - 7.0

    assert close(grad(p)(x), 15.0 * x**4 - 6.0 * x**2 + 2.0 * x)
    assert close(grad(grad(p))(x), 60.0 * x**3 - 12.0 * x + 2.0)
    assert close(grad(grad(grad(p)))(x), 180.0 * x**2 - 12.0)
    assert close(grad(grad(grad(grad(p))))(x), 360.0 * x)
    assert grad(grad(grad(grad(grad(grad(p))))))(x) == 0.0


def test_grad_grad_of_exp_sin() -> None:
    f = grad(grad(lambda t: t.exp() * t.sin()))
    assert close(f(0.3), 2.0 * math.exp(0.3) * math.cos(0.3))


def test_no_perturbation_confusion() -> None:
    # d/dx [x * d/dy (x + y)] = d/dx [x * 1] = 1 (Siskind & Pearlmutter's example)
    assert grad(lambda x: x * grad(lambda y: x + y)(1.0))(1.0) == 1.0
    # the inner derivative depends on the closed-over x: d/dx (d/dy x y^2 at y=1) = 2
    assert grad(lambda x: grad(lambda y: x * y * y)(1.0))(5.0) == 2.0
    # the same outer Value as argument and closure: d/dy (y x) = x, so the result is 1
    assert grad(lambda x: grad(lambda y: y * x)(x))(3.0) == 1.0


def test_value_arguments_give_connected_values() -> None:
    x = Value(2.0)
    g = grad(lambda t: t**3)(x)
    assert type(g) is Value
    assert g.data == 12.0
    assert x.grad == 0.0  # untouched
    g.backward()
    assert x.grad == 12.0  # 6 x


def test_callers_gradients_are_left_alone() -> None:
    w = Value(2.0)
    w.grad = 7.0
    assert grad(lambda x: w * x * x)(3.0) == 12.0
    assert w.grad == 7.0


def test_jacobian_of_grad_is_the_hessian() -> None:
    assert jacobian(grad(rosenbrock))([1.0, 1.0]) == hessian(rosenbrock)([1.0, 1.0])


# -- errors -----------------------------------------------------------------


def test_non_scalar_output_is_a_type_error() -> None:
    with pytest.raises(TypeError, match=r"scalar.*jacobian"):
        grad(lambda x: [x, x])(1.0)
    with pytest.raises(TypeError, match="scalar"):
        jacobian(lambda x: [x, "s"])(1.0)


def test_argnums_out_of_range_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="argnums 2 is out of range"):
        grad(lambda x, y: x * y, argnums=2)(1.0, 2.0)
    with pytest.raises(ValueError, match="argnums -1"):
        grad(lambda x: x, argnums=-1)(1.0)
    with pytest.raises(ValueError, match="repeats"):
        grad(lambda x: x, argnums=(0, 0))


def test_bad_argnums_type_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="argnums"):
        grad(lambda x: x, argnums=1.0)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="argnums"):
        grad(lambda x: x, argnums=())


def test_non_numeric_argument_names_it() -> None:
    with pytest.raises(TypeError, match=r"argument 0 must be a real number.*str"):
        grad(lambda x: x)("a")
    with pytest.raises(TypeError, match=r"argument 1\[1\].*NoneType"):
        grad(lambda x, p: p[0], argnums=1)(1.0, [1.0, None])
    with pytest.raises(TypeError, match="complex"):
        grad(lambda x: x)(1j)


def test_not_callable() -> None:
    with pytest.raises(TypeError, match="callable"):
        grad(3.0)  # type: ignore[arg-type]


def test_has_aux_needs_a_pair() -> None:
    with pytest.raises(TypeError, match="pair"):
        value_and_grad(lambda x: x, has_aux=True)(1.0)


def test_hvp_shape_mismatch() -> None:
    with pytest.raises(ValueError, match="shape"):
        hvp(rosenbrock, [1.0, 2.0], [1.0])
    with pytest.raises(TypeError, match=r"v\[1\] must be a real number"):
        hvp(rosenbrock, [1.0, 2.0], [1.0, "a"])


def test_inside_no_grad_is_an_error() -> None:
    with no_grad(), pytest.raises(RuntimeError, match="no_grad"):
        grad(lambda x: x * x)(1.0)


# -- no silent loss: a plain-number output is refused -------------------------

PLAIN_NUMBER_OUTPUTS = [
    ("grad", lambda: grad(lambda x: math.sin(x))(1.0)),
    ("value_and_grad", lambda: value_and_grad(lambda x: math.exp(x) * 2.0)(1.0)),
    ("jacobian", lambda: jacobian(lambda p: [p[0] * p[1], math.sin(p[0])])([1.0, 2.0])),
    ("hessian", lambda: hessian(lambda p: math.sin(p[0] * p[1]))([1.0, 2.0])),
    ("hvp", lambda: hvp(lambda x: math.sin(x), 1.0, 1.0)),
    ("grad", lambda: grad(lambda x: 3.0)(1.0)),
    ("grad", lambda: grad(lambda x, y: y * y)(1.0, 2.0)),  # y is not differentiated
]


@pytest.mark.parametrize(("name", "call"), PLAIN_NUMBER_OUTPUTS)
def test_a_plain_number_output_is_a_type_error_naming_tinygrad_lite_math(
    name: str, call: object
) -> None:
    # the standard math module turns a Value into a float: that used to give 0.0 silently
    with pytest.raises(TypeError) as caught, warnings.catch_warnings():
        warnings.simplefilter("ignore", GradientLostWarning)  # the lossy read warns first
        call()  # type: ignore[operator]
    message = str(caught.value)
    assert message.startswith(f"{name}():")
    assert "does not depend on the inputs" in message
    assert "tinygrad_lite.math" in message


def test_jacobian_names_the_output_that_is_a_plain_number() -> None:
    with (
        pytest.raises(TypeError, match=r"output\[1\] of f is a plain number"),
        pytest.warns(GradientLostWarning),
    ):
        jacobian(lambda p: [p[0] * p[1], math.sin(p[0])])([1.0, 2.0])


def test_the_same_functions_with_tinygrad_lite_math_are_right() -> None:
    from tinygrad_lite import math as tlmath

    assert grad(lambda x: tlmath.sin(x))(1.0) == math.cos(1.0)
    x = 0.7
    assert close(grad(lambda t: tlmath.exp(t) * t)(x), math.exp(x) * (1 + x))
    # the student's Hessian of p0**2 p1 + sin(p0 p1), against the analytic one
    p0, p1 = 1.3, -0.4
    h = hessian(lambda p: p[0] ** 2 * p[1] + tlmath.sin(p[0] * p[1]))([p0, p1])
    s, c = math.sin(p0 * p1), math.cos(p0 * p1)
    expected = [
        [2 * p1 - p1 * p1 * s, 2 * p0 + c - p0 * p1 * s],
        [2 * p0 + c - p0 * p1 * s, -p0 * p0 * s],
    ]
    for row, want in zip(h, expected, strict=True):
        for got, entry in zip(row, want, strict=True):
            assert close(got, entry, 1e-12)


def test_a_lost_term_inside_a_value_output_is_pointed_at_by_detect_anomaly() -> None:
    from tinygrad_lite import GradientLostWarning, detect_anomaly

    # the output is a Value, but math.sin dropped its term: the warning shows the line
    def f(p: list[Value]) -> Value:
        return p[0] ** 2 * p[1] + math.sin(p[0] * p[1])  # type: ignore[return-value]

    line = f.__code__.co_firstlineno + 1
    with detect_anomaly(), pytest.warns(GradientLostWarning) as caught:
        hessian(f)([1.0, 2.0])
    assert caught[0].filename == __file__
    assert caught[0].lineno == line


def test_constant_derivatives_inside_compositions_stay_nodes() -> None:
    # d(2x)/dx = 2 is a constant: inside hessian and jacobian(grad) it must not count
    # as a plain-number output
    assert hessian(lambda x: 2.0 * x + 1.0)(3.0) == 0.0
    assert jacobian(grad(lambda p: 2.0 * p[0] + p[1]))([1.0, 2.0]) == [[0.0, 0.0], [0.0, 0.0]]
    assert hvp(lambda p: 3.0 * p[0] - p[1], [1.0, 2.0], [1.0, 1.0]) == [0.0, 0.0]


# -- arguments at the edges ----------------------------------------


def test_a_huge_int_argument_is_inf_like_value() -> None:
    assert Value(10**400).data == math.inf
    assert grad(lambda x: x * 2.0)(10**400) == 2.0
    assert grad(lambda x: x * x)(10**400) == math.inf
    value, gradient = value_and_grad(lambda x: x + 1.0)(-(10**400))
    assert value == -math.inf and gradient == 1.0


def test_numpy_bools_are_accepted_like_python_bools() -> None:
    np = pytest.importorskip("numpy")
    assert grad(lambda x: x * x)(np.True_) == grad(lambda x: x * x)(True) == 2.0
    assert grad(lambda p: p[0] * p[1])([np.False_, 3.0]) == [3.0, 0.0]


def _nested(depth: int, leaf: object) -> object:
    tree = leaf
    for _ in range(depth):
        tree = [tree]
    return tree


def _innermost(tree: object) -> object:
    while isinstance(tree, list):
        tree = tree[0]
    return tree


def test_a_list_nested_5000_deep_works_without_recursion() -> None:
    deep = _nested(5000, 3.0)
    gradient = grad(lambda t: _innermost(t) ** 2)(deep)  # type: ignore[operator]
    assert _innermost(gradient) == 6.0
    depth = 0
    while isinstance(gradient, list):
        gradient = gradient[0]
        depth += 1
    assert depth == 5000
    rows = jacobian(lambda t: [_innermost(t) * 2.0])(deep)
    assert _innermost(rows) == 2.0


def test_a_list_that_contains_itself_is_a_clear_value_error() -> None:
    cycle: list[object] = [1.0]
    cycle.append(cycle)
    for transform in (grad, value_and_grad, jacobian, hessian):
        with pytest.raises(ValueError, match=r"argument 0\[1\] is a list or tuple that contains"):
            transform(lambda p: p[0])(cycle)
    with pytest.raises(ValueError, match="contains itself"):
        hvp(lambda p: p[0] * p[0], [1.0, 2.0], cycle)
    # a self-referential object that is not differentiated is left alone
    assert grad(lambda x, config: x * config[0], argnums=0)(2.0, cycle) == 1.0
