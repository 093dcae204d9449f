"""The original layers: ``Neuron``, ``Layer``, ``MLP``, ordinary :class:`Module` subclasses.

Sits on :mod:`tinygrad_lite.engine` (and the float forwards of
:mod:`tinygrad_lite.ops`). The classes follow micrograd's ``nn`` (same
parameter order: each neuron's weights, then its bias, layer by layer), with
PyTorch's names, and two speed measures:

* a neuron's weighted sum ``b + w1*x1 + ... + wn*xn`` is one
  :func:`~tinygrad_lite.engine.dot` node, with data and gradients
  bit-identical to micrograd's chain of ``+`` and ``*``;
* a :class:`Layer` lifts plain-float inputs to Values once per call, not
  once per neuron.

They hold their parameters as plain attributes (``Neuron.w``, ``Neuron.b``,
``Layer.neurons``, ``MLP.layers``), which :class:`Module` registers, so the
names (``layers.0.neurons.3.w.1``) and the saved files are those of the
package's first ``nn`` module, from before :class:`Module` registered
anything (``tests/data`` keeps three such files).
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from typing import Any

from ..engine import Value, dot
from .base import FloatStep, Module

__all__ = ["ACTIVATIONS", "INITS", "MLP", "Layer", "Neuron"]

ACTIVATIONS: tuple[str | None, ...] = ("relu", "tanh", "sigmoid", None)
"""The accepted ``activation`` arguments (None: linear)."""

INITS: tuple[str, ...] = ("uniform", "xavier", "he")
"""The accepted ``init`` arguments."""


def _check_activation(activation: str | None) -> str | None:
    if activation not in ACTIVATIONS:
        raise ValueError(
            f"activation must be one of 'relu', 'tanh', 'sigmoid' or None, got {activation!r}"
        )
    return activation


def _check_size(name: str, value: int) -> int:
    if type(value) is not int or value < 1:
        raise ValueError(f"{name} must be a positive int, got {value!r}")
    return value


def _rng(seed: int | random.Random | None) -> random.Random:
    # NOTE: a private generator, so building a model never touches (or depends
    # on) the global random state; None means OS entropy.
    if isinstance(seed, random.Random):
        return seed
    return random.Random(seed)


def _activate(x: Value, activation: str | None) -> Value:
    if activation is None:
        return x
    if activation == "relu":
        return x.relu()
    if activation == "tanh":
        return x.tanh()
    return x.sigmoid()


def _lift(x: Sequence[Value | float]) -> list[Value]:
    """Inputs as Values: plain numbers become leaves once, not once per neuron."""
    return [xi if type(xi) is Value else Value(xi) for xi in x]


class Neuron(Module):
    """One neuron: ``activation(b + w1*x1 + ... + wn*xn)``.

    Args:
        nin: Number of inputs.
        activation: ``"relu"`` (default), ``"tanh"``, ``"sigmoid"`` or None (linear).
        init: How to draw the weights (the bias starts at 0):
            ``"uniform"``: ``U(-1, 1)`` (micrograd);
            ``"xavier"``: ``U(-a, a)``, ``a = sqrt(6 / (nin + fan_out))`` (Glorot);
            ``"he"``: ``U(-a, a)``, ``a = sqrt(6 / nin)`` (Kaiming, for relu).
        seed: An int or a ``random.Random`` for reproducible weights; None uses
            OS entropy. The global ``random`` state is never touched.
        fan_out: The number of neurons in this neuron's layer (for ``"xavier"``).

    Attributes:
        w: The weights, ``nin`` leaf Values.
        b: The bias, a leaf Value.
    """

    _replayable = True  # its forward is a fixed chain of ops: safe to record once

    def __init__(
        self,
        nin: int,
        activation: str | None = "relu",
        init: str = "uniform",
        seed: int | random.Random | None = None,
        fan_out: int = 1,
    ) -> None:
        _check_size("nin", nin)
        _check_size("fan_out", fan_out)
        self.activation = _check_activation(activation)
        if init not in INITS:
            raise ValueError(f"init must be one of {INITS}, got {init!r}")
        self.init = init
        self.fan_out = fan_out
        if init == "uniform":
            bound = 1.0
        elif init == "xavier":
            bound = math.sqrt(6.0 / (nin + fan_out))
        else:
            bound = math.sqrt(6.0 / nin)
        rng = _rng(seed)
        self.w = [Value(rng.uniform(-bound, bound)) for _ in range(nin)]
        self.b = Value(0.0)

    @property
    def nin(self) -> int:
        """The number of inputs."""
        return len(self.w)

    def forward(self, x: Sequence[Value | float]) -> Value:
        """``activation(dot(w, x) + b)`` as one ``dot`` node plus the activation.

        Raises:
            ValueError: If ``x`` does not have ``nin`` entries.
        """
        if len(x) != len(self.w):
            raise ValueError(f"{self!r} expects {len(self.w)} inputs, got {len(x)}")
        out = dot(self.w, x, self.b)
        # NOTE: relu is tested first and called directly: this is the hot path.
        return out.relu() if self.activation == "relu" else _activate(out, self.activation)

    def __call__(self, x: Sequence[Value | float]) -> Value:
        return self.forward(x)

    def _float_steps(self) -> list[FloatStep]:
        return [([[w.data for w in self.w]], [self.b.data], self.activation)]

    def _config(self) -> dict[str, Any]:
        return {
            "nin": self.nin,
            "activation": self.activation,
            "init": self.init,
            "fan_out": self.fan_out,
        }

    def __repr__(self) -> str:
        return f"Neuron({self.nin}, activation={self.activation!r})"


class Layer(Module):
    """``nout`` neurons that each see the same ``nin`` inputs.

    Args:
        nin: Number of inputs.
        nout: Number of neurons (outputs).
        activation: As for :class:`Neuron`.
        init: As for :class:`Neuron` (``"xavier"`` uses ``fan_out = nout``).
        seed: An int or a ``random.Random``; the neurons draw from it in order.

    Attributes:
        neurons: The neurons, in order.
    """

    _replayable = True  # its forward is a fixed chain of ops: safe to record once

    def __init__(
        self,
        nin: int,
        nout: int,
        activation: str | None = "relu",
        init: str = "uniform",
        seed: int | random.Random | None = None,
    ) -> None:
        _check_size("nin", nin)
        _check_size("nout", nout)
        rng = _rng(seed)
        self.activation = _check_activation(activation)
        self.init = init
        self.neurons = [Neuron(nin, activation, init, rng, fan_out=nout) for _ in range(nout)]

    @property
    def nin(self) -> int:
        """The number of inputs."""
        return self.neurons[0].nin

    @property
    def nout(self) -> int:
        """The number of outputs."""
        return len(self.neurons)

    def outputs(self, x: Sequence[Value | float]) -> list[Value]:
        """Every neuron's output, always as a list (plain-number inputs lifted once)."""
        xs = _lift(x)
        return [neuron.forward(xs) for neuron in self.neurons]

    def forward(self, x: Sequence[Value | float]) -> Value | list[Value]:
        """The neurons' outputs: one Value if ``nout == 1`` (as micrograd), else a list."""
        out = self.outputs(x)
        return out[0] if len(out) == 1 else out

    def __call__(self, x: Sequence[Value | float]) -> Value | list[Value]:
        return self.forward(x)

    def _float_steps(self) -> list[FloatStep]:
        return [
            (
                [[w.data for w in n.w] for n in self.neurons],
                [n.b.data for n in self.neurons],
                self.activation,
            )
        ]

    def _config(self) -> dict[str, Any]:
        return {
            "nin": self.nin,
            "nout": self.nout,
            "activation": self.activation,
            "init": self.init,
        }

    def __repr__(self) -> str:
        return f"Layer({self.nin}, {self.nout}, activation={self.activation!r})"


