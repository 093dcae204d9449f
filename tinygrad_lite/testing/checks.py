"""Gradient checks driven by hypothesis: :func:`check_gradients`, :func:`check_op` and
:func:`assert_gradients_match`.

Part of :mod:`tinygrad_lite.testing` (needs hypothesis); sits on
:mod:`tinygrad_lite.numeric`, whose :func:`~tinygrad_lite.numeric.gradcheck`
and :func:`~tinygrad_lite.numeric.gradgradcheck` compare derivatives at one
point. Here hypothesis chooses the points: it searches the inputs' domains,
and when a point fails it shrinks it to the simplest failing one before the
error is raised. Points where a central difference cannot be trusted (a
kink, a pole, an undefined value: :func:`~tinygrad_lite.testing.kinks.find_hazard`)
are rejected, not counted as failures, and the report says how many.
"""

from __future__ import annotations

import inspect
import math
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from hypothesis import HealthCheck, given, reject, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable

from ..custom import _REGISTERED, CustomOp
from ..engine import Value, apply_op
from ..numeric import GradcheckEntry, GradcheckError, GradcheckReport, gradcheck, gradgradcheck
from ..ops import BINARY, OPS, UNARY, VARIADIC, Op
from .domains import OP_INPUTS, point_strategy
from .kinks import Hazard, find_hazard

__all__ = [
    "GradientMismatchError",
    "SearchReport",
    "assert_gradients_match",
    "check_gradients",
    "check_op",
]


@dataclass
class SearchReport:
    """What a :func:`check_gradients` or :func:`check_op` search did; true when it passed.

    Attributes:
        function: The name of the function or op checked.
        order: 1 (gradients) or 2 (gradients and the Hessian).
        examples: Points where the derivatives were compared, all agreeing.
        rejected_at_kinks: Points rejected because a step of ``eps`` crossed
            a kink or a jump (or changed the branch the function's own code took).
        rejected_at_poles: Points rejected as too near a pole or a vertical tangent.
        rejected_undefined: Points where the function (or an op in it) was
            not finite at or next to the point.
        rejected_by_op: Rejections per op (``""``: a branch in Python code).
        tolerance_used: The largest ``|analytic - numeric| / (atol + rtol |numeric|)``
            seen: how close the closest call came to failing (1 fails).
    """

    function: str
    order: int
    examples: int = 0
    rejected_at_kinks: int = 0
    rejected_at_poles: int = 0
    rejected_undefined: int = 0
    rejected_by_op: Counter[str] = field(default_factory=Counter)
    tolerance_used: float = 0.0

    @property
    def rejected(self) -> int:
        """Every rejected point."""
        return self.rejected_at_kinks + self.rejected_at_poles + self.rejected_undefined

    def __bool__(self) -> bool:
        return self.examples > 0

    def count(self, hazard: Hazard) -> None:
        """Tally one rejected point."""
        if hazard.kind == "kink":
            self.rejected_at_kinks += 1
        elif hazard.kind == "pole":
            self.rejected_at_poles += 1
        else:
            self.rejected_undefined += 1
        self.rejected_by_op[hazard.op] += 1

    def __str__(self) -> str:
        what = "gradients" if self.order == 1 else "gradients and Hessians"
        by_op = ", ".join(
            f"{name or 'a branch in Python code'} {count}"
            for name, count in self.rejected_by_op.most_common()
        )
        return (
            f"{self.function}: {what} agreed with central differences at {self.examples} "
            f"points (at most {self.tolerance_used:.2g} of the tolerance used); rejected "
            f"{self.rejected_at_kinks} at kinks, {self.rejected_at_poles} at poles, "
            f"{self.rejected_undefined} undefined" + (f" ({by_op})" if by_op else "")
        )


class GradientMismatchError(GradcheckError):
    """An analytic derivative disagreed with central differences (an ``AssertionError``).

    Attributes:
        report: The gradient check table at the failing point (analytic,
            numeric, abs error and rel error per derivative).
        point: The failing point; after a search, the one hypothesis shrank to.
        search: The search's tally up to the failure (None for a single point).
    """

    def __init__(
        self,
        report: GradcheckReport,
        function: str,
        search: SearchReport | None = None,
        hint: str = "",
    ) -> None:
        super().__init__(report)
        self.point = report.inputs
        self.search = search
        where = f"at {list(report.inputs)}"
        if search is not None:
            where = (
                f"at the shrunk counterexample {list(report.inputs)} (found at point "
                f"{search.examples + 1} of the search, after {search.rejected} rejected at "
                "kinks, poles or undefined values, then shrunk by hypothesis)"
            )
        derivative = "second derivative" if report.kind == "gradgradcheck" else "derivative"
        self.args = (
            f"{function}: the analytic {derivative} disagrees with central differences "
            f"{where}\n{report}" + (f"\n{hint}" if hint else ""),
        )


