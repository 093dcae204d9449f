"""Model files: rebuilding the built-in models from a checked file (:mod:`.format`).

Sits on :mod:`tinygrad_lite.nn.base`, :mod:`~tinygrad_lite.nn.layers` and
:mod:`~tinygrad_lite.nn.blocks`. A model file is JSON written by
:meth:`Module.save <tinygrad_lite.nn.Module.save>`, never a pickle, so
loading one can not run code. It is treated as untrusted input: the whole
file is checked before anything is built or changed, and no check costs more
than a small multiple of the file's own size.

* The file may hold at most ``max_bytes`` bytes (:data:`MAX_FILE_BYTES`,
  16 MiB, by default: about 350,000 parameters); bigger files are refused
  before they are parsed.
* JSON nested deeper than Python's parser allows, a ``"class"`` that is not a
  string, an integer too long for a float (``10**400``) or any malformed
  entry gives a ``ValueError`` naming the path and the entry.
* The architecture a file declares must match the weights it holds, name
  for name, before :func:`load_model` allocates anything: a short file can
  not make it build a huge model. ``Sequential`` nests at most
  :data:`MAX_NESTING` levels.
* Weights that are nan or infinite are refused unless
  ``allow_nonfinite=True``: such a model predicts nothing useful, and a
  file with ``NaN`` in it is more often broken than meant.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from itertools import islice
from typing import Any

from .base import Module
from .blocks import Dropout, Linear, ReLU, Sequential, Sigmoid, Tanh
from .format import _number, _short, read_model_file
from .layers import ACTIVATIONS, INITS, MLP, Layer, Neuron

__all__ = ["MAX_NESTING", "load_model"]

MAX_NESTING = 32
"""How deep ``Sequential`` configs may nest in a file."""


class _Config:
    """Reads the entries of one config object, naming the bad one."""

    def __init__(self, config: Any, where: str, allowed: tuple[str, ...]) -> None:
        if not isinstance(config, dict):
            raise ValueError(f"{where} must be an object, got {_short(config)}")
        unknown = [key for key in config if key not in allowed]
        if unknown:
            raise ValueError(
                f"{where} has unknown entries {unknown[:5]}; accepted: {', '.join(allowed)}"
            )
        self.config = config
        self.where = where

    def _fail(self, key: str, wanted: str) -> ValueError:
        return ValueError(
            f"{self.where} entry {key!r} must be {wanted}, got {_short(self.config.get(key))}"
        )

    def size(self, key: str, default: int | None = None) -> int:
        value = self.config.get(key, default)
        if type(value) is not int or value < 1:
            raise self._fail(key, "an int >= 1")
        return value

    def choice(self, key: str, choices: tuple[Any, ...], default: Any) -> None:
        value = self.config.get(key, default)
        if not (value is None or type(value) is str) or value not in choices:
            raise self._fail(key, f"one of {', '.join(map(repr, choices))}")

    def flag(self, key: str, default: bool) -> bool:
        value = self.config.get(key, default)
        if type(value) is not bool:
            raise self._fail(key, "true or false")
        return value

    def probability(self, key: str) -> None:
        value = _number(self.config.get(key, 0.5))
        if value is None or not 0.0 <= value <= 1.0:
            raise self._fail(key, "a number in [0, 1]")


def _neuron(config: Any, where: str, depth: int) -> tuple[int, Callable[[], Iterator[str]]]:
    entries = _Config(config, where, ("nin", "activation", "init", "fan_out"))
    nin = entries.size("nin")
    entries.size("fan_out", 1)
    entries.choice("activation", ACTIVATIONS, "relu")
    entries.choice("init", INITS, "uniform")

    def names() -> Iterator[str]:
        for j in range(nin):
            yield f"w.{j}"
        yield "b"

    return nin + 1, names


def _layer(config: Any, where: str, depth: int) -> tuple[int, Callable[[], Iterator[str]]]:
    entries = _Config(config, where, ("nin", "nout", "activation", "init"))
    nin, nout = entries.size("nin"), entries.size("nout")
    entries.choice("activation", ACTIVATIONS, "relu")
    entries.choice("init", INITS, "uniform")

    def names() -> Iterator[str]:
        for i in range(nout):
            for j in range(nin):
                yield f"neurons.{i}.w.{j}"
            yield f"neurons.{i}.b"

    return nout * (nin + 1), names


def _mlp(config: Any, where: str, depth: int) -> tuple[int, Callable[[], Iterator[str]]]:
    entries = _Config(config, where, ("nin", "nouts", "activation", "init"))
    nin = entries.size("nin")
    nouts = config.get("nouts")
    if (
        not isinstance(nouts, list)
        or not nouts
        or not all(type(n) is int and n >= 1 for n in nouts)
    ):
        raise ValueError(
            f"{where} entry 'nouts' must be a non-empty list of ints >= 1, got {_short(nouts)}"
        )
    entries.choice("activation", ACTIVATIONS, "relu")
    entries.choice("init", INITS, "uniform")
    sizes = [nin, *nouts]

    def names() -> Iterator[str]:
        for layer in range(len(nouts)):
            for i in range(sizes[layer + 1]):
                for j in range(sizes[layer]):
                    yield f"layers.{layer}.neurons.{i}.w.{j}"
                yield f"layers.{layer}.neurons.{i}.b"

    return sum((a + 1) * b for a, b in zip(sizes[:-1], nouts, strict=True)), names


def _linear(config: Any, where: str, depth: int) -> tuple[int, Callable[[], Iterator[str]]]:
    entries = _Config(config, where, ("in_features", "out_features", "bias"))
    n_in, n_out = entries.size("in_features"), entries.size("out_features")
    bias = entries.flag("bias", True)

    def names() -> Iterator[str]:
        for i in range(n_out):
            for j in range(n_in):
                yield f"weight.{i}.{j}"
        if bias:
            for i in range(n_out):
                yield f"bias.{i}"

    return n_out * (n_in + bias), names


def _no_parameters(config: Any, where: str, depth: int) -> tuple[int, Callable[[], Iterator[str]]]:
    _Config(config, where, ())
    return 0, lambda: iter(())


def _dropout(config: Any, where: str, depth: int) -> tuple[int, Callable[[], Iterator[str]]]:
    _Config(config, where, ("p",)).probability("p")
    return 0, lambda: iter(())


def _sequential(config: Any, where: str, depth: int) -> tuple[int, Callable[[], Iterator[str]]]:
    if depth >= MAX_NESTING:
        raise ValueError(f"{where}: Sequential nests deeper than {MAX_NESTING} levels")
    _Config(config, where, ("modules",))
    stages = config.get("modules")
    if not isinstance(stages, list):
        raise ValueError(f"{where} entry 'modules' must be a list, got {_short(stages)}")
    count = 0
    parts: list[tuple[str, Callable[[], Iterator[str]]]] = []
    seen: set[str] = set()
    for i, stage in enumerate(stages):
        here = f"{where}.modules[{i}]"
        _Config(stage, here, ("name", "class", "config"))
        name = stage.get("name")
        if type(name) is not str or not name or "." in name or name in seen:
            raise ValueError(
                f"{here} entry 'name' must be a new non-empty string without '.', "
                f"got {_short(name)}"
            )
        seen.add(name)
        stage_count, stage_names = _declared(
            stage.get("class"), stage.get("config"), here, depth + 1
        )
        count += stage_count
        parts.append((name, stage_names))

    def names() -> Iterator[str]:
        for name, stage_names in parts:
            for inner in stage_names():
                yield f"{name}.{inner}"

    return count, names


_Declare = Callable[[Any, str, int], tuple[int, Callable[[], Iterator[str]]]]

_BUILTINS: dict[str, tuple[type[Module], _Declare]] = {
    "Neuron": (Neuron, _neuron),
    "Layer": (Layer, _layer),
    "MLP": (MLP, _mlp),
    "Linear": (Linear, _linear),
    "ReLU": (ReLU, _no_parameters),
    "Tanh": (Tanh, _no_parameters),
    "Sigmoid": (Sigmoid, _no_parameters),
    "Dropout": (Dropout, _dropout),
    "Sequential": (Sequential, _sequential),
}


def _declared(
    name: Any, config: Any, where: str, depth: int
) -> tuple[int, Callable[[], Iterator[str]]]:
    """The parameter count and a generator of the parameter names a config declares."""
    if type(name) is not str or name not in _BUILTINS:
        raise ValueError(
            f"{where}: class {_short(name)} is not one load_model can build "
            f"({', '.join(_BUILTINS)})"
        )
    return _BUILTINS[name][1](config, f"{where} config", depth)


def _build(name: str, config: Mapping[str, Any]) -> Module:
    """The module a checked config describes (its weights are overwritten next)."""
    if name == "Sequential":
        return Sequential({s["name"]: _build(s["class"], s["config"]) for s in config["modules"]})
    return _BUILTINS[name][0](**config)


def load_model(
    path: str | os.PathLike[str],
    *,
    max_bytes: int | None = None,
    allow_nonfinite: bool = False,
) -> Module:
    """Rebuild the model saved at ``path`` with its parameters.

    Works for the built-in classes (``Neuron``, ``Layer``, ``MLP``,
    ``Linear``, ``ReLU``, ``Tanh``, ``Sigmoid``, ``Dropout`` and
    ``Sequential`` of those), whose files hold their constructor arguments.
    A file of your own ``Module`` subclass is loaded into an instance:
    ``Net().load(path)``.

    Everything is checked before anything is built: the size cap, the JSON,
    every weight, the config's types, and that the config declares exactly
    the weights present (see the module docstring).

    Args:
        path: The model file.
        max_bytes: Refuse bigger files (None: :data:`MAX_FILE_BYTES`).
        allow_nonfinite: Accept nan and infinite weights.

    Raises:
        ValueError: If the file is corrupt, too big, or does not describe a
            valid model (the message names the path and the entry).
        OSError: If the file can not be read.
    """
    document = read_model_file(path, max_bytes=max_bytes, allow_nonfinite=allow_nonfinite)
    where = repr(os.fspath(path))
    name, config, state = document["class"], document["config"], document["state"]
    if name in _BUILTINS and config is None:
        raise ValueError(f"{where}: entry 'config' is null; a {name} file needs its config")
    if name not in _BUILTINS:
        raise ValueError(
            f"{where} holds a {name!r}, which load_model can not rebuild "
            f"(it builds {', '.join(_BUILTINS)}); make a {name} and call its .load(path)"
        )
    count, names = _declared(name, config, where, 0)
    if count != len(state):
        raise ValueError(
            f"{where}: its config declares {count} parameters, but 'state' holds {len(state)}"
        )
    declared = set(islice(names(), count))
    if declared != set(state):
        missing = sorted(declared - set(state))[:5]
        extra = sorted(set(state) - declared)[:5]
        raise ValueError(
            f"{where}: 'state' does not match the config: missing {missing}, unexpected {extra}"
        )
    try:
        module = _build(name, config)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{where} has a bad config: {error}") from error
    module.load_state_dict(state)
    return module
