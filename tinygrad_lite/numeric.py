"""Numerical checking: finite differences and gradient checkers.

Finite differences open the Tiny Grader part of the source document, *Tiny
Machine Learner* (see README, "Where this comes from"). Sits on
:mod:`tinygrad_lite.engine`; nothing in the engine depends on it.
Reverse-mode autodiff gives exact derivatives of the program that was run;
finite differences give approximate derivatives of the function, with no
knowledge of how it was computed. When the two agree to within the truncation
and rounding error of the difference quotient, the derivative rules are
right. :func:`gradcheck` makes that comparison for first derivatives and
:func:`gradgradcheck` for second derivatives (the Hessian), each returning a
:class:`GradcheckReport` whose truthiness is the verdict.

The tolerances follow ``torch.autograd.gradcheck``: ``eps = 1e-6``,
``atol = 1e-5``, ``rtol = 1e-3``, and an entry passes when
``|analytic - numeric| <= atol + rtol * |numeric|``.
"""

from __future__ import annotations

import decimal
import math
import numbers
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from .engine import Value

__all__ = [
    "GradcheckEntry",
    "GradcheckError",
    "GradcheckReport",
    "central_difference",
    "forward_difference",
    "gradcheck",
    "gradgradcheck",
    "machine_epsilon",
    "numerical_gradient",
]


def machine_epsilon() -> float:
    """The gap between 1.0 and the next larger float, found by halving.

    Start at ``eps = 1`` and halve while ``1 + eps`` is still distinguishable
    from ``1``; the loop stops one halving too late, so double once. For IEEE
    754 doubles the result is ``2**-52``, which equals ``sys.float_info.epsilon``.

    Returns:
        The machine epsilon of Python floats.
    """
    eps = 1.0
    while 1.0 + eps > 1.0:
        eps /= 2.0
    return eps * 2.0


_SQRT_EPS = math.sqrt(machine_epsilon())


def forward_difference(f: Callable[[float], float], x: float, h: float | None = None) -> float:
    """The one-sided difference quotient ``(f(x + h) - f(x)) / h`` (the source document's ``d``).

    Its truncation error is ``h * f''(x) / 2`` and its rounding error about
    ``eps * |f(x)| / h``; both are balanced near ``h = sqrt(eps)``. So by
    default ``h = sqrt(eps) * max(1, |x|)`` (``sqrt(eps)`` is about 1.5e-8),
    scaled with ``|x|`` so that ``x + h`` still differs from ``x`` for large
    ``x``. The step actually used is ``(x + h) - x``, which is exactly
    representable, so the division does not add the rounding error of ``x + h``.

    Args:
        f: A function of one float returning a float.
        x: Where to differentiate.
        h: The step; must be a positive finite number. ``None`` chooses it as above.

    Returns:
        The approximation of ``f'(x)``, accurate to about ``sqrt(eps)`` relative.

    Raises:
        TypeError: If ``f`` is not callable or ``x``, ``h`` or ``f``'s result
            is not a real number.
        ValueError: If ``x`` is not finite or ``h`` is not positive and finite.
    """
    _check_callable(f)
    point = _as_real(x, "x")
    step = _SQRT_EPS * max(1.0, abs(point)) if h is None else _as_step(h, "h")
    step = (point + step) - point
    return (_call_float(f, point + step) - _call_float(f, point)) / step


def central_difference(f: Callable[[float], float], x: float, h: float = 1e-6) -> float:
    """The symmetric difference quotient ``(f(x + h) - f(x - h)) / (2h)``.

    The first-order error terms cancel: the truncation error is
    ``h**2 * f'''(x) / 6``, so it is far more accurate than
    :func:`forward_difference` for the same ``h``.

    Args:
        f: A function of one float returning a float.
        x: Where to differentiate.
        h: The half-width of the step, positive and finite.

    Returns:
        The approximation of ``f'(x)``.

    Raises:
        TypeError: If ``f`` is not callable or ``x``, ``h`` or ``f``'s result
            is not a real number.
        ValueError: If ``x`` is not finite or ``h`` is not positive and finite.
    """
    _check_callable(f)
    point = _as_real(x, "x")
    step = _as_step(h, "h")
    return (_call_float(f, point + step) - _call_float(f, point - step)) / (2.0 * step)


