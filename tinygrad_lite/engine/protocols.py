"""A Value among Python's numbers: ``v.data``, ``float(v)``, comparisons, ``repr``, numpy.

Sits under :mod:`.value`, whose :class:`~tinygrad_lite.engine.Value`
inherits :class:`NumberProtocol`; imports nothing that knows the Value
class. What a learner reads about the engine is in :mod:`.value`; this is
how a node behaves when ordinary Python code meets it:

* ``v.data`` is a property over the slot ``_data``; assigning a bad number
  is refused before anything changes;
* ``float(v)``, ``int(v)``, ``complex(v)``, an index, and the standard
  ``math`` functions (which call ``float``) warn
  :class:`~tinygrad_lite.engine.checks.GradientLostWarning` while the graph is
  recorded; ``v.item()``, ``v.data``, ``format`` and ``repr`` never do;
* comparisons read the number (``jit`` notes them as data-dependent);
* ``==`` and ``hash`` are identity, so Values can be dict keys;
* numpy arrays meet Values entry by entry (numpy is never imported here).
"""

from __future__ import annotations

from collections.abc import Callable
from operator import attrgetter
from typing import TYPE_CHECKING, Any, ClassVar, SupportsFloat

from ..modes import SWITCHED
from ..ops import Op
from .checks import data_read
from .coerce import ACCEPTED, is_array, map_array, real_to_float

__all__ = ["NumberProtocol", "over_array", "seed_number", "to_float"]


def to_float(x: Any, what: str = "Value()") -> float:
    """A real number as a float, or a TypeError naming ``x`` and ``what`` took it."""
    if type(x) is float:
        return x
    number = real_to_float(x)
    if number is not None:
        return number
    if isinstance(x, NumberProtocol):
        raise TypeError(
            f"{what} got a Value; use v.data for its number or v.detach() for a new leaf"
        )
    raise TypeError(f"{what} accepts a real number ({ACCEPTED}), got {type(x).__name__}: {x!r}")


def _set_data(node: Any, number: Any) -> None:
    """``v.data = number``: checked before it is stored, so a bad number never lands."""
    node._data = number if type(number) is float else to_float(number, "Value.data")


def seed_number(grad: Any) -> float:
    """backward's seed as a float (a Value seed gives its number), or backward's TypeError."""
    if isinstance(grad, NumberProtocol):
        return grad._data
    try:
        return to_float(grad, "backward()")
    except TypeError as error:
        if isinstance(grad, (list, tuple)) or is_array(grad):
            raise TypeError(
                f"{error}; a Value is one number, so its seed is one number too: for "
                "several outputs, call backward() on their sum, total(outputs).backward()"
            ) from None
        raise


Apply = Callable[[Op, Any, Any], Any]


def over_array(op: Op, x: Any, array: Any, value_first: bool, right: Apply, left: Apply) -> Any:
    """``x op array`` (or ``array op x``) entry by entry: an object array of Values.

    NOTE: Value sets ``__array_ufunc__ = None``, so numpy hands both orders
    (``v * a`` and ``a * v``) to Value's operators, which land here with
    their own ``right(op, value, other)`` and ``left(op, other, value)``.
    """

    def entry(number: Any) -> Any:
        if value_first:
            result = right(op, x, number)
        elif isinstance(number, NumberProtocol):  # an object array of Values on the left
            result = right(op, number, x)
        else:
            result = left(op, number, x)
        if result is NotImplemented:
            raise TypeError(
                f"{op.name} of a Value and an array: every entry must be a real number "
                f"or a Value, got {type(number).__name__}: {number!r}"
            )
        return result

    return map_array(entry, array)


def _compare_operand(other: Any) -> float | None:
    if isinstance(other, NumberProtocol):
        return other._data
    if type(other) is float:
        return other
    return real_to_float(other)


class NumberProtocol:
    """How a Value behaves as a Python number (see the module docstring)."""

    __slots__ = ()

    _data: float
    grad: Any
    label: str
    _op: Op | None

    if TYPE_CHECKING:

        @property
        def data(self) -> float:
            """The number, a float."""

        @data.setter
        def data(self, number: SupportsFloat) -> None: ...

    else:
        # NOTE: the getter is a C-level attrgetter: a read costs a few ns more
        # than the slot's, which the engine's own hot code reads directly.
        data = property(
            attrgetter("_data"),
            _set_data,
            doc="The number, a float; an assigned real number is stored as its float.",
        )

    # NOTE: float(), int(), complex() and an index always ask data_read: outside
    # no_grad they warn GradientLostWarning. The library itself reads .data.

    def __float__(self) -> float:
        data_read(self, "float")
        return self._data

    def __int__(self) -> int:
        data_read(self, "int")
        return int(self._data)

    def __complex__(self) -> complex:
        data_read(self, "complex")
        return complex(self._data)

    def __index__(self) -> int:
        """A Value holding an integer works as an index or a count (``range(v)``)."""
        data = self._data
        if not data.is_integer():
            raise TypeError(
                f"a Value used as an index or a count must hold an integer, got {data!r}; "
                "read it on purpose first: int(v.item()) or round(v.item())"
            )
        data_read(self, "index")
        return int(data)

    def __bool__(self) -> bool:
        if SWITCHED:
            data_read(self, "bool")
        return bool(self._data)

    def item(self) -> float:
        """The number as a plain float, on purpose (as torch's ``item()``): it never warns."""
        return self._data

    def __format__(self, spec: str) -> str:
        return format(self._data, spec) if spec else repr(self)

    def __lt__(self, other: Any) -> bool:
        if SWITCHED:
            data_read(self, "compare")
        number = _compare_operand(other)
        return NotImplemented if number is None else self._data < number

    def __le__(self, other: Any) -> bool:
        if SWITCHED:
            data_read(self, "compare")
        number = _compare_operand(other)
        return NotImplemented if number is None else self._data <= number

    def __gt__(self, other: Any) -> bool:
        if SWITCHED:
            data_read(self, "compare")
        number = _compare_operand(other)
        return NotImplemented if number is None else self._data > number

    def __ge__(self, other: Any) -> bool:
        if SWITCHED:
            data_read(self, "compare")
        number = _compare_operand(other)
        return NotImplemented if number is None else self._data >= number

    # NOTE: == and hash stay those of object (identity), so Values can be dict
    # keys and graph bookkeeping never confuses two nodes that hold equal data.
    __eq__ = object.__eq__
    __hash__ = object.__hash__

    def __repr__(self) -> str:
        parts = [repr(self._data), f"grad={self.grad!r}"]
        if self.label:
            parts.append(f"label={self.label!r}")
        if self._op is not None:
            parts.append(f"op={self._op.name!r}")
        return f"Value({', '.join(parts)})"

    # Notebook display. The drawer sits above the engine and registers its
    # renderer on the Value class on import, so the engine never imports it.
    _svg_renderer: ClassVar[Callable[[Any], str | None] | None] = None

    def _repr_svg_(self) -> str | None:
        """Jupyter shows a Value as a picture of its graph (when graphviz is there)."""
        renderer = type(self)._svg_renderer
        return None if renderer is None else renderer(self)
