"""Function transformations in the style of JAX: grad, value_and_grad, jacobian, hessian, hvp.

Sits on :mod:`tinygrad_lite.engine`. Each transformation takes a plain Python
function of numbers and returns a new function that computes a derivative of
it, as plain floats::

    >>> from tinygrad_lite.functional import grad
    >>> grad(lambda x: x**3)(2.0)  # 3 x**2
    12.0
    >>> grad(grad(lambda x: x**3))(2.0)  # 6 x
    12.0

Arguments and results are *trees*: a real number, or a list or tuple of
trees. ``grad(f)([x, y])`` is the gradient ``[df/dx, df/dy]``; the result
always has the shape of the argument (``argnums`` a tuple gives a tuple).

How it works: the differentiated arguments become fresh nodes (a ``Value``
for a number; for an argument that already is a ``Value``, ``v + 0.0`` — a
node of its own, so a closure that also uses ``v`` does not count as the
argument), ``f`` runs on them, and one ``backward`` from the output reads the
inputs' ``.grad``. The ``.grad`` of every node that backward touched is saved
before and restored after, so nested transformations never see each other's
bookkeeping. When the result depends on a ``Value`` made outside the call
(an enclosing transformation's input, reached through an argument or a
closure), backward runs with ``create_graph=True`` and the result stays a
``Value`` connected to the outer graph: that is what makes ``grad(grad(f))``
and ``jacobian(grad(f))`` (the Hessian) work. At the top level, results are
floats.
"""

from __future__ import annotations

import decimal
import numbers
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from .engine import Value, is_grad_enabled, topological_order

__all__ = ["grad", "hessian", "hvp", "jacobian", "value_and_grad"]

Argnums = int | tuple[int, ...]


class _Nesting(threading.local):
    """How many transformed functions are running in this thread (outer ones first)."""

    depth: int = 0


_nesting = _Nesting()


# ---------------------------------------------------------------------------
# Public transformations.


def grad(f: Callable[..., Any], argnums: Argnums = 0, has_aux: bool = False) -> Callable[..., Any]:
    """The gradient of a scalar function: ``x -> df/dx``.

    For ``f(x_1, ..., x_n)`` and ``argnums = i`` the new function returns
    ``d f / d x_i`` evaluated at its arguments, with the shape of ``x_i``
    (a float for a number, a list for a list). With ``argnums`` a tuple it
    returns a tuple of such gradients, one per position.

    Args:
        f: A function of real numbers (or lists/tuples of them) returning a
            real number; written with ordinary arithmetic and ``Value``
            methods (``x.exp()``), so it runs on ``Value`` arguments.
        argnums: The position, or tuple of positions, to differentiate.
        has_aux: ``f`` returns a pair ``(output, aux)``; only ``output`` is
            differentiated and the new function returns ``(gradient, aux)``.

    Returns:
        The gradient function. It accepts keyword arguments too, passed to
        ``f`` and not differentiated.

    Raises:
        TypeError: If ``f`` is not callable or ``argnums`` is not an int or a
            tuple of ints; when called, if a differentiated argument is not
            numeric or ``f`` does not return a scalar.
        ValueError: When called, if ``argnums`` is out of range.

    Example:
        >>> grad(lambda x, y: x * y, argnums=(0, 1))(3.0, 4.0)
        (4.0, 3.0)
    """
    positions = _check_transform("grad", f, argnums)

    def gradient(*args: Any, **kwargs: Any) -> Any:
        _, aux, gradients = _value_and_grad("grad", f, args, kwargs, argnums, positions, has_aux)
        return (gradients, aux) if has_aux else gradients

    return gradient


def value_and_grad(
    f: Callable[..., Any], argnums: Argnums = 0, has_aux: bool = False
) -> Callable[..., Any]:
    """Like :func:`grad`, but also return ``f``'s value: ``x -> (f(x), df/dx)``.

    One forward and one backward pass give both.

    Args:
        f: A scalar function, as for :func:`grad`.
        argnums: The position, or tuple of positions, to differentiate.
        has_aux: ``f`` returns ``(output, aux)``; the new function then
            returns ``((output, aux), gradient)``.

    Returns:
        A function returning ``(value, gradient)``.

    Raises:
        TypeError, ValueError: As for :func:`grad`.

    Example:
        >>> value_and_grad(lambda x: x * x)(3.0)
        (9.0, 6.0)
    """
    positions = _check_transform("value_and_grad", f, argnums)

    def value_and_gradient(*args: Any, **kwargs: Any) -> Any:
        value, aux, gradients = _value_and_grad(
            "value_and_grad", f, args, kwargs, argnums, positions, has_aux
        )
        return ((value, aux), gradients) if has_aux else (value, gradients)

    return value_and_gradient


