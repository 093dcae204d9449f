"""Argument and result trees of the functional API, walked without recursion.

A *tree* is a leaf (a number, a ``Value``, anything else) or a list or tuple
of trees. :func:`flatten` lists the leaves in order together with the tree's
*structure*, and :func:`unflatten` builds a tree of that structure from new
leaves. Both use an explicit stack, so a tree may nest to any depth (a list
5,000 levels deep works like any other); a list that contains itself is
refused with a ``ValueError`` naming where, instead of looping forever.
"""

from __future__ import annotations

import reprlib
from collections.abc import Callable, Iterator
from typing import Any

# A structure is the tree in pre-order: LEAF for a leaf, (list, n) or
# (tuple, n) for a container of n children.
LEAF = None
Token = tuple[type, int] | None
Structure = list[Token]

_short = reprlib.Repr()
_short.maxlevel = 3
_short.maxlist = _short.maxtuple = 6


def short_repr(x: object) -> str:
    """A repr that stays short and never recurses deeply (for error messages)."""
    return _short.repr(x)


class _Path:
    """Where a subtree sits (``argument 0[2][1]``), formatted only for errors."""

    __slots__ = ("index", "parent", "root")

    def __init__(self, root: str, parent: _Path | None = None, index: int = 0) -> None:
        self.root = root
        self.parent = parent
        self.index = index

    def __str__(self) -> str:
        indices = []
        node: _Path | None = self
        while node is not None and node.parent is not None:
            indices.append(node.index)
            node = node.parent
        return self.root + "".join(f"[{i}]" for i in reversed(indices))


def flatten(tree: Any, where: str) -> tuple[list[Any], list[_Path], Structure]:
    """The leaves of ``tree`` in order, where each one sits, and the structure.

    Raises:
        ValueError: If a list or tuple contains itself.
    """
    leaves: list[Any] = []
    paths: list[_Path] = []
    structure: Structure = []
    open_containers: set[int] = set()
    leaving = object()
    stack: list[tuple[Any, Any]] = [(tree, _Path(where))]
    while stack:
        item, path = stack.pop()
        if path is leaving:  # every child of item is done
            open_containers.discard(id(item))
            continue
        if isinstance(item, (list, tuple)):
            if id(item) in open_containers:
                raise ValueError(
                    f"{path} is a list or tuple that contains itself; "
                    "trees of numbers must be finite"
                )
            open_containers.add(id(item))
            structure.append((list if isinstance(item, list) else tuple, len(item)))
            stack.append((item, leaving))
            for i in range(len(item) - 1, -1, -1):
                stack.append((item[i], _Path(where, path, i)))
        else:
            structure.append(LEAF)
            leaves.append(item)
            paths.append(path)
    return leaves, paths, structure


def unflatten(structure: Structure, leaves: Iterator[Any]) -> Any:
    """A tree of ``structure`` (lists stay lists, tuples tuples) holding ``leaves``."""
    frames: list[tuple[type, int, list[Any]]] = []
    result: Any = None
    for token in structure:
        if token is LEAF:
            value: Any = next(leaves)
        else:
            kind, count = token
            if count:
                frames.append((kind, count, []))
                continue
            value = kind()
        while True:  # attach value to its parent, closing every container it completes
            if not frames:
                result = value
                break
            kind, count, items = frames[-1]
            items.append(value)
            if len(items) < count:
                break
            frames.pop()
            value = items if kind is list else tuple(items)
    return result


def map_leaves(tree: Any, where: str, function: Callable[[Any, _Path], Any]) -> Any:
    """``tree`` with every leaf replaced by ``function(leaf, path)``."""
    leaves, paths, structure = flatten(tree, where)
    return unflatten(structure, map(function, leaves, paths))


def same_shape(first: Structure, second: Structure) -> bool:
    """True when two structures nest alike (a list and a tuple of one length match)."""
    if len(first) != len(second):
        return False
    for a, b in zip(first, second, strict=True):
        if (a is LEAF) != (b is LEAF) or (a is not LEAF and b is not LEAF and a[1] != b[1]):
            return False
    return True
