"""Neural-network building blocks: ``Module``, ``Neuron``, ``Layer``, ``MLP``.

Sits on :mod:`tinygrad_lite.engine` (and the float forwards of
:mod:`tinygrad_lite.ops`). The classes follow micrograd's ``nn`` (same
parameter order: each neuron's weights, then its bias, layer by layer), with
PyTorch's names (``parameters``, ``named_parameters``, ``zero_grad``,
``state_dict``) and two speed measures:

* a neuron's weighted sum ``b + w1*x1 + ... + wn*xn`` is one
  :func:`~tinygrad_lite.engine.dot` node, with data and gradients
  bit-identical to micrograd's chain of ``+`` and ``*``;
* a :class:`Layer` lifts plain-float inputs to Values once per call, not
  once per neuron;
* :meth:`Module.predict_floats` runs the model on plain floats with no graph
  at all, for large inference grids (decision boundaries).

Models are saved as JSON (:meth:`Module.save`), never pickled, so loading a
file can not run code.
"""

from __future__ import annotations

import json
import math
import os
import random
from collections.abc import Iterator, Mapping, Sequence
from functools import reduce
from operator import add, mul
from typing import Any

from .engine import Value, dot
from .ops import OPS

__all__ = [
    "ACTIVATIONS",
    "INITS",
    "MLP",
    "Layer",
    "Module",
    "Neuron",
    "load_model",
]

ACTIVATIONS: tuple[str | None, ...] = ("relu", "tanh", "sigmoid", None)
"""The accepted ``activation`` arguments (None: linear)."""

INITS: tuple[str, ...] = ("uniform", "xavier", "he")
"""The accepted ``init`` arguments."""

_FORMAT = "tinygrad_lite.module"
_FORMAT_VERSION = 1

# One float-only layer: (weight rows, biases, activation). Used by predict_floats.
_FloatLayer = tuple[list[list[float]], list[float], str | None]


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