def numerical_gradient(
    f: Callable[..., float], inputs: Iterable[float], h: float = 1e-6
) -> list[float]:
    """The gradient of a function of several floats by central differences.

    Entry ``i`` is ``(f(..., x_i + h, ...) - f(..., x_i - h, ...)) / (2h)``.

    Args:
        f: Called as ``f(x_1, ..., x_n)`` with floats; returns a float.
        inputs: The point ``(x_1, ..., x_n)``; real numbers, at least one.
        h: The half-width of the step, positive and finite.

    Returns:
        ``[df/dx_1, ..., df/dx_n]`` approximately.

    Raises:
        TypeError: If ``f`` is not callable, ``inputs`` is not a sequence of
            real numbers or ``f`` returns something else than a real number.
        ValueError: If ``inputs`` is empty or holds a non-finite number, or
            ``h`` is not positive and finite.
    """
    _check_callable(f)
    point = _as_point(inputs)
    step = _as_step(h, "h")
    return _numerical_gradient(lambda xs: _call_float(f, *xs), point, step)


# ---------------------------------------------------------------------------
# Gradient checkers.


class GradcheckError(AssertionError):
    """Raised by :func:`gradcheck` and :func:`gradgradcheck` with ``raise_on_fail=True``.

    A subclass of ``AssertionError``, so a failed check inside a test reads as
    a failed assertion. The full report is in :attr:`report`.
    """

    def __init__(self, report: GradcheckReport) -> None:
        super().__init__(f"{report.kind} failed:\n{report}")
        self.report = report


@dataclass(frozen=True)
class GradcheckEntry:
    """One compared derivative.

    Attributes:
        index: ``(i,)`` for ``dy/dx_i`` or ``(i, j)`` for ``d2y/dx_i dx_j``.
        analytic: The derivative from ``backward``.
        numeric: The finite-difference estimate.
        abs_error: ``|analytic - numeric|``.
        rel_error: ``abs_error / |numeric|`` (0 when both are 0, inf when only
            ``numeric`` is 0).
        passed: ``abs_error <= atol + rtol * |numeric|``; never true for nan or inf.
    """

    index: tuple[int, ...]
    analytic: float
    numeric: float
    abs_error: float
    rel_error: float
    passed: bool

    @property
    def name(self) -> str:
        """``dy/dx0`` or ``d2y/dx0dx1``: what the entry compares."""
        if len(self.index) == 1:
            return f"dy/dx{self.index[0]}"
        return "d2y/" + "".join(f"dx{i}" for i in self.index)


@dataclass(frozen=True)
class GradcheckReport:
    """The result of :func:`gradcheck` or :func:`gradgradcheck`: one entry per derivative.

    ``bool(report)`` is true when every entry passed; ``str(report)`` is a table.

    Attributes:
        kind: ``"gradcheck"`` or ``"gradgradcheck"``.
        inputs: The point the derivatives were taken at.
        output: ``f(inputs)``.
        entries: The compared derivatives, in order of ``index``.
        eps: The finite-difference half-step.
        atol: Absolute tolerance.
        rtol: Relative tolerance.
    """

    kind: str
    inputs: tuple[float, ...]
    output: float
    entries: tuple[GradcheckEntry, ...]
    eps: float
    atol: float
    rtol: float

    def __bool__(self) -> bool:
        return all(entry.passed for entry in self.entries)

    def __iter__(self) -> Iterator[GradcheckEntry]:
        return iter(self.entries)

    @property
    def passed(self) -> bool:
        """True when every entry passed (the same as ``bool(report)``)."""
        return bool(self)

    @property
    def failures(self) -> list[GradcheckEntry]:
        """The entries that did not pass."""
        return [entry for entry in self.entries if not entry.passed]

    def __str__(self) -> str:
        header = (
            f"{self.kind} at inputs {list(self.inputs)} (f = {self.output!r}; "
            f"eps={self.eps:g}, atol={self.atol:g}, rtol={self.rtol:g}): "
            f"{'passed' if self else f'{len(self.failures)} of {len(self.entries)} failed'}"
        )
        rows = [("derivative", "analytic", "numeric", "abs error", "rel error", "")]
        rows.extend(
            (
                entry.name,
                f"{entry.analytic:.10g}",
                f"{entry.numeric:.10g}",
                f"{entry.abs_error:.3g}",
                f"{entry.rel_error:.3g}",
                "ok" if entry.passed else "FAIL",
            )
            for entry in self.entries
        )
        widths = [max(len(row[k]) for row in rows) for k in range(len(rows[0]))]
        lines = [header]
        for row in rows:
            cells = [row[0].ljust(widths[0])]
            cells.extend(
                cell.rjust(width) for cell, width in zip(row[1:-1], widths[1:-1], strict=True)
            )
            cells.append(row[-1])
            lines.append("  ".join(cells).rstrip())
        return "\n".join(lines)