class MLP(Module):
    """A multi-layer perceptron: ``Layer``s in sequence, the last one linear.

    Args:
        nin: Number of inputs.
        nouts: The width of each layer; the last is the number of outputs.
        activation: The hidden layers' activation (the output layer is linear).
        init: As for :class:`Neuron`.
        seed: An int or a ``random.Random``. With ``random.Random(s)`` and
            ``init="uniform"`` the weights equal micrograd's after ``random.seed(s)``.

    Attributes:
        layers: The layers, in order.

    Example:
        >>> model = MLP(2, [16, 16, 1], seed=0)
        >>> len(model.parameters())
        337
    """

    _replayable = True  # its forward is a fixed chain of ops: safe to record once

    def __init__(
        self,
        nin: int,
        nouts: Sequence[int],
        activation: str | None = "relu",
        init: str = "uniform",
        seed: int | random.Random | None = None,
    ) -> None:
        _check_size("nin", nin)
        if len(nouts) == 0:
            raise ValueError("nouts must list at least one layer width, got []")
        for width in nouts:
            _check_size("every width in nouts", width)
        self.activation = _check_activation(activation)
        if init not in INITS:
            raise ValueError(f"init must be one of {INITS}, got {init!r}")
        self.init = init
        rng = _rng(seed)
        sizes = [nin, *nouts]
        last = len(nouts) - 1
        self.layers = [
            Layer(sizes[i], sizes[i + 1], activation if i != last else None, init, rng)
            for i in range(len(nouts))
        ]

    @property
    def nin(self) -> int:
        """The number of inputs."""
        return self.layers[0].nin

    @property
    def nouts(self) -> list[int]:
        """The width of each layer."""
        return [layer.nout for layer in self.layers]

    def outputs(self, x: Sequence[Value | float]) -> list[Value]:
        """The last layer's outputs, always as a list."""
        values = self.layers[0].outputs(x)
        for layer in self.layers[1:]:
            values = layer.outputs(values)
        return values

    def forward(self, x: Sequence[Value | float]) -> Value | list[Value]:
        """The output: one Value if the last layer has one neuron (as micrograd), else a list."""
        out = self.outputs(x)
        return out[0] if len(out) == 1 else out

    def __call__(self, x: Sequence[Value | float]) -> Value | list[Value]:
        return self.forward(x)

    def _float_steps(self) -> list[FloatStep]:
        return [step for layer in self.layers for step in layer._float_steps()]

    def _config(self) -> dict[str, Any]:
        return {
            "nin": self.nin,
            "nouts": self.nouts,
            "activation": self.activation,
            "init": self.init,
        }

    def __repr__(self) -> str:
        widths = " -> ".join(str(n) for n in [self.nin, *self.nouts])
        return f"MLP({widths}, activation={self.activation!r}, parameters={len(self.parameters())})"