class Module:
    """Base class of everything with parameters, as ``torch.nn.Module``.

    Subclasses implement :meth:`named_parameters`, :meth:`forward`,
    :meth:`_float_layers` and :meth:`_config`; the rest follows.
    """

    def named_parameters(self) -> Iterator[tuple[str, Value]]:
        """Yield ``(dotted_name, parameter)`` pairs in a stable order.

        Names look like ``layers.0.neurons.3.w.1`` (weight 1 of neuron 3 of
        layer 0) and ``layers.0.neurons.3.b``.
        """
        yield from ()

    def parameters(self) -> list[Value]:
        """Every parameter, in the order of :meth:`named_parameters`."""
        return [p for _, p in self.named_parameters()]

    def zero_grad(self) -> None:
        """Set every parameter's ``.grad`` to 0.0."""
        for p in self.parameters():
            p.grad = 0.0

    def forward(self, x: Sequence[Value | float]) -> Value | list[Value]:
        """The module applied to one input vector (Values or plain numbers)."""
        raise NotImplementedError(f"{type(self).__name__} does not define forward()")

    def __call__(self, x: Sequence[Value | float]) -> Value | list[Value]:
        return self.forward(x)

    # -- graph-free inference -----------------------------------------------

    def _float_layers(self) -> list[_FloatLayer]:
        """A snapshot of the weights as plain floats, one entry per layer."""
        raise NotImplementedError(f"{type(self).__name__} has no float forward")

    def predict_floats(self, rows: Sequence[Sequence[float]]) -> list[list[float]]:
        """The outputs for many inputs, computed on plain floats with no graph.

        The weights are read once per call, so this is the fast path for big
        inference grids. Each output equals ``self(x)`` (its ``.data``) to the
        last bit: the same folds in the same order.

        Args:
            rows: Input vectors, each of length ``nin``.

        Returns:
            One list of output floats per input row.

        Raises:
            ValueError: If a row has the wrong length.
        """
        layers = self._float_layers()
        nin = len(layers[0][0][0]) if layers and layers[0][0] else 0
        outputs: list[list[float]] = []
        for row in rows:
            if len(row) != nin:
                raise ValueError(f"{self!r} expects {nin} inputs, got {len(row)}")
            values = [float(x) for x in row]
            for weights, biases, activation in layers:
                values = [
                    reduce(add, map(mul, w, values), b)
                    for w, b in zip(weights, biases, strict=True)
                ]
                if activation is not None:
                    forward = OPS[activation].forward
                    values = [forward(v) for v in values]
            outputs.append(values)
        return outputs

    def forward_floats(self, x: Sequence[float]) -> list[float]:
        """The outputs for one input vector, on plain floats (see :meth:`predict_floats`)."""
        return self.predict_floats([x])[0]

    # -- state --------------------------------------------------------------

    def state_dict(self) -> dict[str, float]:
        """Every parameter's value as a plain float, by dotted name."""
        return {name: p.data for name, p in self.named_parameters()}

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        """Set every parameter from ``state`` (as made by :meth:`state_dict`).

        All entries are checked before any parameter changes, so a bad
        ``state`` leaves the model as it was.

        Raises:
            ValueError: If an entry is missing, unexpected, or not a real number.
        """
        named = dict(self.named_parameters())
        missing = [name for name in named if name not in state]
        extra = [name for name in state if name not in named]
        if missing or extra:
            raise ValueError(
                f"state_dict does not fit {type(self).__name__}: "
                f"missing {missing[:5]}{'...' if len(missing) > 5 else ''}, "
                f"unexpected {extra[:5]}{'...' if len(extra) > 5 else ''}"
            )
        new_values: dict[str, float] = {}
        for name, value in state.items():
            if type(value) not in (int, float):
                raise ValueError(
                    f"state_dict entry {name!r} must be a single number, "
                    f"got {type(value).__name__}: {value!r}"
                )
            new_values[name] = float(value)
        for name, p in named.items():
            p.data = new_values[name]

    def _config(self) -> dict[str, Any]:
        """The constructor arguments that rebuild this module's shape."""
        raise NotImplementedError(f"{type(self).__name__} can not be saved")

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the architecture and the parameters to ``path`` as JSON."""
        document = {
            "format": _FORMAT,
            "version": _FORMAT_VERSION,
            "class": type(self).__name__,
            "config": self._config(),
            "state": self.state_dict(),
        }
        with open(path, "w", encoding="utf-8") as file:
            json.dump(document, file, indent=1)
            file.write("\n")

    def load(self, path: str | os.PathLike[str]) -> None:
        """Set this module's parameters from a file written by :meth:`save`.

        Raises:
            ValueError: If the file is not valid JSON of the right form (the
                message names the path), or its parameters do not fit.
        """
        document = _read_document(path)
        if document["class"] != type(self).__name__ or document["config"] != self._config():
            raise ValueError(
                f"{os.fspath(path)!r} holds a {document['class']} with config "
                f"{document['config']}, not this {type(self).__name__} ({self._config()})"
            )
        try:
            self.load_state_dict(document["state"])
        except ValueError as error:
            raise ValueError(f"{os.fspath(path)!r}: {error}") from error


def _read_document(path: str | os.PathLike[str]) -> dict[str, Any]:
    where = repr(os.fspath(path))
    with open(path, "rb") as file:
        raw = file.read()
    try:
        document = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError(f"{where} is not a valid model file: {error}") from error
    if not isinstance(document, dict) or document.get("format") != _FORMAT:
        raise ValueError(f"{where} is not a tinygrad_lite model file (no 'format': {_FORMAT!r})")
    if document.get("version") != _FORMAT_VERSION:
        raise ValueError(f"{where} has unsupported version {document.get('version')!r}")
    if (
        document.get("class") not in _MODULES
        or not isinstance(document.get("config"), dict)
        or not isinstance(document.get("state"), dict)
    ):
        raise ValueError(f"{where} is not a valid model file: bad 'class', 'config' or 'state'")
    return document


def load_model(path: str | os.PathLike[str]) -> Module:
    """Rebuild the module saved at ``path`` (a Neuron, Layer or MLP) with its parameters.

    Raises:
        ValueError: If the file is corrupt or does not describe a valid model
            (the message names the path).
    """
    document = _read_document(path)
    cls = _MODULES[document["class"]]
    try:
        module: Module = cls(**document["config"])
    except (TypeError, ValueError) as error:
        raise ValueError(f"{os.fspath(path)!r} has a bad config: {error}") from error
    try:
        module.load_state_dict(document["state"])
    except ValueError as error:
        raise ValueError(f"{os.fspath(path)!r}: {error}") from error
    return module


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

    def named_parameters(self) -> Iterator[tuple[str, Value]]:
        """Yield ``("w.0", w0), ..., ("w.<n-1>", w_{n-1}), ("b", b)``."""
        for i, w in enumerate(self.w):
            yield f"w.{i}", w
        yield "b", self.b

    def parameters(self) -> list[Value]:
        """``w + [b]``, micrograd's order."""
        return [*self.w, self.b]

    def forward(self, x: Sequence[Value | float]) -> Value:
        """``activation(dot(w, x) + b)`` as one ``dot`` node plus the activation.

        Raises:
            ValueError: If ``x`` does not have ``nin`` entries.
        """
        if len(x) != len(self.w):
            raise ValueError(f"{self!r} expects {len(self.w)} inputs, got {len(x)}")
        return _activate(dot(self.w, x, self.b), self.activation)

    def __call__(self, x: Sequence[Value | float]) -> Value:
        return self.forward(x)

    def _float_layers(self) -> list[_FloatLayer]:
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

    def named_parameters(self) -> Iterator[tuple[str, Value]]:
        """Yield ``("neurons.<i>.w.<j>", w)`` and ``("neurons.<i>.b", b)`` in order."""
        for i, neuron in enumerate(self.neurons):
            for name, p in neuron.named_parameters():
                yield f"neurons.{i}.{name}", p

    def parameters(self) -> list[Value]:
        """Each neuron's weights then its bias, neuron by neuron."""
        return [p for neuron in self.neurons for p in neuron.parameters()]

    def outputs(self, x: Sequence[Value | float]) -> list[Value]:
        """Every neuron's output, always as a list (plain-number inputs lifted once)."""
        xs = _lift(x)
        return [neuron.forward(xs) for neuron in self.neurons]

    def forward(self, x: Sequence[Value | float]) -> Value | list[Value]:
        """The neurons' outputs: one Value if ``nout == 1`` (as micrograd), else a list."""
        out = self.outputs(x)
        return out[0] if len(out) == 1 else out

    def _float_layers(self) -> list[_FloatLayer]:
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

    def named_parameters(self) -> Iterator[tuple[str, Value]]:
        """Yield ``("layers.<l>.neurons.<i>.w.<j>", w)`` etc., layer by layer."""
        for i, layer in enumerate(self.layers):
            for name, p in layer.named_parameters():
                yield f"layers.{i}.{name}", p

    def parameters(self) -> list[Value]:
        """Each neuron's weights then its bias, layer by layer (micrograd's order)."""
        return [p for layer in self.layers for p in layer.parameters()]

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

    def _float_layers(self) -> list[_FloatLayer]:
        return [spec for layer in self.layers for spec in layer._float_layers()]

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


_MODULES: dict[str, type[Any]] = {"Neuron": Neuron, "Layer": Layer, "MLP": MLP}
