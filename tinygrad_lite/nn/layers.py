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
from ..engine.coerce import ACCEPTED, real_to_float
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


def _lift(x: Any, owner: Module | None = None, nin: int | None = None) -> list[Value]:
    """One sample's inputs as Values: plain numbers become leaves once, not once per neuron.

    Args:
        x: A list or tuple of Values and real numbers (any other iterable is
            read into a list); a single Value or number when ``nin`` is 1 or
            None (a vector of one).
        owner: The model that was called, for the messages.
        nin: The number of inputs ``owner`` takes (None: any).

    Raises:
        TypeError: If ``x`` is not one sample (a single number for several
            inputs, a batch, a string) or an entry is not a number, naming it.
        ValueError: If ``x`` does not have ``nin`` entries.
    """
    kind = type(x)
    if kind is not list and kind is not tuple:
        x = _sample(x, owner, nin)
    try:
        values = [xi if type(xi) is Value else Value(xi) for xi in x]
    except TypeError as error:
        message = _entry_error(x, owner, nin)
        if message is None:
            raise
        raise TypeError(message) from error
    if nin is not None and len(values) != nin:
        raise ValueError(f"{_name(owner)} expects {nin} inputs, got {len(values)}")
    return values


def _check_entries(x: Sequence[Any], owner: Module | None, nin: int | None) -> None:
    message = _entry_error(x, owner, nin)
    if message is not None:
        raise TypeError(message)


def _name(owner: Module | None) -> str:
    return "the model" if owner is None else repr(owner)


def _one_sample(owner: Module | None, nin: int | None) -> str:
    count = "numbers or Values" if nin is None else f"{nin} inputs (numbers or Values)"
    return f"{_name(owner)} takes one sample, a list of {count}"


def _sample(x: Any, owner: Module | None, nin: int | None) -> list[Any]:
    """A sample that is not a list or tuple: a lone number (for one input) or an iterable."""
    if type(x) is Value or real_to_float(x) is not None:
        if nin is None or nin == 1:
            return [x]
        names = ", ".join(f"x{i}" for i in range(1, min(nin, 3) + 1))
        raise TypeError(
            f"{_one_sample(owner, nin)}; got a single {type(x).__name__}: {x!r}. "
            f"Give all {nin} inputs in a list: model([{names}{', ...' if nin > 3 else ''}])"
        )
    if isinstance(x, (str, bytes)) or not hasattr(type(x), "__iter__"):
        raise TypeError(f"{_one_sample(owner, nin)}; got {type(x).__name__}: {x!r}")
    return list(x)


def _entry_error(x: Sequence[Any], owner: Module | None, nin: int | None) -> str | None:
    """The message for the first entry of ``x`` that is not a number (None: all are)."""
    for i, xi in enumerate(x):
        if type(xi) is Value or real_to_float(xi) is not None:
            continue
        if not isinstance(xi, (str, bytes)) and hasattr(type(xi), "__len__"):
            return (
                f"{_one_sample(owner, nin)}; input [{i}] is a {type(xi).__name__}: "
                f"{xi!r}, so this looks like a batch of samples. Call the model once "
                "per sample: [model(x) for x in xs]"
            )
        return (
            f"{_name(owner)}: input [{i}] is a {type(xi).__name__}: {xi!r}; "
            f"accepted are Values and real numbers ({ACCEPTED})"
        )
    return None


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
        nin = len(self.w)
        kind = type(x)
        if kind is not list and kind is not tuple:
            x = _sample(x, self, nin)
        if len(x) != nin:
            _check_entries(x, self, nin)  # a batch of the wrong length says so first
            raise ValueError(f"{self!r} expects {nin} inputs, got {len(x)}")
        try:
            out = dot(self.w, x, self.b)
        except TypeError:
            _check_entries(x, self, nin)
            raise
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
        xs = _lift(x, self, len(self.neurons[0].w))
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
        given: Any = nouts  # NOTE: typed as a list, but a newcomer writes MLP(2, 4)
        if isinstance(given, (str, bytes)) or not isinstance(given, Sequence):
            example = given if type(given) is int and given > 0 else 1
            raise TypeError(
                "MLP(nin, nouts): nouts is the list of layer widths, the last one the "
                f"number of outputs; got {type(given).__name__}: {given!r}. For one layer "
                f"of {example} outputs write MLP({nin}, [{example}]); for a hidden layer "
                f"of 16 before it, MLP({nin}, [16, {example}])"
            )
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
        values = _lift(x, self, self.layers[0].nin)
        for layer in self.layers:
            values = [neuron.forward(values) for neuron in layer.neurons]
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