def _name(f: Callable[..., Any]) -> str:
    return getattr(f, "__name__", None) or repr(f)


def _as_value(result: Any) -> Value:
    """``f``'s result as a Value: a plain number is a constant (``max(x, 0.0)`` below 0)."""
    if type(result) is Value:
        return result
    if isinstance(result, (int, float)) and not isinstance(result, bool):
        return Value(float(result))
    raise TypeError(
        f"the function must return a Value (or a plain number), got "
        f"{type(result).__name__}: {result!r}"
    )


def _positional_count(f: Callable[..., Any]) -> int | None:
    try:
        parameters = inspect.signature(f).parameters.values()
    except (TypeError, ValueError):
        return None
    if any(p.kind is p.VAR_POSITIONAL for p in parameters):
        return None
    kinds = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    return sum(1 for p in parameters if p.kind in kinds and p.default is p.empty) or None


def _check_order(order: object) -> int:
    if order not in (1, 2) or type(order) is not int:
        raise ValueError(f"order must be 1 (gradients) or 2 (also the Hessian), got {order!r}")
    return order


def _compare(
    function: Callable[..., Value],
    point: Sequence[float],
    order: int,
    eps: float,
    atol: float,
    rtol: float,
) -> list[GradcheckReport]:
    """gradcheck, and for order 2 gradgradcheck, at one point; the first failure raised."""
    reports = [gradcheck(function, point, eps=eps, atol=atol, rtol=rtol)]
    if reports[0] and order == 2:
        reports.append(gradgradcheck(function, point, eps=eps, atol=atol, rtol=rtol))
    return reports


class _MismatchFoundError(Exception):
    """A failing point inside the search; hypothesis shrinks it and re-raises it."""

    def __init__(self, report: GradcheckReport) -> None:
        super().__init__(str(report))
        self.report = report


def _search(
    name: str,
    function: Callable[..., Value],
    strategy: st.SearchStrategy[tuple[float, ...]],
    order: int,
    max_examples: int | None,
    eps: float,
    atol: float,
    rtol: float,
    extra_check: Callable[[tuple[float, ...]], None] | None = None,
    hint: Callable[[GradcheckReport], str] | None = None,
) -> SearchReport:
    tally = SearchReport(name, order)
    # The tally as it stood at the first failure: shrinking runs more points,
    # which the report does not count.
    at_failure: list[SearchReport] = []

    def examine(point: tuple[float, ...]) -> None:
        hazard = find_hazard(function, point, eps)
        if hazard is not None:
            if not at_failure:
                tally.count(hazard)
            reject()
        if extra_check is not None:
            extra_check(point)
        for report in _compare(function, point, order, eps, atol, rtol):
            if not report:
                if not at_failure:
                    at_failure.append(replace(tally, rejected_by_op=Counter(tally.rejected_by_op)))
                raise _MismatchFoundError(report)
            if not at_failure:
                used = [_tolerance_used(entry, atol, rtol) for entry in report]
                tally.tolerance_used = max(tally.tolerance_used, *used)
        if not at_failure:
            tally.examples += 1

    options: dict[str, Any] = {
        "deadline": None,
        "database": None,
        "report_multiple_bugs": False,
        "suppress_health_check": [HealthCheck.too_slow, HealthCheck.filter_too_much],
    }
    if max_examples is not None:
        if type(max_examples) is not int or max_examples < 1:
            raise ValueError(f"max_examples must be a positive int, got {max_examples!r}")
        options["max_examples"] = max_examples
    run = settings(**options)(given(strategy)(examine))
    try:
        run()
    except _MismatchFoundError as found:
        detail = hint(found.report) if hint is not None else ""
        raise GradientMismatchError(found.report, name, at_failure[0], detail) from None
    except Unsatisfiable:
        raise ValueError(
            f"{name}: no point of the domain could be checked ({tally}); give inputs a "
            "domain where the function is defined and smooth"
        ) from None
    return tally


def _tolerance_used(entry: GradcheckEntry, atol: float, rtol: float) -> float:
    """``|analytic - numeric| / (atol + rtol |numeric|)``: 1 is the edge of failing."""
    allowed = atol + rtol * abs(entry.numeric)
    if allowed == 0.0:
        return 0.0 if entry.abs_error == 0.0 else math.inf
    return entry.abs_error / allowed


