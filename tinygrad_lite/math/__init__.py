"""A drop-in for the standard ``math`` module that keeps the graph.

``from tinygrad_lite import math`` instead of ``import math``.

Sits on :mod:`tinygrad_lite.engine`. Every real function of ``math`` that has
a derivative somewhere takes a number or a :class:`~tinygrad_lite.engine.Value`:

* a ``Value`` gives a node of the op table (``math.sin(v)`` is ``v.sin()``),
  so existing code becomes differentiable by changing its import;
* a number gives a float with the library's IEEE results where ``math``
  raises: ``log(0) = -inf``, ``log(-1) = nan``, ``exp(1000) = inf``,
  ``fmod(1, 0) = nan``, ``acosh(0) = nan``; elsewhere the result is the
  standard module's to the last bit.

``floor``, ``ceil`` and ``trunc`` of a number return an ``int``, as in
``math`` (so indexing code keeps working), and the float itself for ``inf``
and ``nan``, where ``math`` raises; of a ``Value`` they return a node with
derivative 0. ``log``, ``log2`` and ``log10`` of an int too large for a float
are exact, as in ``math``; ``prod`` of ints is an int.

Functions without a derivative (``gcd``, ``factorial``, ``comb``, ``isqrt``,
...) are the standard module's, unchanged; they read a ``Value`` holding an
integer through ``__index__``. ``gamma`` and ``lgamma`` of a number are the
standard module's with IEEE results at the poles; of a ``Value`` they raise
``TypeError`` (they are not in the op table, and a silent float would lose
the gradient). Names this module does not define (new ones in later Python
versions) come from the standard module.

Beyond ``math``: ``maximum``, ``minimum``, ``clamp``, ``sign``, ``relu`` and
``sigmoid``, the op table's other scalar functions.

The package: :mod:`.dispatch` holds how a call dispatches (and the typed
shapes of the functions), :mod:`.functions` the functions themselves.
"""

from __future__ import annotations

import math as _math
from typing import Any

from .functions import (
    acos,
    acosh,
    asin,
    asinh,
    atan,
    atan2,
    atanh,
    cbrt,
    ceil,
    clamp,
    copysign,
    cos,
    cosh,
    degrees,
    dist,
    erf,
    erfc,
    exp,
    exp2,
    expm1,
    fabs,
    floor,
    fmod,
    frexp,
    fsum,
    gamma,
    hypot,
    isclose,
    isfinite,
    isinf,
    isnan,
    ldexp,
    lgamma,
    log,
    log1p,
    log2,
    log10,
    maximum,
    minimum,
    modf,
    pow,  # noqa: A004 - the name math gives it; never exported at top level
    prod,
    radians,
    relu,
    remainder,
    sigmoid,
    sign,
    sin,
    sinh,
    sqrt,
    tan,
    tanh,
    trunc,
)

__all__ = [
    "acos",
    "acosh",
    "asin",
    "asinh",
    "atan",
    "atan2",
    "atanh",
    "cbrt",
    "ceil",
    "clamp",
    "comb",
    "copysign",
    "cos",
    "cosh",
    "degrees",
    "dist",
    "e",
    "erf",
    "erfc",
    "exp",
    "exp2",
    "expm1",
    "fabs",
    "factorial",
    "floor",
    "fmod",
    "frexp",
    "fsum",
    "gamma",
    "gcd",
    "hypot",
    "inf",
    "isclose",
    "isfinite",
    "isinf",
    "isnan",
    "isqrt",
    "lcm",
    "ldexp",
    "lgamma",
    "log",
    "log1p",
    "log2",
    "log10",
    "maximum",
    "minimum",
    "modf",
    "nan",
    "nextafter",
    "perm",
    "pi",
    "pow",
    "prod",
    "radians",
    "relu",
    "remainder",
    "sigmoid",
    "sign",
    "sin",
    "sinh",
    "sqrt",
    "tan",
    "tanh",
    "tau",
    "trunc",
    "ulp",
]

pi = _math.pi
e = _math.e
tau = _math.tau
inf = _math.inf
nan = _math.nan

# Functions without a derivative: the standard module's, unchanged.
comb = _math.comb
factorial = _math.factorial
gcd = _math.gcd
isqrt = _math.isqrt
lcm = _math.lcm
nextafter = _math.nextafter
perm = _math.perm
ulp = _math.ulp


def __getattr__(name: str) -> Any:
    # NOTE: names of a newer Python's math (sumprod, fma, ...) are the standard ones.
    if not name.startswith("__"):
        try:
            return getattr(_math, name)
        except AttributeError:
            pass
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
