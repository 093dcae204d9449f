"""torch-style blocks: ``Linear``, ``Sequential``, ``ReLU``, ``Tanh``, ``Sigmoid``, ``Dropout``.

Sits on :mod:`tinygrad_lite.engine` and :mod:`tinygrad_lite.nn.base`, beside
the package's original layers (:mod:`tinygrad_lite.nn.layers`). The classes
take torch's names and arguments, so ``Sequential(Linear(2, 16), ReLU(),
Linear(16, 2))`` reads as it would in PyTorch; a vector is a list of Values
(or plain numbers on the way in), and every block returns a list for a list.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, overload

from ..engine import Value, dot
from .base import FloatStep, Module
from .layers import _activate, _check_size, _lift, _rng

__all__ = ["Dropout", "Linear", "ReLU", "Sequential", "Sigmoid", "Tanh"]


def _vector(x: Value | Sequence[Value | float], owner: Module) -> list[Value]:
    """A block's input of any length as a list of Values (a single Value is a vector of one)."""
    return [x] if isinstance(x, Value) else _lift(x, owner)


class Linear(Module):
    """An affine map with no activation, ``torch.nn.Linear``: ``y_i = b_i + sum_j W_ij x_j``.

    Each output is one :func:`~tinygrad_lite.engine.dot` node.

    Args:
        in_features: Inputs per sample.
        out_features: Outputs.
        bias: Learn a bias per output (True) or use none.
        seed: An int or a ``random.Random`` for reproducible weights (None: OS
            entropy; the global ``random`` state is never touched).

    Weights and biases start as torch's do: ``U(-k, k)`` with
    ``k = 1 / sqrt(in_features)``.

    Attributes:
        weight: ``out_features`` rows of ``in_features`` leaf Values
            (parameter names ``weight.<i>.<j>``).
        bias: ``out_features`` leaf Values (``bias.<i>``), or None.
    """

    _replayable = True

    def __init__(
        self,
        in_features: int,
        out_features: int,
        bias: bool = True,
        seed: int | random.Random | None = None,
    ) -> None:
        _check_size("in_features", in_features)
        _check_size("out_features", out_features)
        if type(bias) is not bool:
            raise ValueError(f"bias must be True or False, got {bias!r}")
        rng = _rng(seed)
        bound = 1.0 / math.sqrt(in_features)
        self.weight = [
            [Value(rng.uniform(-bound, bound)) for _ in range(in_features)]
            for _ in range(out_features)
        ]
        self.bias: list[Value] | None = (
            [Value(rng.uniform(-bound, bound)) for _ in range(out_features)] if bias else None
        )

    @property
    def in_features(self) -> int:
        """Inputs per sample."""
        return len(self.weight[0])

    @property
    def out_features(self) -> int:
        """Outputs."""
        return len(self.weight)

    def forward(self, x: Value | Sequence[Value | float]) -> list[Value]:
        """``[dot(W_i, x, b_i) for each output i]``, always a list.

        Raises:
            ValueError: If ``x`` does not have ``in_features`` entries.
        """
        xs = _lift(x, self, len(self.weight[0]))
        if self.bias is None:
            return [dot(row, xs) for row in self.weight]
        return [dot(row, xs, b) for row, b in zip(self.weight, self.bias, strict=True)]

    def __call__(self, x: Value | Sequence[Value | float]) -> list[Value]:
        return self.forward(x)

    def _float_steps(self) -> list[FloatStep]:
        rows = [[w.data for w in row] for row in self.weight]
        biases = [0.0] * len(rows) if self.bias is None else [b.data for b in self.bias]
        return [(rows, biases, None)]

    def _config(self) -> dict[str, Any]:
        return {
            "in_features": self.in_features,
            "out_features": self.out_features,
            "bias": self.bias is not None,
        }

    def extra_repr(self) -> str:
        """``in_features=2, out_features=4, bias=True``."""
        return (
            f"in_features={self.in_features}, out_features={self.out_features}, "
            f"bias={self.bias is not None}"
        )


class _Elementwise(Module):
    """An activation applied to each entry: a Value gives a Value, a vector a list."""

    _replayable = True
    _op = ""

    @overload
    def forward(self, x: Value) -> Value: ...

    @overload
    def forward(self, x: Sequence[Value | float]) -> list[Value]: ...

    def forward(self, x: Value | Sequence[Value | float]) -> Value | list[Value]:
        """The activation of ``x``, entry by entry."""
        if isinstance(x, Value):
            return _activate(x, self._op)
        return [_activate(xi, self._op) for xi in _lift(x, self)]

    def __call__(self, x: Any) -> Any:
        return self.forward(x)

    def _float_steps(self) -> list[FloatStep]:
        return [(None, None, self._op)]

    def _config(self) -> dict[str, Any]:
        return {}


class ReLU(_Elementwise):
    """``max(0, x)`` entry by entry, ``torch.nn.ReLU`` (derivative 0 at 0)."""

    _replayable = True
    _op = "relu"


class Tanh(_Elementwise):
    """``tanh(x)`` entry by entry, ``torch.nn.Tanh``."""

    _replayable = True
    _op = "tanh"


class Sigmoid(_Elementwise):
    """``1 / (1 + exp(-x))`` entry by entry, ``torch.nn.Sigmoid``."""

    _replayable = True
    _op = "sigmoid"