def check_gradients(
    f: Callable[..., Any],
    *,
    inputs: int | Sequence[Any] | st.SearchStrategy[Any] | None = None,
    order: int = 1,
    max_examples: int | None = None,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
) -> SearchReport:
    """Search for a point where ``f``'s analytic derivatives disagree with central differences.

    Hypothesis draws points from the inputs' domains; at each, the gradient
    from ``backward`` is compared with ``(f(x + eps e_i) - f(x - eps e_i)) / 2 eps``
    (:func:`~tinygrad_lite.numeric.gradcheck`), and with ``order=2`` the
    Hessian from ``backward(create_graph=True)`` with central differences of
    the gradient (:func:`~tinygrad_lite.numeric.gradgradcheck`). An entry
    agrees when ``|analytic - numeric| <= atol + rtol |numeric|``. A point
    whose step crosses a kink, comes near a pole or leaves the function's
    domain is rejected and counted, never reported as a failure. Usable as a
    whole test::

        def test_my_function():
            check_gradients(my_function, inputs=2)

    It runs a hypothesis search of its own, so inside a ``@given`` test use
    :func:`assert_gradients_match` instead (hypothesis refuses nested
    searches unless the outer test suppresses ``HealthCheck.nested_given``).
    The search keeps no example database: the hypothesis profile's other
    settings (``derandomize``, ``max_examples``) apply.

    Args:
        f: Called as ``f(Value(x_1), ..., Value(x_n))``; returns a Value (a
            plain number counts as a constant).
        inputs: How many inputs, each drawn from ``[-10, 10]``; or one domain
            per input, a ``(low, high)`` pair or a hypothesis strategy of
            floats; or a strategy of whole points (tuples). None: the number
            of ``f``'s positional parameters.
        order: 1 for gradients, 2 for gradients and the Hessian.
        max_examples: How many points to compare (rejected ones not
            counted); None: the hypothesis profile's ``max_examples``.
        eps: The central difference's half-step.
        atol: Absolute tolerance.
        rtol: Relative tolerance.

    Returns:
        A :class:`SearchReport`: points compared, points rejected (at kinks,
        at poles, undefined) and by which op.

    Raises:
        GradientMismatchError: With the shrunk smallest failing point and its
            table (analytic, numeric, abs error, rel error per input).
        ValueError: If no point of the domain could be checked, or an
            argument is out of range.
        TypeError: If ``inputs`` is malformed or ``f`` returns something
            other than a Value or a number.
    """
    if not callable(f):
        raise TypeError(f"f must be callable, got {type(f).__name__}: {f!r}")
    order = _check_order(order)
    strategy = point_strategy(inputs, _positional_count(f))

    def function(*xs: Value) -> Value:
        return _as_value(f(*xs))

    return _search(_name(f), function, strategy, order, max_examples, eps, atol, rtol)


def assert_gradients_match(
    f: Callable[..., Any],
    point: Sequence[float],
    *,
    order: int = 1,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
) -> list[GradcheckReport]:
    """Assert that ``f``'s derivatives at ``point`` agree with central differences.

    For a ``@given`` test of your own: the same comparison as
    :func:`check_gradients` at one point. Where a step of ``eps`` crosses a
    kink or comes near a pole the point cannot be judged: inside a
    hypothesis test it is rejected (``hypothesis.reject()``), so hypothesis
    draws another; outside one nothing is compared.

    Args:
        f: Called as ``f(Value(x_1), ..., Value(x_n))``.
        point: The point, one float per input.
        order: 1 for the gradient, 2 also for the Hessian.
        eps: The central difference's half-step.
        atol: Absolute tolerance.
        rtol: Relative tolerance.

    Returns:
        The gradient check reports (one, or two for ``order=2``); an empty
        list when the point was not judged.

    Raises:
        GradientMismatchError: If a derivative disagrees, with the table.
    """
    from hypothesis import currently_in_test_context

    order = _check_order(order)

    def function(*xs: Value) -> Value:
        return _as_value(f(*xs))

    values = [_number(x) for x in point]
    if find_hazard(function, values, eps) is not None:
        if currently_in_test_context():
            reject()
        return []
    reports = _compare(function, values, order, eps, atol, rtol)
    for report in reports:
        if not report:
            raise GradientMismatchError(report, _name(f))
    return reports