def gradcheck(
    f: Callable[..., Value],
    inputs: Iterable[float | Value],
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    raise_on_fail: bool = False,
) -> GradcheckReport:
    """Compare ``backward``'s gradient of ``f`` with central differences.

    For each input ``x_i``: the analytic ``dy/dx_i`` comes from
    ``f(x_1, ..., x_n).backward()`` on fresh leaves; the numeric one is
    ``(f(..., x_i + eps, ...) - f(..., x_i - eps, ...)) / (2 eps)`` evaluated
    on the forward pass alone. An entry passes when
    ``|analytic - numeric| <= atol + rtol * |numeric|``.

    Args:
        f: Called as ``f(Value(x_1), ..., Value(x_n))``; returns a ``Value``.
        inputs: The point: real numbers (a ``Value`` counts as its ``.data``;
            its ``.grad`` is left untouched), at least one, all finite.
        eps: The finite-difference half-step, positive and finite.
        atol: Absolute tolerance, at least 0.
        rtol: Relative tolerance, at least 0.
        raise_on_fail: Raise :class:`GradcheckError` instead of returning a
            failing report.

    Returns:
        A :class:`GradcheckReport` with one entry per input; true when all passed.

    Raises:
        TypeError: If ``f`` is not callable or does not return a ``Value``,
            or an input is not a real number.
        ValueError: If ``inputs`` is empty or holds a non-finite number, or a
            tolerance is out of range.
        GradcheckError: If ``raise_on_fail`` and some entry failed.
    """
    _check_callable(f)
    point = _as_point(inputs)
    step, atol, rtol = _check_tolerances(eps, atol, rtol)
    output, analytic = _analytic_gradient(f, point)
    numeric = _numerical_gradient(lambda xs: _forward(f, xs), point, step)
    entries = tuple(
        _entry((i,), a, n, atol, rtol)
        for i, (a, n) in enumerate(zip(analytic, numeric, strict=True))
    )
    report = GradcheckReport("gradcheck", tuple(point), output, entries, step, atol, rtol)
    if raise_on_fail and not report:
        raise GradcheckError(report)
    return report


def gradgradcheck(
    f: Callable[..., Value],
    inputs: Iterable[float | Value],
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    raise_on_fail: bool = False,
) -> GradcheckReport:
    """Compare the analytic Hessian of ``f`` with central differences of its gradient.

    The analytic ``H_ij = d2y / dx_i dx_j`` comes from differentiating a
    gradient: on fresh leaves, ``y.backward(create_graph=True)`` makes
    ``x_i.grad`` a ``Value`` with its own graph, and ``x_i.grad.backward()``
    fills in row ``i``. The numeric one is
    ``(g_i(x + eps e_j) - g_i(x - eps e_j)) / (2 eps)``, where ``g`` is the
    analytic gradient from a plain ``backward``. So this checks the
    derivative rules' own derivatives (``create_graph``) against the
    first-order rules, which :func:`gradcheck` checks against ``f``.

    Args:
        f: Called as ``f(Value(x_1), ..., Value(x_n))``; returns a ``Value``.
        inputs: The point, as for :func:`gradcheck`.
        eps: The finite-difference half-step, positive and finite.
        atol: Absolute tolerance, at least 0.
        rtol: Relative tolerance, at least 0.
        raise_on_fail: Raise :class:`GradcheckError` instead of returning a
            failing report.

    Returns:
        A :class:`GradcheckReport` with ``n * n`` entries, index ``(i, j)``
        in row-major order; true when all passed.

    Raises:
        TypeError: If ``f`` is not callable or does not return a ``Value``,
            or an input is not a real number.
        ValueError: If ``inputs`` is empty or holds a non-finite number, or a
            tolerance is out of range.
        GradcheckError: If ``raise_on_fail`` and some entry failed.
    """
    _check_callable(f)
    point = _as_point(inputs)
    step, atol, rtol = _check_tolerances(eps, atol, rtol)
    n = len(point)
    output = _forward(f, point)
    analytic = [_hessian_row(f, point, i) for i in range(n)]
    # numeric[j][i] = d g_i / d x_j; the Hessian is symmetric only in exact arithmetic,
    # so compare H_ij (derivative of g_i along x_j) with the matching difference.
    columns: list[list[float]] = []
    for j in range(n):
        plus = list(point)
        minus = list(point)
        plus[j] += step
        minus[j] -= step
        g_plus = _analytic_gradient(f, plus)[1]
        g_minus = _analytic_gradient(f, minus)[1]
        columns.append([(p - m) / (2.0 * step) for p, m in zip(g_plus, g_minus, strict=True)])
    entries = tuple(
        _entry((i, j), analytic[i][j], columns[j][i], atol, rtol)
        for i in range(n)
        for j in range(n)
    )
    report = GradcheckReport("gradgradcheck", tuple(point), output, entries, step, atol, rtol)
    if raise_on_fail and not report:
        raise GradcheckError(report)
    return report


