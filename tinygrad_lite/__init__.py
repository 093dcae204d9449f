"""tinygrad_lite: exact gradients of plain Python expressions, and a picture of them."""

from .engine import Value, detect_anomaly, dot, is_grad_enabled, no_grad, topological_order, total
from .functional import grad, hessian, hvp, jacobian, value_and_grad

__version__ = "0.1.0"

__all__ = [
    "Value",
    "__version__",
    "detect_anomaly",
    "dot",
    "grad",
    "hessian",
    "hvp",
    "is_grad_enabled",
    "jacobian",
    "no_grad",
    "topological_order",
    "total",
    "value_and_grad",
]