def _resolve(op: str | Op | CustomOp) -> tuple[Op, int | None]:
    """The table entry and, when known, the number of arguments."""
    if isinstance(op, CustomOp):
        return op.op, op.arity
    if isinstance(op, Op):
        entry = op
    elif isinstance(op, str):
        found = OPS.get(op)
        if found is None:
            raise LookupError(f"check_op: no op named {op!r}; the table has {sorted(OPS)}")
        entry = found
    else:
        raise TypeError(
            f"check_op takes an op name, an Op or a custom op, got {type(op).__name__}: {op!r}"
        )
    custom = _REGISTERED.get(entry.name)
    if custom is not None:
        return entry, custom.arity
    return entry, {UNARY: 1, BINARY: 2}.get(entry.arity)  # a variadic op takes any count


def _same(a: float, b: float) -> bool:
    return a == b or (a != a and b != b)


def _number(x: Any) -> float:
    return x.data if type(x) is Value else float(x)


def check_op(
    op: str | Op | CustomOp,
    *,
    inputs: int | Sequence[Any] | st.SearchStrategy[Any] | None = None,
    order: int = 2,
    max_examples: int | None = None,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
) -> SearchReport:
    """Check an op of the table, built-in or custom, at first and second order.

    At each point hypothesis draws: the node a Value computes holds the op's
    own float function (``forward``) at the same numbers, to the last bit;
    the local derivatives give the same numbers on floats (plain
    ``backward``) and on Values (``backward(create_graph=True)``); they agree
    with central differences (:func:`~tinygrad_lite.numeric.gradcheck`), and
    with ``order=2`` their own derivatives do too
    (:func:`~tinygrad_lite.numeric.gradgradcheck`). A failure is shrunk to
    the simplest failing point. Built-in ops are searched over their smooth
    domain (:data:`~tinygrad_lite.testing.domains.OP_INPUTS`); a custom op's
    inner kinks are invisible (it is one node), so give it ``inputs`` that
    avoid them.

    Args:
        op: A custom op (from :func:`~tinygrad_lite.custom_op`), an
            :class:`~tinygrad_lite.ops.Op` or an op's name.
        inputs: One domain per argument, the argument count (each in
            ``[-10, 10]``) or a strategy of whole points; None: the built-in
            op's domain, or ``[-10, 10]`` for each argument of a custom op.
        order: 2 (first and second derivatives) or 1.
        max_examples: How many points to compare; None: the hypothesis
            profile's ``max_examples``.
        eps: The central difference's half-step.
        atol: Absolute tolerance.
        rtol: Relative tolerance.

    Returns:
        A :class:`SearchReport`.

    Raises:
        GradientMismatchError: If a derivative disagrees, with the shrunk point.
        AssertionError: If the forward or the two kinds of backward disagree.
        LookupError: If no op has that name.
    """
    entry, count = _resolve(op)
    order = _check_order(order)
    if inputs is None and entry.name in OP_INPUTS and entry.name not in _REGISTERED:
        inputs = OP_INPUTS[entry.name]
    elif inputs is None and count is None:
        raise TypeError(f"check_op({entry.name!r}): give inputs=n for this variadic op")
    strategy = point_strategy(inputs, count)

    def function(*xs: Value) -> Value:
        result: Value = apply_op(entry, *xs)
        return result

    def forward_and_backward_agree(point: tuple[float, ...]) -> None:
        on_floats = entry.forward(list(point)) if entry.arity == VARIADIC else entry.forward(*point)
        node = function(*[Value(x) for x in point])
        assert _same(node.data, on_floats), (
            f"{entry.name}: a Value computes {node.data!r} at {list(point)}, the op's forward "
            f"{on_floats!r}"
        )
        plain = [Value(x) for x in point]
        function(*plain).backward()
        graphed = [Value(x) for x in point]
        function(*graphed).backward(create_graph=True)
        for i, (a, b) in enumerate(zip(plain, graphed, strict=True)):
            first, second = a.grad, _number(b.grad)
            assert math.isclose(first, second, rel_tol=1e-12, abs_tol=1e-300) or _same(
                first, second
            ), (
                f"{entry.name}: local_grads gives d/dx{i} = {first!r} on floats but {second!r} "
                f"on Values at {list(point)}"
            )

    def second_order_hint(report: GradcheckReport) -> str:
        if report.kind == "gradgradcheck" and all(e.analytic == 0.0 for e in report):
            return (
                "hint: every analytic second derivative is 0, as when local_grads calls the "
                "standard math module on its arguments; write it with tinygrad_lite.math "
                "(and arithmetic) so that it runs on Values too"
            )
        return ""

    return _search(
        f"op {entry.name!r}",
        function,
        strategy,
        order,
        max_examples,
        eps,
        atol,
        rtol,
        forward_and_backward_agree,
        second_order_hint,
    )