# ---------------------------------------------------------------------------
# Helpers.


def _entry(
    index: tuple[int, ...], analytic: float, numeric: float, atol: float, rtol: float
) -> GradcheckEntry:
    abs_error = abs(analytic - numeric)
    if numeric != 0.0:
        rel_error = abs_error / abs(numeric)
    else:
        rel_error = 0.0 if abs_error == 0.0 else math.inf
    # NOTE: written so that nan anywhere fails: every comparison with nan is False.
    passed = abs_error <= atol + rtol * abs(numeric)
    return GradcheckEntry(index, analytic, numeric, abs_error, rel_error, passed)


def _numerical_gradient(
    evaluate: Callable[[list[float]], float], point: list[float], step: float
) -> list[float]:
    gradient = []
    for i in range(len(point)):
        plus = list(point)
        minus = list(point)
        plus[i] += step
        minus[i] -= step
        gradient.append((evaluate(plus) - evaluate(minus)) / (2.0 * step))
    return gradient


def _call_value(f: Callable[..., Value], leaves: list[Value]) -> Value:
    result = f(*leaves)
    if type(result) is not Value:
        raise TypeError(
            f"f must return a Value, got {type(result).__name__}: {result!r} "
            "(a function of plain floats belongs in numerical_gradient)"
        )
    return result


def _forward(f: Callable[..., Value], point: list[float]) -> float:
    return _call_value(f, [Value(x) for x in point]).data


def _analytic_gradient(f: Callable[..., Value], point: list[float]) -> tuple[float, list[float]]:
    """``f``'s value and gradient at ``point`` from a plain backward on fresh leaves."""
    leaves = [Value(x) for x in point]
    output = _call_value(f, leaves)
    output.backward()
    return output.data, [_grad_float(leaf.grad) for leaf in leaves]


def _hessian_row(f: Callable[..., Value], point: list[float], i: int) -> list[float]:
    """Row ``i`` of the Hessian: ``d(dy/dx_i)/dx_j`` for every ``j``."""
    # NOTE: fresh leaves per row, so gradients of earlier rows never accumulate.
    leaves = [Value(x) for x in point]
    output = _call_value(f, leaves)
    output.backward(create_graph=True)
    gradient: Any = leaves[i].grad
    if type(gradient) is not Value:
        # dy/dx_i is a constant (x_i unused, or y linear in it): its derivative is 0.
        return [0.0] * len(point)
    for leaf in leaves:
        leaf.grad = 0.0
    gradient.backward()
    return [_grad_float(leaf.grad) for leaf in leaves]


def _grad_float(grad: Any) -> float:
    return grad.data if type(grad) is Value else float(grad)


def _call_float(f: Callable[..., Any], *args: float) -> float:
    result = f(*args)
    if type(result) is float:
        return result
    number = _real_or_none(result)
    if number is None:
        raise TypeError(f"f must return a real number, got {type(result).__name__}: {result!r}")
    return number


def _check_callable(f: object) -> None:
    if not callable(f):
        raise TypeError(f"f must be callable, got {type(f).__name__}: {f!r}")


def _real_or_none(x: object) -> float | None:
    if type(x) is Value:
        return x.data
    if isinstance(x, (numbers.Real, decimal.Decimal)):
        return float(x)
    return None


def _as_real(x: object, what: str) -> float:
    number = _real_or_none(x)
    if number is None:
        raise TypeError(f"{what} must be a real number, got {type(x).__name__}: {x!r}")
    if not math.isfinite(number):
        raise ValueError(f"{what} must be finite for a finite difference, got {number!r}")
    return number


def _as_step(h: object, what: str) -> float:
    step = _as_real(h, what)
    if step <= 0.0:
        raise ValueError(f"{what} must be positive, got {step!r}")
    return step


def _as_point(inputs: object) -> list[float]:
    if isinstance(inputs, (str, bytes)) or not isinstance(inputs, Iterable):
        raise TypeError(
            "inputs must be a sequence of real numbers (e.g. [1.0, 2.0]), "
            f"got {type(inputs).__name__}: {inputs!r}"
        )
    point = [_as_real(x, f"inputs[{i}]") for i, x in enumerate(inputs)]
    if not point:
        raise ValueError("inputs must hold at least one number, got an empty sequence")
    return point


def _check_tolerances(eps: object, atol: object, rtol: object) -> tuple[float, float, float]:
    step = _as_step(eps, "eps")
    tolerances = []
    for name, value in (("atol", atol), ("rtol", rtol)):
        tolerance = _as_real(value, name)
        if tolerance < 0.0:
            raise ValueError(f"{name} must be at least 0, got {tolerance!r}")
        tolerances.append(tolerance)
    return step, tolerances[0], tolerances[1]
