"""Forward mode on the same op table: jvp, jacfwd, and hvp as forward-over-reverse.

A forward sweep carries one *tangent* per node, the directional derivative
of the node along the seed direction, parents first:

    tangent(node) = sum_i  (d node / d operand_i) * tangent(operand_i)

with the local derivatives of the op table, the very rules reverse mode
uses. ``f`` is run once to record its graph; each sweep then costs one pass
over the recorded nodes, so the full Jacobian of ``f: R^n -> R^m`` costs
``n`` sweeps forward (:func:`jacfwd`) against ``m`` backward passes in
reverse (:func:`~tinygrad_lite.functional.jacobian`): forward wins for few
inputs and many outputs, reverse for many inputs and one output.

A node that does not depend on the seeded inputs has no tangent at all (a
structural zero), so its local derivatives are never computed. Inside
another transformation (or given Values) the sweep runs on Values, and the
tangents are graphs of their own: ``grad`` of a ``jvp`` works.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from ..engine import GRAPH_LOCK, Value, topological_order
from ..engine.backward import local_derivatives
from ..engine.higher_order import times_local
from ..engine.value import _constant
from .jit import GraphReplay, Jit, jit_for
from .reverse import value_grad_and_aux
from .tracing import Argnums, Trace, check_transform, outputs_of, real, trace
from .trees import flatten, same_shape, short_repr, unflatten


def jvp(
    f: Callable[..., Any], primals: Any, tangents: Any, *, jit: bool = False
) -> tuple[Any, Any]:
    """The value of ``f`` and its Jacobian-vector product ``J(primals) @ tangents``.

    As in JAX, ``primals`` is the tuple of ``f``'s positional arguments and
    ``tangents`` a tuple of the same shape: one direction per argument. Each
    argument is what :func:`grad` accepts (a number, a Value, or a
    list/tuple of them); a single number may be given bare
    (``jvp(f, 2.0, 1.0)``).

    Args:
        f: A function of real numbers (or lists/tuples of them) returning a
            real number or a list/tuple of them.
        primals: The point: ``f``'s positional arguments.
        tangents: The direction, shaped like ``primals``.
        jit: Keep ``f``'s recorded graph (per shape, by the function object)
            and replay it compiled on later calls with new numbers; the sweep
            then runs over the recorded nodes. See
            :mod:`tinygrad_lite.functional.jit`.

    Returns:
        ``(f(*primals), tangent)``, both with the shape of ``f``'s result:
        ``tangent = sum_j df/dx_j * v_j``, from one forward sweep.

    Raises:
        TypeError: If ``f`` is not callable, a primal or tangent is not
            numeric, or ``f`` returns something else than Values (a plain
            number cannot depend on the inputs).
        ValueError: If ``tangents`` is not shaped like ``primals``.

    Example:
        >>> jvp(lambda x, y: x * y, (3.0, 4.0), (1.0, 0.0))
        (12.0, 4.0)
    """
    check_transform("jvp", f, 0)
    args = _arguments(primals)
    directions = _arguments(tangents)
    if len(directions) != len(args):
        raise ValueError(
            f"jvp() needs one tangent per primal, got {len(args)} primal(s) and "
            f"{len(directions)} tangent(s)"
        )
    if jit:
        return jit_for(f, lambda: _jvp_jit(f)).run(args, {}, directions)  # type: ignore[no-any-return]
    return _jvp("jvp", f, args, directions, "tangents")


def jacfwd(f: Callable[..., Any], argnums: Argnums = 0) -> Callable[..., Any]:
    """The Jacobian by forward mode: one sweep per input, laid out as :func:`jacobian`.

    ``f`` runs once; each of its ``n`` inputs is then seeded in turn with
    tangent 1. For ``f: R^n -> R^m`` that is ``n`` sweeps where reverse mode
    needs ``m`` backward passes.

    Args:
        f: As for :func:`~tinygrad_lite.functional.jacobian`.
        argnums: The position, or tuple of positions, to differentiate.

    Returns:
        The Jacobian function: ``f``'s result tree with every output replaced
        by its gradient, shaped like the differentiated argument(s).

    Raises:
        TypeError, ValueError: As for :func:`~tinygrad_lite.functional.jacobian`.

    Example:
        >>> jacfwd(lambda x: [x * x, 3.0 * x])(2.0)
        [4.0, 3.0]
    """
    positions = check_transform("jacfwd", f, argnums)

    def jacobian_function(*args: Any, **kwargs: Any) -> Any:
        run = trace("jacfwd", f, args, kwargs, positions)
        outputs, structure = outputs_of("jacfwd", run.result)
        order = _order(outputs, leaves=run.nested)
        graph = _keeps_graph(run, order, ())
        columns = [
            _output_tangents(outputs, tangents(order, {node: 1.0}, create_graph=graph), graph)
            for node in run.inputs
        ]
        rows = [
            run.rebuild([column[i] for column in columns], argnums) for i in range(len(outputs))
        ]
        return unflatten(structure, iter(rows))

    return jacobian_function


def hvp(f: Callable[[Any], Any], x: Any, v: Any) -> Any:
    """The Hessian-vector product ``H(x) v``, forward-over-reverse.

    One forward sweep (:func:`jvp`) over the graph of the gradient
    (``grad(f)``, recorded with ``create_graph``), seeded with ``v``: the
    ``n x n`` Hessian is never formed, and the cost is a small multiple of
    one gradient.

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
    check_transform("hvp", f, 0)

    def gradient(point: Any) -> Any:
        return value_grad_and_aux("hvp", f, (point,), {}, 0, (0,), False)[2]

    return _jvp("hvp", gradient, (x,), (v,), "v")[1]


# ---------------------------------------------------------------------------
# The sweep.