def jacobian(f: Callable[..., Any], argnums: Argnums = 0) -> Callable[..., Any]:
    """The Jacobian of a function with one or more outputs: ``J_ij = d f_i / d x_j``.

    ``f`` returns a tree of numbers (say a list of ``m``); the new function
    returns that tree with every output replaced by its gradient with respect
    to the differentiated argument(s). For a list of ``m`` outputs and a list
    of ``n`` inputs that is an ``m``-list of ``n``-lists; for one number in,
    an ``m``-list of floats. It costs one forward pass and one backward pass
    per output (reverse mode).

    Args:
        f: A function of real numbers (or lists/tuples of them) returning a
            real number or a list/tuple of them.
        argnums: The position, or tuple of positions, to differentiate.

    Returns:
        The Jacobian function.

    Raises:
        TypeError, ValueError: As for :func:`grad`, except that ``f`` may
            return a list or tuple.

    Example:
        >>> jacobian(lambda x, y: [x * y, x + y], argnums=(0, 1))(2.0, 5.0)
        [(5.0, 2.0), (1.0, 1.0)]
    """
    positions = _check_transform("jacobian", f, argnums)
    return _jacobian("jacobian", f, argnums, positions)


def hessian(f: Callable[..., Any], argnums: Argnums = 0) -> Callable[..., Any]:
    """The Hessian of a scalar function: ``H_ij = d2 f / dx_i dx_j``.

    Built by composition, ``jacobian(grad(f))``: the inner gradient is a
    graph of its own (``create_graph``), which the outer Jacobian
    differentiates once per input. For a list of ``n`` inputs the result is
    an ``n``-list of ``n``-lists; for one number, the second derivative.

    Args:
        f: A scalar function, as for :func:`grad`.
        argnums: The position, or tuple of positions, to differentiate; a
            tuple gives a tuple of tuples of blocks, as in JAX.

    Returns:
        The Hessian function.

    Raises:
        TypeError, ValueError: As for :func:`grad`.

    Example:
        >>> hessian(lambda v: v[0] ** 2 * v[1])([3.0, 2.0])
        [[4.0, 6.0], [6.0, 0.0]]
    """
    positions = _check_transform("hessian", f, argnums)

    def gradient(*args: Any, **kwargs: Any) -> Any:
        return _value_and_grad("hessian", f, args, kwargs, argnums, positions, False)[2]

    return _jacobian("hessian", gradient, argnums, positions)


def hvp(f: Callable[[Any], Any], x: Any, v: Any) -> Any:
    """The Hessian-vector product ``H(x) v = d/dx (grad f(x) . v)``.

    Two reverse passes, without forming the ``n x n`` Hessian: the gradient
    ``g(x)`` is built as a graph (``create_graph``), dotted with the constant
    ``v``, and that scalar is differentiated again.

    Args:
        f: A scalar function of one argument (a number or a list of numbers).
        x: The point.
        v: The vector, with the same shape as ``x``.

    Returns:
        ``H(x) v``, with the shape of ``x``.

    Raises:
        TypeError: If ``f`` is not callable, or ``x`` or ``v`` is not numeric.
        ValueError: If ``v`` does not have the shape of ``x``.

    Example:
        >>> hvp(lambda p: p[0] ** 2 * p[1], [3.0, 2.0], [1.0, 0.0])
        [4.0, 6.0]
    """
    _check_transform("hvp", f, 0)
    directions = list(_numbers_of("hvp", v, "v"))
    _check_same_shape(x, v)
    inner = grad(f)

    def directional(point: Any) -> Any:
        gradient = list(_numbers_of("hvp", inner(point), "grad f(x)"))
        product: Any = 0.0
        for g, d in zip(gradient, directions, strict=True):
            product = product + g * d
        return product

    return _value_and_grad("hvp", directional, (x,), {}, 0, (0,), False)[2]


# ---------------------------------------------------------------------------
# The machinery.


