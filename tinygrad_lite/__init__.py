"""tinygrad_lite: exact gradients of plain Python expressions, and a picture of them."""

from .datasets import Dataset
from .engine import (
    Value,
    detect_anomaly,
    dot,
    gradients,
    is_grad_enabled,
    logsumexp,
    no_grad,
    topological_order,
    total,
)
from .functional import grad, hessian, hvp, jacobian, value_and_grad
from .graph import Graph
from .losses import (
    binary_cross_entropy_with_logits,
    cross_entropy,
    hinge,
    l2_penalty,
    log_softmax,
    mse,
    softmax,
)
from .nn import MLP, Layer, Module, Neuron, load_model
from .numeric import (
    GradcheckEntry,
    GradcheckError,
    GradcheckReport,
    central_difference,
    forward_difference,
    gradcheck,
    gradgradcheck,
    machine_epsilon,
    numerical_gradient,
)
from .optim import (
    SGD,
    Adam,
    CosineLR,
    LinearLR,
    Momentum,
    Optimizer,
    RMSProp,
    StepLR,
    clip_grad_norm,
)
from .train import History, accuracy, fit, predict
from .viz import draw_graph

__version__ = "0.1.0"

__all__ = [
    "MLP",
    "SGD",
    "Adam",
    "CosineLR",
    "Dataset",
    "GradcheckEntry",
    "GradcheckError",
    "GradcheckReport",
    "Graph",
    "History",
    "Layer",
    "LinearLR",
    "Module",
    "Momentum",
    "Neuron",
    "Optimizer",
    "RMSProp",
    "StepLR",
    "Value",
    "__version__",
    "accuracy",
    "binary_cross_entropy_with_logits",
    "central_difference",
    "clip_grad_norm",
    "cross_entropy",
    "detect_anomaly",
    "dot",
    "draw_graph",
    "fit",
    "forward_difference",
    "grad",
    "gradcheck",
    "gradgradcheck",
    "gradients",
    "hessian",
    "hinge",
    "hvp",
    "is_grad_enabled",
    "jacobian",
    "l2_penalty",
    "load_model",
    "log_softmax",
    "logsumexp",
    "machine_epsilon",
    "mse",
    "no_grad",
    "numerical_gradient",
    "predict",
    "softmax",
    "topological_order",
    "total",
    "value_and_grad",
]
