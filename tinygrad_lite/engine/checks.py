"""What the engine checks besides arithmetic: reads of a Value's number, and anomalies.

Sits under :mod:`.value`, on :mod:`tinygrad_lite.modes`. Ordinary
arithmetic never pays for them: the library reads ``.data``, and ops check an
anomaly only when some thread has a mode switched (``modes.SWITCHED``):

* :func:`data_read`: Python turned a Value into a plain number (``float()``,
  ``int()``, ``complex()``, an index, ``bool()``, a comparison). A lossy read
  (the first four) of any Value warns :class:`GradientLostWarning` while the
  graph is recorded; while ``jit`` records a function, the recording learns
  that its graph may depend on the data.
* :func:`check_anomaly`: inside ``detect_anomaly()``, an op that turns finite
  inputs into nan or inf raises.
"""

from __future__ import annotations

import math
import os
import sys
import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .. import modes
from ..ops import Op

if TYPE_CHECKING:
    pass

__all__ = ["PACKAGE_DIR", "GradientLostWarning", "check_anomaly", "data_read"]


class GradientLostWarning(UserWarning):
    """A Value was turned into a plain number while the graph is recorded: its gradient is lost.

    Warned outside :func:`no_grad` when ``float()``, ``int()``, ``complex()``
    or an index (``range(v)``, ``items[v]``) reads a Value, a leaf or a node
    an op made: the usual cause is a function of the standard ``math``
    module (``math.exp(v)`` calls ``float(v)``), whose result is a constant
    to ``backward``. The warning points at the line that did it, once per
    line under Python's default warning filter. ``v.item()``, ``v.data``,
    ``format(v, ".3f")``, f-strings and ``repr`` read the number on purpose
    and never warn.
    """


# How a read of a Value's number is named; the first four give a plain number
# that carries no gradient.
_LOSSY_READS = {
    "float": "float() of a Value",
    "int": "int() of a Value",
    "complex": "complex() of a Value",
    "index": "A Value used as an index or a count (range(v), items[v])",
}
# The package's directory: a frame outside it is the user's code.
PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep


def data_read(value: Any, how: str) -> None:
    """Python read ``value``'s number (``how``: float, int, complex, index, bool, compare).

    Called by ``__float__``, ``__int__``, ``__complex__`` and ``__index__``
    always, and by ``__bool__`` and the comparisons only when some thread
    has a mode switched.
    """
    mode = modes.current()
    if mode.tracer is not None:  # jit is recording: the graph may depend on this number
        mode.tracer.read(value, how)
    if mode.recording and how in _LOSSY_READS:
        _warn_gradient_lost(how)


def _warn_gradient_lost(how: str) -> None:
    # Point at the first frame outside this package: the user's line.
    frame = sys._getframe(1)
    level = 2
    while frame.f_back is not None and frame.f_code.co_filename.startswith(PACKAGE_DIR):
        frame = frame.f_back
        level += 1
    # NOTE: the text names the read only, never the number, so Python's default
    # filter (once per text and line) warns once per line, not once per value.
    warnings.warn(
        f"{_LOSSY_READS[how]} gives a plain number, and the gradient through it "
        "is lost (a standard math function such as math.exp(v) calls float(v)). For a "
        "math function use tinygrad_lite.math (from tinygrad_lite import math), which "
        "keeps the graph; to read the number on purpose use v.item() or v.data; inside "
        "no_grad() nothing is recorded and nothing warns",
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
