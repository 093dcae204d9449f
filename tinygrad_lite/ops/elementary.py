"""Elementary functions: exponentials, logarithms, roots, trigonometric, hyperbolic, erf.

Outside a function's domain the value is nan (``log(-1)``, ``asin(2)``) and
the derivative is its formula evaluated in IEEE arithmetic, as in PyTorch:
``log'(-1) = 1/-1 = -1``, ``asin'(2) = 1/sqrt(-3) = nan``. At a pole or a
vertical tangent the formula gives ``inf`` (``asin'(±1)``, ``sqrt'(0)``,
``atanh'(±1)``).
"""

from __future__ import annotations

import math
from typing import Any

from . import ieee
from .base import BINARY, UNARY, Op
from .generic import cos as cos_
from .generic import cosh, data, div, exp, hypot, sinh, sqrt
from .generic import sin as sin_


def _exp_grad(x: Any, out: Any) -> Any:
    return out


def _exp2_grad(x: Any, out: Any) -> Any:
    return out * ieee.LN2


def _expm1_grad(x: Any, out: Any) -> Any:
    return out + 1.0  # e**x


def _log_grad(x: Any, out: Any) -> Any:
    return div(1.0, x)


def _log2_grad(x: Any, out: Any) -> Any:
    return div(1.0, x * ieee.LN2)


def _log10_grad(x: Any, out: Any) -> Any:
    return div(1.0, x * ieee.LN10)


def _log1p_grad(x: Any, out: Any) -> Any:
    return div(1.0, 1.0 + x)


def _sqrt_grad(x: Any, out: Any) -> Any:
    return div(0.5, out)  # inf at x = 0


def _cbrt_grad(x: Any, out: Any) -> Any:
    # d x**(1/3)/dx = 1 / (3 cbrt(x)**2): inf at 0, also defined for x < 0
    return div(1.0, 3.0 * out * out)


def _sin_grad(x: Any, out: Any) -> Any:
    return cos_(x)


def _cos_grad(x: Any, out: Any) -> Any:
    return -sin_(x)


def _tan_grad(x: Any, out: Any) -> Any:
    return 1.0 + out * out  # 1 / cos(x)**2


def _asin_grad(x: Any, out: Any) -> Any:
    # NOTE: 1 - x*x, not (1 - x)(1 + x): at x = ±1 the product's rule would
    # multiply the infinite upstream gradient by the zero factor (nan), so the
    # second derivative x / (1 - x*x)**1.5 would be nan instead of ±inf.
    return div(1.0, sqrt(1.0 - x * x))


def _acos_grad(x: Any, out: Any) -> Any:
    return div(-1.0, sqrt(1.0 - x * x))


def _atan_grad(x: Any, out: Any) -> Any:
    return div(1.0, 1.0 + x * x)


def _atan2_grads(y: Any, x: Any, out: Any) -> tuple[Any, Any]:
    # d atan2(y, x) = (x dy - y dx) / (x**2 + y**2), with x**2 + y**2 as hypot**2
    # so that it neither overflows nor underflows.
    if data(y) == 0.0 and data(x) == 0.0:
        # NOTE: at the origin atan2 is IEEE's convention (0, pi, -0, -pi by the
        # zeros' signs), not a limit; its derivative is taken as 0.
        return 0.0, 0.0
    r = hypot(y, x)
    return div(div(x, r), r), div(div(-y, r), r)


def _sinh_grad(x: Any, out: Any) -> Any:
    return cosh(x)


def _cosh_grad(x: Any, out: Any) -> Any:
    return sinh(x)


def _tanh_grad(x: Any, out: Any) -> Any:
    return 1.0 - out * out


def _asinh_grad(x: Any, out: Any) -> Any:
    # 1 / sqrt(x**2 + 1) as 1 / hypot(x, 1): no overflow of x**2 for large x
    return div(1.0, hypot(x, 1.0))


def _acosh_grad(x: Any, out: Any) -> Any:
    # NOTE: x*x - 1 is +0.0 at both x = 1 and x = -1, so acosh'(±1) = +inf, as in PyTorch
    return div(1.0, sqrt(x * x - 1.0))


def _atanh_grad(x: Any, out: Any) -> Any:
    return div(1.0, 1.0 - x * x)  # inf at ±1; see _asin_grad for why not (1 - x)(1 + x)


def _sigmoid_grad(x: Any, out: Any) -> Any:
    return out * (1.0 - out)


def _erf_grad(x: Any, out: Any) -> Any:
    return ieee.TWO_OVER_SQRT_PI * exp(-(x * x))


def _erfc_grad(x: Any, out: Any) -> Any:
    return -ieee.TWO_OVER_SQRT_PI * exp(-(x * x))


# NOTE: math.atan, atan2, tanh, asinh, erf and erfc are defined on every float
# (inf and nan included) and never raise, so they serve as they are.
ENTRIES = [
    Op("exp", "exp", UNARY, ieee.exp, _exp_grad),
    Op("exp2", "exp2", UNARY, ieee.exp2, _exp2_grad),
    Op("expm1", "expm1", UNARY, ieee.expm1, _expm1_grad),
    Op("log", "log", UNARY, ieee.log, _log_grad),
    Op("log2", "log2", UNARY, ieee.log2, _log2_grad),
    Op("log10", "log10", UNARY, ieee.log10, _log10_grad),
    Op("log1p", "log1p", UNARY, ieee.log1p, _log1p_grad),
    Op("sqrt", "sqrt", UNARY, ieee.sqrt, _sqrt_grad),
    Op("cbrt", "cbrt", UNARY, ieee.cbrt, _cbrt_grad),
    Op("sin", "sin", UNARY, ieee.sin, _sin_grad),
    Op("cos", "cos", UNARY, ieee.cos, _cos_grad),
    Op("tan", "tan", UNARY, ieee.tan, _tan_grad),
    Op("asin", "asin", UNARY, ieee.asin, _asin_grad),
    Op("acos", "acos", UNARY, ieee.acos, _acos_grad),
    Op("atan", "atan", UNARY, math.atan, _atan_grad),
    Op("atan2", "atan2", BINARY, math.atan2, _atan2_grads),
    Op("sinh", "sinh", UNARY, ieee.sinh, _sinh_grad),
    Op("cosh", "cosh", UNARY, ieee.cosh, _cosh_grad),
    Op("tanh", "tanh", UNARY, math.tanh, _tanh_grad),
    Op("asinh", "asinh", UNARY, math.asinh, _asinh_grad),
    Op("acosh", "acosh", UNARY, ieee.acosh, _acosh_grad),
    Op("atanh", "atanh", UNARY, ieee.atanh, _atanh_grad),
    Op("sigmoid", "sigmoid", UNARY, ieee.sigmoid, _sigmoid_grad),
    Op("erf", "erf", UNARY, math.erf, _erf_grad),
    Op("erfc", "erfc", UNARY, math.erfc, _erfc_grad),
]