def _value_and_grad(
    name: str,
    f: Callable[..., Any],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    argnums: Argnums,
    positions: tuple[int, ...],
    has_aux: bool,
) -> tuple[Any, Any, Any]:
    """``(value, aux, gradient)`` of a scalar ``f`` at ``args``."""
    result, trees, inputs, ours, nested = _trace(name, f, args, kwargs, positions)
    output, aux = _split_aux(name, result) if has_aux else (result, None)
    _check_scalar(name, output, "f")
    gradients, create_graph = _gradients(output, inputs, ours, nested)
    values = iter(gradients)
    rebuilt = [_rebuild(tree, values) for tree in trees]
    gradient = rebuilt[0] if isinstance(argnums, int) else tuple(rebuilt)
    if create_graph:
        return output, aux, gradient
    value = output.data if type(output) is Value else _real(output)
    return value, _plain(aux), gradient


def _jacobian(
    name: str, f: Callable[..., Any], argnums: Argnums, positions: tuple[int, ...]
) -> Callable[..., Any]:
    def jacobian_function(*args: Any, **kwargs: Any) -> Any:
        result, trees, inputs, ours, nested = _trace(name, f, args, kwargs, positions)
        outputs: list[Any] = []
        _collect(name, result, outputs)
        rows = []
        for output in outputs:
            gradients, _ = _gradients(output, inputs, ours, nested)
            values = iter(gradients)
            rebuilt = [_rebuild(tree, values) for tree in trees]
            rows.append(rebuilt[0] if isinstance(argnums, int) else tuple(rebuilt))
        return _rebuild(result, iter(rows))

    return jacobian_function


def _trace(
    name: str,
    f: Callable[..., Any],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    positions: tuple[int, ...],
) -> tuple[Any, list[Any], list[Value], set[int], bool]:
    """Run ``f`` with fresh input nodes in the differentiated positions.

    Returns:
        ``f``'s result; the argument trees with their input nodes; the input
        nodes in order; the ids of the leaves made here; and whether the call
        is nested (inside another transformation, or given ``Value``s), so
        that a result depending on outside Values must stay a graph.
    """
    if not is_grad_enabled():
        raise RuntimeError(f"{name}() cannot differentiate inside no_grad(): no graph is recorded")
    for position in positions:
        if not 0 <= position < len(args):
            raise ValueError(
                f"{name}(): argnums {position} is out of range for f called with "
                f"{len(args)} positional argument(s); accepted are 0 to {len(args) - 1}"
            )
    nested = _nesting.depth > 0 or any(_holds_value(a) for a in (*args, *kwargs.values()))
    call_args = list(args)
    inputs: list[Value] = []
    ours: set[int] = set()
    trees = []
    for position in positions:
        tree = _lift(name, args[position], f"argument {position}", inputs, ours)
        call_args[position] = tree
        trees.append(tree)
    _nesting.depth += 1
    try:
        result = f(*call_args, **kwargs)
    finally:
        _nesting.depth -= 1
    return result, trees, inputs, ours, nested


def _gradients(
    output: Any, inputs: Sequence[Value], ours: set[int], nested: bool
) -> tuple[list[Any], bool]:
    """``d output / d input`` for every input, leaving every ``.grad`` as it was.

    Returns:
        The gradients (floats, or Values when the graph is kept), and whether
        the graph was kept (``create_graph``).
    """
    if type(output) is not Value:
        return [0.0] * len(inputs), False  # a constant: f ignores its inputs
    nodes = topological_order(output)
    # NOTE: keep the graph only when the result depends on a Value from
    # outside this call; otherwise it is a constant to any enclosing one.
    create_graph = nested and any(
        node.is_leaf and not node.is_constant and id(node) not in ours for node in nodes
    )
    touched = [*nodes, *inputs]
    saved = [node.grad for node in touched]
    try:
        for node in inputs:
            node.grad = 0.0
        output.backward(create_graph=create_graph)
        gradients: list[Any] = [node.grad for node in inputs]
    finally:
        for node, old in zip(touched, saved, strict=True):
            node.grad = old
    return gradients, create_graph


# ---------------------------------------------------------------------------
# Trees and checks.


