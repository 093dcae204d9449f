"""Reverse mode: grad, value_and_grad, jacobian (one backward per output) and hessian.

One ``backward`` from the output reads the inputs' ``.grad``. The ``.grad``
of every node that backward touched is saved before and restored after, so
nested transformations never see each other's bookkeeping. When the result
depends on a ``Value`` made outside the call (an enclosing transformation's
input, reached through an argument or a closure), backward runs with
``create_graph=True`` and the gradients stay ``Value`` s connected to the
outer graph (a constant gradient becomes a constant node), which is what
makes ``grad(grad(f))`` and ``jacobian(grad(f))`` work.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from ..engine import GRAPH_LOCK, Value, topological_order
from ..engine.value import _constant
from ..graph import Graph
from .jit import GraphReplay, Jit, check_aux
from .tracing import Argnums, Trace, check_output, check_transform, outputs_of, trace
from .trees import map_leaves, short_repr, unflatten


def grad(
    f: Callable[..., Any], argnums: Argnums = 0, has_aux: bool = False, *, jit: bool = False
) -> Callable[..., Any]:
    """The gradient of a scalar function: ``x -> df/dx``.

    For ``f(x_1, ..., x_n)`` and ``argnums = i`` the new function returns
    ``d f / d x_i`` evaluated at its arguments, with the shape of ``x_i``
    (a float for a number, a list for a list). With ``argnums`` a tuple it
    returns a tuple of such gradients, one per position.

    Args:
        f: A function of real numbers (or lists/tuples of them) returning a
            real number; written with ordinary arithmetic, ``Value`` methods
            (``x.exp()``) or ``tinygrad_lite.math``, so it runs on ``Value``
            arguments.
        argnums: The position, or tuple of positions, to differentiate.
        has_aux: ``f`` returns a pair ``(output, aux)``; only ``output`` is
            differentiated and the new function returns ``(gradient, aux)``.
        jit: Record ``f``'s graph on the first call of each shape and replay
            it compiled on later calls with new numbers (same results, to the
            last bit; see :mod:`tinygrad_lite.functional.jit` for what counts
            as a shape, and for functions that read the data, which are
            recorded on every call).

    Returns:
        The gradient function. It accepts keyword arguments too, passed to
        ``f`` and not differentiated.

    Raises:
        TypeError: If ``f`` is not callable or ``argnums`` is not an int or a
            tuple of ints; when called, if a differentiated argument is not
            numeric, or ``f`` does not return a scalar, or returns a plain
            number (which cannot depend on the inputs: the usual cause is a
            function of the standard ``math`` module; use ``tinygrad_lite.math``).
        ValueError: When called, if ``argnums`` is out of range or an argument
            list contains itself.

    Example:
        >>> grad(lambda x, y: x * y, argnums=(0, 1))(3.0, 4.0)
        (4.0, 3.0)
    """
    positions = check_transform("grad", f, argnums)

    def gradient(*args: Any, **kwargs: Any) -> Any:
        _, aux, gradients = value_grad_and_aux("grad", f, args, kwargs, argnums, positions, has_aux)
        return (gradients, aux) if has_aux else gradients

    if not jit:
        return gradient

    def shaped(result: tuple[Any, Any, Any]) -> Any:
        _, aux, gradients = result
        return (gradients, aux) if has_aux else gradients

    return _jit_value_and_grad("grad", f, argnums, positions, has_aux, shaped)


def value_and_grad(
    f: Callable[..., Any], argnums: Argnums = 0, has_aux: bool = False, *, jit: bool = False
) -> Callable[..., Any]:
    """Like :func:`grad`, but also return ``f``'s value: ``x -> (f(x), df/dx)``.

    One forward and one backward pass give both.

    Args:
        f: A scalar function, as for :func:`grad`.
        argnums: The position, or tuple of positions, to differentiate.
        has_aux: ``f`` returns ``(output, aux)``; the new function then
            returns ``((output, aux), gradient)``.
        jit: Replay the compiled graph after the first call, as for :func:`grad`.

    Returns:
        A function returning ``(value, gradient)``.

    Raises:
        TypeError, ValueError: As for :func:`grad`.

    Example:
        >>> value_and_grad(lambda x: x * x)(3.0)
        (9.0, 6.0)
    """
    positions = check_transform("value_and_grad", f, argnums)

    def value_and_gradient(*args: Any, **kwargs: Any) -> Any:
        value, aux, gradients = value_grad_and_aux(
            "value_and_grad", f, args, kwargs, argnums, positions, has_aux
        )
        return ((value, aux), gradients) if has_aux else (value, gradients)

    if not jit:
        return value_and_gradient

    def shaped(result: tuple[Any, Any, Any]) -> Any:
        value, aux, gradients = result
        return ((value, aux), gradients) if has_aux else (value, gradients)

    return _jit_value_and_grad("value_and_grad", f, argnums, positions, has_aux, shaped)


def jacobian(
    f: Callable[..., Any], argnums: Argnums = 0, *, jit: bool = False
) -> Callable[..., Any]:
    """The Jacobian of a function with one or more outputs: ``J_ij = d f_i / d x_j``.

    ``f`` returns a tree of numbers (say a list of ``m``); the new function
    returns that tree with every output replaced by its gradient with respect
    to the differentiated argument(s). For a list of ``m`` outputs and a list
    of ``n`` inputs that is an ``m``-list of ``n``-lists; for one number in,
    an ``m``-list of floats. It costs one forward pass and one backward pass
    per output (reverse mode); :func:`~tinygrad_lite.functional.jacfwd` costs
    one sweep per input instead.

    Args:
        f: A function of real numbers (or lists/tuples of them) returning a
            real number or a list/tuple of them.
        argnums: The position, or tuple of positions, to differentiate.
        jit: Replay the compiled graph after the first call, as for :func:`grad`.

    Returns:
        The Jacobian function.

    Raises:
        TypeError, ValueError: As for :func:`grad`, except that ``f`` may
            return a list or tuple; each of its outputs must be a Value (a
            plain number in it is refused, naming its position).

    Example:
        >>> jacobian(lambda x, y: [x * y, x + y], argnums=(0, 1))(2.0, 5.0)
        [(5.0, 2.0), (1.0, 1.0)]
    """
    positions = check_transform("jacobian", f, argnums)
    return _jacobian("jacobian", f, argnums, positions, jit)


def hessian(
    f: Callable[..., Any], argnums: Argnums = 0, *, jit: bool = False
) -> Callable[..., Any]:
    """The Hessian of a scalar function: ``H_ij = d2 f / dx_i dx_j``.

    Built by composition, ``jacobian(grad(f))``: the inner gradient is a
    graph of its own (``create_graph``), which the outer Jacobian
    differentiates once per input. For a list of ``n`` inputs the result is
    an ``n``-list of ``n``-lists; for one number, the second derivative.

    Args:
        f: A scalar function, as for :func:`grad`.
        argnums: The position, or tuple of positions, to differentiate; a
            tuple gives a tuple of tuples of blocks, as in JAX.
        jit: Record the gradient's graph (and the function's) once per shape
            and replay it compiled, as for :func:`grad`.

    Returns:
        The Hessian function.

    Raises:
        TypeError, ValueError: As for :func:`grad`.

    Example:
        >>> hessian(lambda v: v[0] ** 2 * v[1])([3.0, 2.0])
        [[4.0, 6.0], [6.0, 0.0]]
    """
    positions = check_transform("hessian", f, argnums)

    def gradient(*args: Any, **kwargs: Any) -> Any:
        return value_grad_and_aux("hessian", f, args, kwargs, argnums, positions, False)[2]

    return _jacobian("hessian", gradient, argnums, positions, jit)


# ---------------------------------------------------------------------------
# The machinery.


def value_grad_and_aux(
    name: str,
    f: Callable[..., Any],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    argnums: Argnums,
    positions: tuple[int, ...],
    has_aux: bool,
) -> tuple[Any, Any, Any]:
    """``(value, aux, gradient)`` of a scalar ``f`` at ``args``."""
    return _finish_value_and_grad(name, trace(name, f, args, kwargs, positions), argnums, has_aux)


def _finish_value_and_grad(
    name: str, run: Trace, argnums: Argnums, has_aux: bool
) -> tuple[Any, Any, Any]:
    output, aux = _split_aux(name, run.result) if has_aux else (run.result, None)
    check_output(name, output)
    gradients, _ = gradients_of(output, run)
    gradient = run.rebuild(gradients, argnums)
    if run.nested:
        return output, aux, gradient
    return output.data, _plain(aux), gradient


def _jacobian(
    name: str, f: Callable[..., Any], argnums: Argnums, positions: tuple[int, ...], jit: bool
) -> Callable[..., Any]:
    def finish(run: Trace, extra: Any = None) -> Any:
        outputs, structure = outputs_of(name, run.result)
        rows = [run.rebuild(gradients_of(output, run)[0], argnums) for output in outputs]
        return unflatten(structure, iter(rows))

    def jacobian_function(*args: Any, **kwargs: Any) -> Any:
        return finish(trace(name, f, args, kwargs, positions))

    if not jit:
        return jacobian_function

    def compile_replay(run: Trace) -> Any:
        outputs, structure = outputs_of(name, run.result)
        replay = GraphReplay(run, outputs)
        graphs = [Graph(output) for output in outputs]

        def replayed(numbers: list[float], extra: Any) -> Any:
            with GRAPH_LOCK:
                replay.forward(numbers)
                rows = [run.rebuild(replay.gradients(graph), argnums) for graph in graphs]
            return unflatten(structure, iter(rows))

        return replayed

    return Jit(name, f, positions, _plain_call(jacobian_function), finish, compile_replay)


def _plain_call(function: Callable[..., Any]) -> Callable[..., Any]:
    """``function`` as Jit calls its plain fallback (with the call's extra argument first)."""

    def call(extra: Any, *args: Any, **kwargs: Any) -> Any:
        return function(*args, **kwargs)

    return call


def _jit_value_and_grad(
    name: str,
    f: Callable[..., Any],
    argnums: Argnums,
    positions: tuple[int, ...],
    has_aux: bool,
    shaped: Callable[[tuple[Any, Any, Any]], Any],
) -> Callable[..., Any]:
    """``grad``/``value_and_grad`` with ``jit``: one compiled graph per recorded shape."""

    def plain(extra: Any, *args: Any, **kwargs: Any) -> Any:
        return shaped(value_grad_and_aux(name, f, args, kwargs, argnums, positions, has_aux))

    def finish(run: Trace, extra: Any) -> Any:
        return shaped(_finish_value_and_grad(name, run, argnums, has_aux))

    def compile_replay(run: Trace) -> Any:
        output, aux = _split_aux(name, run.result) if has_aux else (run.result, None)
        check_output(name, output)
        replay = GraphReplay(run, [output])
        if has_aux:
            check_aux(aux, set(replay.forward_graph.nodes))
        graph = replay.forward_graph

        def replayed(numbers: list[float], extra: Any) -> Any:
            with GRAPH_LOCK:
                replay.forward(numbers)
                gradients = replay.gradients(graph)
                value = output.data
                plain_aux = _plain(aux) if has_aux else None
            return shaped((value, plain_aux, run.rebuild(gradients, argnums)))

        return replayed

    return Jit(name, f, positions, plain, finish, compile_replay)


def gradients_of(output: Value, run: Trace) -> tuple[list[Any], bool]:
    """``d output / d input`` for every input, leaving every ``.grad`` as it was.

    Returns:
        The gradients (floats, or Values when the graph is kept), and whether
        the graph was kept (``create_graph``).
    """
    inputs: Sequence[Value] = run.inputs
    nodes = topological_order(output)
    # NOTE: keep the graph only when the result depends on a Value from
    # outside this call; otherwise it is a constant to any enclosing one.
    create_graph = run.nested and any(
        node.is_leaf and not node.is_constant and id(node) not in run.ours for node in nodes
    )
    touched = [*nodes, *inputs]
    # NOTE: under the engine's lock, so a backward in another thread can not
    # add to a .grad between its saving and its restoring here.
    with GRAPH_LOCK:
        saved = [node.grad for node in touched]
        try:
            for node in inputs:
                node.grad = 0.0
            output.backward(create_graph=create_graph)
            gradients: list[Any] = [node.grad for node in inputs]
        finally:
            for node, old in zip(touched, saved, strict=True):
                node.grad = old
    if run.nested:
        # NOTE: inside a composition a gradient stays a node, a constant one
        # included (grad(grad(grad(lambda x: 3 * x)))), so that the enclosing
        # transformation sees a Value (a plain number would be refused there).
        gradients = [g if type(g) is Value else _constant(g) for g in gradients]
    return gradients, create_graph


def _split_aux(name: str, result: Any) -> tuple[Any, Any]:
    if isinstance(result, (list, tuple)) and len(result) == 2:
        return result[0], result[1]
    raise TypeError(
        f"{name}(..., has_aux=True) needs f to return a pair (output, aux), "
        f"got {type(result).__name__}: {short_repr(result)}"
    )


def _plain(tree: Any) -> Any:
    """``tree`` with every Value replaced by its float."""
    return map_leaves(tree, "aux", lambda x, _: x.data if type(x) is Value else x)
