"""Neural networks: ``Module`` (as ``torch.nn.Module``), layers, blocks and model files.

Sits on :mod:`tinygrad_lite.engine`. The package holds:

* :mod:`~tinygrad_lite.nn.base`: :class:`Module`, which registers the Values
  and Modules assigned to it and derives parameters, names, modes, ``repr``
  and state from them;
* :mod:`~tinygrad_lite.nn.layers`: the package's original :class:`Neuron`,
  :class:`Layer` and :class:`MLP` (micrograd's parameter order);
* :mod:`~tinygrad_lite.nn.blocks`: torch's :class:`Linear`,
  :class:`Sequential`, :class:`ReLU`, :class:`Tanh`, :class:`Sigmoid` and
  :class:`Dropout`;
* :mod:`~tinygrad_lite.nn.files`: JSON model files, checked as untrusted
  input (:func:`load_model`).
"""

from .base import IncompatibleKeys, Module
from .blocks import Dropout, Linear, ReLU, Sequential, Sigmoid, Tanh
from .files import MAX_NESTING, load_model
from .format import MAX_FILE_BYTES, read_model_file
from .layers import ACTIVATIONS, INITS, MLP, Layer, Neuron
from .layers import _lift as _lift  # the hot path's helper, kept at nn._lift

__all__ = [
    "ACTIVATIONS",
    "INITS",
    "MAX_FILE_BYTES",
    "MAX_NESTING",
    "MLP",
    "Dropout",
    "IncompatibleKeys",
    "Layer",
    "Linear",
    "Module",
    "Neuron",
    "ReLU",
    "Sequential",
    "Sigmoid",
    "Tanh",
    "load_model",
    "read_model_file",
]
