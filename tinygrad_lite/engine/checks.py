"""What the engine checks besides arithmetic: reads of a Value's number, and anomalies.

Sits under :mod:`.value`, on :mod:`tinygrad_lite.modes`. Both checks run
only when some thread has a mode switched (``modes.SWITCHED``), so ordinary
arithmetic never pays for them:

* :func:`data_read`: Python turned a Value into a plain number (``float()``,
  ``int()``, an index, ``bool()``, a comparison). Inside ``detect_anomaly()``
  a lossy read of a computed Value warns :class:`GradientLostWarning`; while
  ``jit`` records a function, the recording learns that its graph may depend
  on the data.
* :func:`check_anomaly`: inside ``detect_anomaly()``, an op that turns finite
  inputs into nan or inf raises.
"""

from __future__ import annotations

import math
import os
import sys
import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING

from .. import modes
from ..ops import Op

if TYPE_CHECKING:
    from .value import Value

__all__ = ["PACKAGE_DIR", "GradientLostWarning", "check_anomaly", "data_read"]


class GradientLostWarning(UserWarning):
    """A non-leaf Value was turned into a plain number, so no gradient flows through it.

    Warned inside :func:`detect_anomaly` when ``float()``, ``int()`` or an
    index (``range(v)``, ``items[v]``) reads a Value that an op made: the
    usual cause is a function of the standard ``math`` module
    (``math.exp(v)`` calls ``float(v)``). The warning points at the line that
    did it.
    """


# How the number of a Value can be read by Python's protocols; the first three
# give a plain number that carries no gradient.
_LOSSY_READS = frozenset({"float", "int", "index"})
# The package's directory: a frame outside it is the user's code.
PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep


def data_read(value: Value, how: str) -> None:
    """Python read ``value``'s number (``how``: float, int, index, bool, compare).

    Called by ``__float__``, ``__int__``, ``__index__``, ``__bool__`` and the
    comparisons only when some thread has a mode switched.
    """
    mode = modes.current()
    if mode.tracer is not None:  # jit is recording: the graph may depend on this number
        mode.tracer.read(value, how)
    if how in _LOSSY_READS and value._op is not None and mode.anomaly:
        _warn_gradient_lost(value, how)


def _warn_gradient_lost(value: Value, how: str) -> None:
    # Point at the first frame outside this package: the user's line.
    frame = sys._getframe(1)
    level = 2
    while frame.f_back is not None and frame.f_code.co_filename.startswith(PACKAGE_DIR):
        frame = frame.f_back
        level += 1
    action = {"float": "float()", "int": "int()", "index": "use as an index or a count"}[how]
    warnings.warn(
        f"{action} of a Value made by {value._op.name!r} (data {value.data!r}) gives a plain "  # type: ignore[union-attr]
        "number: the gradient through it is lost. For a math function use "
        "tinygrad_lite.math (from tinygrad_lite import math), which keeps the graph; "
        "to read the number on purpose use v.item() or v.data",
        GradientLostWarning,
        stacklevel=level,
    )


def check_anomaly(op: Op, data: float, inputs: Sequence[float]) -> None:
    """Inside detect_anomaly(): refuse a nan or inf made from finite inputs.

    Raises:
        FloatingPointError: Naming the op and its input values.
    """
    if math.isfinite(data):
        return
    if all(math.isfinite(x) for x in inputs):
        raise FloatingPointError(
            f"detect_anomaly: {op.name} produced {data} from finite inputs {list(inputs)}"
        )
