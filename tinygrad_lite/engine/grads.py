"""Derivatives without touching ``.grad``: :func:`gradients`, as ``torch.autograd.grad``.

Sits on :mod:`.value` and :mod:`.backward`: it saves every ``.grad`` it could
disturb, runs backward once per output under the graph lock, reads the
inputs' gradients and puts everything back.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .backward import GRAPH_LOCK, topological_order
from .value import Value

__all__ = ["gradients"]


def gradients(
    outputs: Value | Sequence[Value],
    inputs: Value | Sequence[Value],
    grad_outputs: float | Value | Sequence[float | Value] | None = None,
    create_graph: bool = False,
    allow_unused: bool = False,
    materialize_grads: bool = False,
) -> tuple[Any, ...]:
    """``sum_k seed_k * d outputs[k] / d inputs[i]`` for every input (``torch.autograd.grad``).

    Unlike :meth:`Value.backward` it returns the derivatives and leaves every
    ``.grad`` in the graph exactly as it was. An input may be a leaf or an
    intermediate node.

    Args:
        outputs: A Value, or a sequence of them, to differentiate.
        inputs: A Value, or a sequence of them, to differentiate with respect to.
        grad_outputs: The seed of each output (1.0 when None).
        create_graph: Return Values with a graph of their own, so the
            derivatives can be differentiated again (a Hessian, say).
        allow_unused: An input that no output depends on gives None instead
            of raising (0.0 with ``materialize_grads``).
        materialize_grads: Give 0.0 rather than None for unused inputs.

    Returns:
        One derivative per input, in order, as a tuple.

    Raises:
        TypeError: If an output or input is not a Value.
        ValueError: If ``grad_outputs`` has the wrong length, or an input is
            unused and ``allow_unused`` is false (the message names it).
    """
    output_list = _value_list("outputs", outputs)
    input_list = _value_list("inputs", inputs)
    if grad_outputs is None:
        seeds: list[Any] = [1.0] * len(output_list)
    elif isinstance(grad_outputs, Sequence):
        seeds = list(grad_outputs)
    else:
        seeds = [grad_outputs]
    if len(seeds) != len(output_list):
        raise ValueError(
            f"gradients(): {len(seeds)} grad_outputs for {len(output_list)} outputs; "
            "give one seed per output"
        )
    with GRAPH_LOCK:
        reached: set[Value] = set()
        for output in output_list:
            reached.update(topological_order(output))
        for i, node in enumerate(input_list):
            if node not in reached and not (allow_unused or materialize_grads):
                raise ValueError(
                    f"gradients(): inputs[{i}] ({node!r}) is not used by any output; "
                    "pass allow_unused=True to get None for it"
                )
        touched = list(reached)
        saved = [node.grad for node in touched]
        results: list[Any] = [0.0] * len(input_list)
        try:
            for output, seed in zip(output_list, seeds, strict=True):
                for node in input_list:
                    node.grad = 0.0
                output.backward(seed, create_graph=create_graph)
                for i, node in enumerate(input_list):
                    if node in reached:
                        results[i] = _add_gradient(results[i], node.grad)
        finally:
            for node, old in zip(touched, saved, strict=True):
                node.grad = old
    if not materialize_grads:
        for i, node in enumerate(input_list):
            if node not in reached:
                results[i] = None
    return tuple(results)


def _add_gradient(total_so_far: Any, gradient: Any) -> Any:
    if type(total_so_far) is float and total_so_far == 0.0:
        return gradient
    return total_so_far + gradient


def _value_list(name: str, values: Value | Sequence[Value]) -> list[Value]:
    items = [values] if isinstance(values, Value) else list(values)
    for i, item in enumerate(items):
        if type(item) is not Value:
            raise TypeError(
                f"gradients(): {name}[{i}] must be a Value, got {type(item).__name__}: {item!r}"
            )
    if not items:
        raise ValueError(f"gradients(): {name} is empty; give at least one Value")
    return items
