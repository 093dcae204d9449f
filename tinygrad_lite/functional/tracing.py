"""Running a function on fresh input nodes: what every transformation shares.

The differentiated arguments become fresh nodes (a ``Value`` leaf for a
number; ``v - 0.0`` for an argument that already is a ``Value``, a node of
its own, so that a closure that also uses ``v`` does not count as the
argument), and ``f`` runs on them. A call is *nested* when it runs inside
another transformation or is given ``Value`` s: its results must then stay
connected to the outer graph.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..engine import Value, is_grad_enabled
from ..engine.coerce import real_to_float as _real_to_float
from .trees import LEAF, Structure, flatten, short_repr, unflatten

Argnums = int | tuple[int, ...]


class _Nesting(threading.local):
    """How many transformed functions are running in this thread (outer ones first)."""

    depth: int = 0


_nesting = _Nesting()


def nesting_depth() -> int:
    """How many transformed functions are running in this thread."""
    return _nesting.depth


@dataclass
class Trace:
    """One run of ``f`` on fresh inputs.

    Attributes:
        result: What ``f`` returned.
        structures: The structure of each differentiated argument, in order.
        inputs: The input nodes, in order (all arguments' leaves, flattened).
        ours: The ids of the leaves made here.
        nested: Whether results that depend on outside Values must stay graphs.
        guards: While ``jit`` records: the nodes whose derivative rules
            branched on the data (see :mod:`.jit`).
    """

    result: Any
    structures: list[Structure]
    inputs: list[Value]
    ours: set[int]
    nested: bool
    guards: list[Any] = field(default_factory=list)

    def rebuild(self, values: Sequence[Any], argnums: Argnums) -> Any:
        """``values`` (one per input) in the shape of the arguments."""
        if isinstance(argnums, int) and len(self.structures[0]) == len(values) + 1:
            first = self.structures[0][0]
            if first is not LEAF and first[0] is list:  # one flat list: the common case
                return list(values)
        leaves = iter(values)
        trees = [unflatten(structure, leaves) for structure in self.structures]
        return trees[0] if isinstance(argnums, int) else tuple(trees)


def check_transform(name: str, f: object, argnums: object) -> tuple[int, ...]:
    if not callable(f):
        raise TypeError(f"{name}() needs a callable f, got {type(f).__name__}: {short_repr(f)}")
    if type(argnums) is int:
        return (argnums,)
    if type(argnums) is tuple and argnums and all(type(p) is int for p in argnums):
        if len(set(argnums)) != len(argnums):
            raise ValueError(f"{name}(): argnums {argnums!r} repeats a position")
        return argnums
    raise TypeError(
        f"{name}(): argnums must be an int or a non-empty tuple of ints, "
        f"got {type(argnums).__name__}: {short_repr(argnums)}"
    )


def real(x: object) -> float | None:
    """A real number as a float (``10**400`` is inf, numpy bools count); None otherwise."""
    if type(x) is float:
        return x
    if type(x) is Value:
        return None
    return _real_to_float(x)


def trace(
    name: str,
    f: Callable[..., Any],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    positions: tuple[int, ...],
) -> Trace:
    """Run ``f`` with fresh input nodes in the differentiated positions."""
    if not is_grad_enabled():
        raise RuntimeError(f"{name}() cannot differentiate inside no_grad(): no graph is recorded")
    for position in positions:
        if not 0 <= position < len(args):
            raise ValueError(
                f"{name}(): argnums {position} is out of range for f called with "
                f"{len(args)} positional argument(s); accepted are 0 to {len(args) - 1}"
            )
    call_args = list(args)
    inputs: list[Value] = []
    ours: set[int] = set()
    structures: list[Structure] = []
    given_values = False
    for position in positions:
        leaves, paths, structure = flatten(args[position], f"argument {position}")
        nodes = []
        for leaf, path in zip(leaves, paths, strict=True):
            if type(leaf) is Value:
                given_values = True
                # A node of its own (see the module docstring). NOTE: v - 0.0 is v
                # for every float, -0.0 included, where v + 0.0 would make it +0.0.
                node = leaf - 0.0
            else:
                number = real(leaf)
                if number is None:
                    raise TypeError(
                        f"{name}(): {path} must be a real number, a Value, or a list/tuple of "
                        f"them, got {type(leaf).__name__}: {short_repr(leaf)}"
                    )
                node = Value(number)
                ours.add(id(node))
            nodes.append(node)
        inputs.extend(nodes)
        structures.append(structure)
        call_args[position] = unflatten(structure, iter(nodes))
    others = [a for i, a in enumerate(args) if i not in positions]
    nested = (
        _nesting.depth > 0
        or given_values
        or any(holds_value(a) for a in (*others, *kwargs.values()))
    )
    _nesting.depth += 1
    try:
        result = f(*call_args, **kwargs)
    finally:
        _nesting.depth -= 1
    return Trace(result, structures, inputs, ours, nested)


def holds_value(tree: Any) -> bool:
    """True if a Value sits anywhere in ``tree`` (any depth; a cycle is walked once)."""
    seen: set[int] = set()
    stack = [tree]
    while stack:
        item = stack.pop()
        if type(item) is Value:
            return True
        if isinstance(item, (list, tuple)) and id(item) not in seen:
            seen.add(id(item))
            stack.extend(item)
    return False


def outputs_of(name: str, result: Any, what: str = "f") -> tuple[list[Any], Structure]:
    """The scalars of ``f``'s result tree, each checked to be a node.

    Raises:
        TypeError: If an output is not a scalar, or is a plain number (which
            cannot depend on the inputs).
    """
    leaves, paths, structure = flatten(result, "output")
    single = structure == [LEAF]
    for leaf, path in zip(leaves, paths, strict=True):
        where = f"the output of {what}" if single else f"{path} of {what}"
        check_output(name, leaf, where)
    return leaves, structure


def check_output(name: str, output: Any, where: str = "the output of f") -> None:
    """Refuse an output that is not a Value: a plain number has no gradient to give."""
    if type(output) is Value:
        return
    if real(output) is not None:
        raise TypeError(
            f"{name}(): {where} is a plain number ({short_repr(output)}) for Value inputs, "
            "so it does not depend on the inputs and has no derivative. "
            "The likely cause is a function of the standard math module (math.sin(x) "
            "turns x into a float): use tinygrad_lite.math instead "
            "(from tinygrad_lite import math). A constant output can be written 0 * x + c."
        )
    hint = "; use jacobian() for several outputs" if isinstance(output, (list, tuple)) else ""
    raise TypeError(
        f"{name}() needs {where} to be a scalar (a real number or a Value), "
        f"got {type(output).__name__}: {short_repr(output)}{hint}"
    )