class Dropout(Module):
    """Randomly zero entries while training, ``torch.nn.Dropout``.

    In training mode each entry is dropped with probability ``p`` and the
    others are scaled by ``1 / (1 - p)``, so the expected output is the
    input: ``y_i = x_i * m_i / (1 - p)`` with ``m_i ~ Bernoulli(1 - p)``
    (``y_i = 0 * x_i`` for every entry when ``p == 1``). A dropped entry keeps
    its place in the graph with gradient 0. In evaluation mode
    (:meth:`~tinygrad_lite.nn.Module.eval`) the input passes through
    unchanged.

    Args:
        p: The drop probability, in ``[0, 1]``.
        seed: An int or a ``random.Random`` for reproducible masks (None: OS
            entropy; the global ``random`` state is never touched).

    Raises:
        ValueError: If ``p`` is not a number in ``[0, 1]``.
    """

    def __init__(self, p: float = 0.5, seed: int | random.Random | None = None) -> None:
        if isinstance(p, bool) or not isinstance(p, (int, float)) or not 0.0 <= p <= 1.0:
            raise ValueError(f"Dropout p must be a probability in [0, 1], got {p!r}")
        self.p = float(p)
        self.rng = _rng(seed)

    @overload
    def forward(self, x: Value) -> Value: ...

    @overload
    def forward(self, x: Sequence[Value | float]) -> list[Value]: ...

    def forward(self, x: Value | Sequence[Value | float]) -> Value | list[Value]:
        """``x`` with entries dropped (training mode) or unchanged (evaluation mode)."""
        single = isinstance(x, Value)
        xs = _vector(x, self)
        if not self.training or self.p == 0.0:
            return xs[0] if single else xs
        p, draw = self.p, self.rng.random
        scale = 0.0 if p == 1.0 else 1.0 / (1.0 - p)
        out = [xi * (0.0 if draw() < p else scale) for xi in xs]
        return out[0] if single else out

    def __call__(self, x: Any) -> Any:
        return self.forward(x)

    def _replay_safe(self) -> bool | None:
        # NOTE: a recorded graph would freeze one mask for every later step.
        return self.p == 0.0

    def _float_steps(self) -> list[FloatStep] | None:
        return [] if not self.training or self.p == 0.0 else None

    def _config(self) -> dict[str, Any]:
        return {"p": self.p}

    def extra_repr(self) -> str:
        """``p=0.5``."""
        return f"p={self.p}"


class Sequential(Module):
    """Modules applied one after the other, ``torch.nn.Sequential``.

    ``Sequential(Linear(2, 16), ReLU(), Linear(16, 2))`` names its children
    ``"0"``, ``"1"``, ``"2"`` (parameters ``0.weight.0.1``, ...);
    ``Sequential({"hidden": Linear(2, 16), "act": ReLU()})`` uses the given
    names. A stage that returns a single Value hands it on as a vector of one.

    Raises:
        ValueError: If an argument is not a Module, or a name is empty,
            contains a dot or repeats.
    """

    _replayable = True

    def __init__(self, *modules: Module | Mapping[str, Module]) -> None:
        named: list[tuple[Any, Any]]
        if len(modules) == 1 and isinstance(modules[0], Mapping):
            named = list(modules[0].items())
        else:
            named = list(enumerate(modules))
            named = [(str(i), module) for i, module in named]
        for name, module in named:
            self._check(name, module)
        for name, module in named:
            setattr(self, name, module)

    def _check(self, name: Any, module: Any) -> None:
        if not isinstance(module, Module):
            raise ValueError(
                f"Sequential takes Modules, got {type(module).__name__} "
                f"for {name!r}: {module!r:.60}"
            )
        if type(name) is not str or not name or "." in name:
            raise ValueError(
                f"a Sequential stage name must be a non-empty str without '.', got {name!r}"
            )
        if name in getattr(self, "_registered", ()):
            raise ValueError(f"Sequential already has a stage named {name!r}")

    def _stages(self) -> list[Module]:
        return [getattr(self, name) for name in getattr(self, "_registered", ())]

    def append(self, module: Module) -> Sequential:
        """Add ``module`` as the last stage (named by its position); returns self."""
        name = str(len(self))
        self._check(name, module)
        setattr(self, name, module)
        return self

    def __len__(self) -> int:
        return len(getattr(self, "_registered", ()))

    def __iter__(self) -> Iterator[Module]:
        return iter(self._stages())

    @overload
    def __getitem__(self, index: int) -> Module: ...

    @overload
    def __getitem__(self, index: slice) -> Sequential: ...

    def __getitem__(self, index: int | slice) -> Module | Sequential:
        stages = self._stages()
        if isinstance(index, slice):
            names = getattr(self, "_registered", [])[index]
            return Sequential(dict(zip(names, stages[index], strict=True)))
        return stages[index]

    def forward(self, x: Any) -> Any:
        """Each stage applied to the previous stage's output."""
        for stage in self._stages():
            x = stage([x] if isinstance(x, Value) else x)
        return x

    def _float_steps(self) -> list[FloatStep] | None:
        steps: list[FloatStep] = []
        for stage in self._stages():
            more = stage._float_steps()
            if more is None:
                return None
            steps.extend(more)
        return steps

    def _config(self) -> dict[str, Any] | None:
        stages = []
        for name, stage in zip(getattr(self, "_registered", []), self._stages(), strict=True):
            config = stage._config()
            if config is None:
                return None
            stages.append({"name": name, "class": type(stage).__name__, "config": config})
        return {"modules": stages}