def tangents(
    order: Sequence[Value], seeds: dict[Value, Any], *, create_graph: bool = False
) -> dict[Value, Any]:
    """One forward sweep over ``order`` (parents first) from the ``seeds`` tangents.

    Args:
        order: Nodes in topological order, e.g. :func:`_order` of the outputs
            (leaves may be left out: an input's tangent is its seed).
        seeds: The tangent of each seeded node (an input); a node absent from
            the result depends on no seed.
        create_graph: Compute on Values (the local derivatives' own graphs),
            so the tangents can be differentiated again.

    Returns:
        The tangent of every node that depends on a seed, seeds included.
    """
    tangent: dict[Value, Any] = dict(seeds)
    get = tangent.get
    for node in order:
        if node._op is None or node in seeds:
            continue
        incoming = [get(x) if type(x) is Value else None for x in node.operands]
        if incoming.count(None) == len(incoming):
            continue  # depends on no seed
        derivatives = local_derivatives(node, on_values=create_graph)
        total: Any = None
        for t, local in zip(incoming, derivatives, strict=True):
            if t is not None:
                term = times_local(t, local)
                total = term if total is None else total + term
        tangent[node] = total
    return tangent


def _order(outputs: Sequence[Value], leaves: bool) -> list[Value]:
    """The op nodes the outputs depend on (and the leaves, if asked), each once, parents first.

    The sweep needs no leaves (an input's tangent is its seed); only the
    check for outside Values (:func:`_keeps_graph`) asks for them.
    """
    return topological_order(list(outputs), leaves=leaves)


def _keeps_graph(run: Trace, order: Sequence[Value], seeds: Sequence[Any]) -> bool:
    """Tangents stay Values when they depend on a Value from outside this call."""
    if any(type(s) is Value for s in seeds):
        return True
    return run.nested and any(
        node.is_leaf and not node.is_constant and id(node) not in run.ours for node in order
    )


def _output_tangents(outputs: Sequence[Value], tangent: dict[Value, Any], graph: bool) -> list[Any]:
    zero: Any = _constant(0.0) if graph else 0.0
    result = [tangent.get(out, zero) for out in outputs]
    if graph:
        return [t if type(t) is Value else _constant(t) for t in result]
    return [t.data if type(t) is Value else t for t in result]


def _arguments(tree: Any) -> tuple[Any, ...]:
    if isinstance(tree, (list, tuple)):
        return tuple(tree)
    return (tree,)  # a single argument given bare


def _jvp(
    name: str, f: Callable[..., Any], args: Sequence[Any], directions: Sequence[Any], what: str
) -> tuple[Any, Any]:
    run = trace(name, f, tuple(args), {}, tuple(range(len(args))))
    return _finish_jvp(name, run, args, directions, what)


def _seeds(
    name: str, run: Trace, args: Sequence[Any], directions: Sequence[Any], what: str
) -> list[Any]:
    """The tangent of every input, checked to be shaped like its primal."""
    seeds: list[Any] = []
    for position, (structure, direction) in enumerate(zip(run.structures, directions, strict=True)):
        where = what if name == "hvp" else f"{what}[{position}]"
        leaves, paths, direction_structure = flatten(direction, where)
        if not same_shape(structure, direction_structure):
            raise ValueError(
                f"{name}(): {where} must have the shape of its primal, "
                f"got {short_repr(direction)} for {short_repr(args[position])}"
            )
        for leaf, path in zip(leaves, paths, strict=True):
            number = leaf if type(leaf) is Value else real(leaf)
            if number is None:
                raise TypeError(
                    f"{name}(): {path} must be a real number or a list/tuple of them, "
                    f"got {type(leaf).__name__}: {short_repr(leaf)}"
                )
            seeds.append(number)
    return seeds


def _finish_jvp(
    name: str, run: Trace, args: Sequence[Any], directions: Sequence[Any], what: str
) -> tuple[Any, Any]:
    seeds = _seeds(name, run, args, directions, what)
    outputs, structure = outputs_of(name, run.result)
    order = _order(outputs, leaves=run.nested)
    graph = _keeps_graph(run, order, seeds)
    tangent = tangents(order, dict(zip(run.inputs, seeds, strict=True)), create_graph=graph)
    output_tangents = _output_tangents(outputs, tangent, graph)
    values = outputs if graph else [out.data for out in outputs]
    return unflatten(structure, iter(values)), unflatten(structure, iter(output_tangents))


def _jvp_jit(f: Callable[..., Any]) -> Jit:
    """``jvp(f, ..., jit=True)``: f's graph recorded once per shape, the sweep over its nodes."""

    def plain(directions: Any, *args: Any) -> Any:
        return _jvp("jvp", f, args, directions, "tangents")

    def finish(run: Trace, directions: Any) -> Any:
        args = [unflatten(s, iter(run.inputs)) for s in run.structures]
        return _finish_jvp("jvp", run, args, directions, "tangents")

    def compile_replay(run: Trace) -> Any:
        outputs, structure = outputs_of("jvp", run.result)
        order = _order(outputs, leaves=False)
        replay = GraphReplay(run, outputs)
        primals = [unflatten(s, iter(run.inputs)) for s in run.structures]

        def replayed(numbers: list[float], directions: Any) -> Any:
            seeds = _seeds("jvp", run, primals, directions, "tangents")
            with GRAPH_LOCK:
                replay.forward(numbers)
                tangent = tangents(order, dict(zip(run.inputs, seeds, strict=True)))
                output_tangents = _output_tangents(outputs, tangent, False)
                values = [out.data for out in outputs]
            return unflatten(structure, iter(values)), unflatten(structure, iter(output_tangents))

        return replayed

    return Jit("jvp", f, None, plain, finish, compile_replay)
