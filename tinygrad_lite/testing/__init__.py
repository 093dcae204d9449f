"""Property tests for your own functions and ops: gradients searched and shrunk by hypothesis.

Needs the ``testing`` extra (hypothesis); ``import tinygrad_lite`` never
imports it. Sits above :mod:`tinygrad_lite.numeric` and
:mod:`tinygrad_lite.custom`; nothing in the package imports it.

* :func:`check_gradients` searches a function's inputs for a point where
  its gradient (``order=2``: and Hessian) disagrees with central
  differences, and raises :class:`GradientMismatchError` with the shrunk
  smallest failing point and the gradient check table.
* :func:`check_op` does the same for an op of the table (a custom op or a
  built-in), at first and second order, with its forward.
* :func:`assert_gradients_match` compares at one point, inside your own
  ``@given`` test; :func:`points`, :func:`values` and :func:`expressions`
  are strategies for such tests.

Kinks and poles are not false alarms: a point whose finite-difference step
crosses one (read from the recorded graph: :mod:`.kinks`) is rejected and
counted in the :class:`SearchReport`.
"""

from __future__ import annotations

from ..extras import install_hint

try:
    import hypothesis  # noqa: F401
except ImportError as error:
    raise ImportError(
        f"tinygrad_lite.testing needs hypothesis, from the testing extra: {install_hint('testing')}"
    ) from error

from .checks import (
    GradientMismatchError,
    SearchReport,
    assert_gradients_match,
    check_gradients,
    check_op,
)
from .domains import OP_INPUTS
from .expressions import Expression, expressions
from .kinks import Hazard, find_hazard
from .strategies import points, values

__all__ = [
    "OP_INPUTS",
    "Expression",
    "GradientMismatchError",
    "Hazard",
    "SearchReport",
    "assert_gradients_match",
    "check_gradients",
    "check_op",
    "expressions",
    "find_hazard",
    "points",
    "values",
]