def _check_transform(name: str, f: object, argnums: object) -> tuple[int, ...]:
    if not callable(f):
        raise TypeError(f"{name}() needs a callable f, got {type(f).__name__}: {f!r}")
    if type(argnums) is int:
        return (argnums,)
    if type(argnums) is tuple and argnums and all(type(p) is int for p in argnums):
        if len(set(argnums)) != len(argnums):
            raise ValueError(f"{name}(): argnums {argnums!r} repeats a position")
        return argnums
    raise TypeError(
        f"{name}(): argnums must be an int or a non-empty tuple of ints, "
        f"got {type(argnums).__name__}: {argnums!r}"
    )


def _real(x: object) -> float | None:
    if type(x) is float:
        return x
    if isinstance(x, (numbers.Real, decimal.Decimal)):
        return float(x)
    return None


def _lift(name: str, tree: Any, where: str, inputs: list[Value], ours: set[int]) -> Any:
    """``tree`` with every number replaced by a fresh input node (collected in order)."""
    if type(tree) is Value:
        node = tree + 0.0  # a node of its own: see the module docstring
        inputs.append(node)
        return node
    if isinstance(tree, (list, tuple)):
        items = [_lift(name, item, f"{where}[{i}]", inputs, ours) for i, item in enumerate(tree)]
        return items if isinstance(tree, list) else tuple(items)
    number = _real(tree)
    if number is None:
        raise TypeError(
            f"{name}(): {where} must be a real number, a Value, or a list/tuple of them, "
            f"got {type(tree).__name__}: {tree!r}"
        )
    leaf = Value(number)
    ours.add(id(leaf))
    inputs.append(leaf)
    return leaf


def _rebuild(tree: Any, values: Iterator[Any]) -> Any:
    """``tree``'s shape, filled with ``values`` in order (lists stay lists, tuples tuples)."""
    if isinstance(tree, list):
        return [_rebuild(item, values) for item in tree]
    if isinstance(tree, tuple):
        return tuple(_rebuild(item, values) for item in tree)
    return next(values)


def _collect(name: str, tree: Any, outputs: list[Any]) -> None:
    """Every scalar in an output tree, in order."""
    if isinstance(tree, (list, tuple)):
        for item in tree:
            _collect(name, item, outputs)
        return
    _check_scalar(name, tree, "every output of f")
    outputs.append(tree)


def _check_scalar(name: str, output: Any, what: str) -> None:
    if type(output) is Value or _real(output) is not None:
        return
    hint = "; use jacobian() for several outputs" if isinstance(output, (list, tuple)) else ""
    raise TypeError(
        f"{name}() needs {what} to return a scalar (a real number or a Value), "
        f"got {type(output).__name__}: {output!r}{hint}"
    )


def _split_aux(name: str, result: Any) -> tuple[Any, Any]:
    if isinstance(result, (list, tuple)) and len(result) == 2:
        return result[0], result[1]
    raise TypeError(
        f"{name}(..., has_aux=True) needs f to return a pair (output, aux), "
        f"got {type(result).__name__}: {result!r}"
    )


def _plain(tree: Any) -> Any:
    """``tree`` with every Value replaced by its float."""
    if type(tree) is Value:
        return tree.data
    if isinstance(tree, list):
        return [_plain(item) for item in tree]
    if isinstance(tree, tuple):
        return tuple(_plain(item) for item in tree)
    return tree


def _holds_value(tree: Any) -> bool:
    if type(tree) is Value:
        return True
    if isinstance(tree, (list, tuple)):
        return any(_holds_value(item) for item in tree)
    return False


def _numbers_of(name: str, tree: Any, what: str) -> Iterator[Any]:
    """The scalars of a tree, in order (Values pass through)."""
    if isinstance(tree, (list, tuple)):
        for item in tree:
            yield from _numbers_of(name, item, what)
        return
    if type(tree) is Value:
        yield tree
        return
    number = _real(tree)
    if number is None:
        raise TypeError(
            f"{name}(): {what} must be a real number or a list/tuple of them, "
            f"got {type(tree).__name__}: {tree!r}"
        )
    yield number


def _check_same_shape(x: Any, v: Any) -> None:
    x_is_tree = isinstance(x, (list, tuple))
    v_is_tree = isinstance(v, (list, tuple))
    if x_is_tree != v_is_tree or (x_is_tree and len(x) != len(v)):
        raise ValueError(f"hvp(): v must have the shape of x, got x={x!r} and v={v!r}")
    if x_is_tree:
        for item, direction in zip(x, v, strict=True):
            _check_same_shape(item, direction)
