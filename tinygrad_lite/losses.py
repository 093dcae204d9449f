"""Loss functions on Values: regression, margin, logistic and softmax losses.

Sits on :mod:`tinygrad_lite.engine`, beside :mod:`tinygrad_lite.nn`. Every
loss takes one sample or a batch:

* one sample: a prediction (a Value or a number; for ``cross_entropy`` a
  list of logits) and its target;
* a batch: a list of predictions and a list of targets, reduced by the mean
  ``(l_1 + ... + l_n) * (1/n)``, which is micrograd's reduction and, through
  :func:`~tinygrad_lite.engine.total`, one node for the whole sum.

The numerically delicate ones never overflow, and their graphs never depend
on the data (so a compiled :class:`~tinygrad_lite.graph.Graph` can replay
them for any batch): they are built on the stable n-ary
:func:`~tinygrad_lite.engine.logsumexp` node, which subtracts the largest
input inside the op. A target may be a number or a ``Value`` (a placeholder
that a compiled graph refills for every batch).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

from .engine import Value, dot, logsumexp, total

__all__ = [
    "binary_cross_entropy_with_logits",
    "cross_entropy",
    "hinge",
    "l2_penalty",
    "log_softmax",
    "mse",
    "softmax",
]

Scalar = Value | float


def _as_value(x: Scalar) -> Value:
    return x if isinstance(x, Value) else Value(x)


def _target(x: object) -> Scalar:
    """A target as given: a Value stays a Value (a placeholder), a number becomes a float."""
    return x if isinstance(x, Value) else float(x)  # type: ignore[arg-type]


def _single_target(name: str, target: Scalar | Sequence[Scalar]) -> Scalar:
    if isinstance(target, Sequence):
        raise ValueError(f"{name}: one prediction needs one target, got a list: {target!r}")
    return _target(target)


def _mean(losses: list[Value]) -> Value:
    if not losses:
        raise ValueError("a batch loss needs at least one sample, got an empty batch")
    return total(losses) * (1.0 / len(losses))


def _pairs(
    name: str, predictions: Sequence[Scalar], targets: object
) -> list[tuple[Scalar, Scalar]]:
    if not isinstance(targets, Sequence):
        raise ValueError(f"{name}: a batch of predictions needs a list of targets, got {targets!r}")
    if len(predictions) != len(targets):
        raise ValueError(
            f"{name}: {len(predictions)} predictions but {len(targets)} targets; "
            "they must have the same length"
        )
    return [(p, _target(t)) for p, t in zip(predictions, targets, strict=True)]


def mse(
    prediction: Scalar | Sequence[Scalar],
    target: Scalar | Sequence[Scalar],
) -> Value:
    """Squared error ``(p - t)**2``; for a batch, its mean over the samples.

    Args:
        prediction: One prediction, or a list of them.
        target: The target (a list of them for a batch).

    Raises:
        ValueError: If a batch and its targets differ in length or are empty.
    """
    if isinstance(prediction, Sequence):
        pairs = _pairs("mse", prediction, target)
        return _mean([(_as_value(p) - t) ** 2 for p, t in pairs])
    return (_as_value(prediction) - _single_target("mse", target)) ** 2


def hinge(
    score: Scalar | Sequence[Scalar],
    label: Scalar | Sequence[Scalar],
) -> Value:
    """micrograd's max-margin loss ``relu(1 - y * s)`` for a label ``y`` in {-1, +1}.

    For a batch, the mean over the samples. It is written ``(1 + -y * s).relu()``
    exactly as micrograd's demo, so values match it bit for bit.

    Raises:
        ValueError: If a label is not -1 or +1, or a batch is empty or mismatched.
    """
    if isinstance(score, Sequence):
        pairs = _pairs("hinge", score, label)
        return _mean([_hinge_one(s, y) for s, y in pairs])
    return _hinge_one(score, _single_target("hinge", label))


def _number_of(x: Scalar) -> float:
    """A target's number, read on purpose (a Value placeholder's data; no float() of it)."""
    return x.data if isinstance(x, Value) else float(x)


def _hinge_one(score: Scalar, label: Scalar) -> Value:
    if _number_of(label) not in (-1.0, 1.0):
        raise ValueError(f"hinge labels must be -1 or +1, got {label!r}")
    return (1 + -label * _as_value(score)).relu()


def binary_cross_entropy_with_logits(
    logit: Scalar | Sequence[Scalar],
    target: Scalar | Sequence[Scalar],
) -> Value:
    """Logistic loss on a raw score ``z`` for a target ``y`` in [0, 1].

    ``loss = -y log(sigmoid(z)) - (1 - y) log(1 - sigmoid(z))
    = softplus(z) - z*y``, with ``softplus(z) = log(1 + exp(z))`` computed
    as ``logsumexp([0, z])``, so ``exp`` never overflows: the loss and its
    gradient ``sigmoid(z) - y`` stay finite and exact at ``z = ±1000``, and
    the graph has no branch on the sign of ``z``. For a batch, the mean over
    the samples.

    Raises:
        ValueError: If a target is outside [0, 1], or a batch is empty or mismatched.
    """
    name = "binary_cross_entropy_with_logits"
    if isinstance(logit, Sequence):
        return _mean([_bce_one(z, y) for z, y in _pairs(name, logit, target)])
    return _bce_one(logit, _single_target(name, target))


def _bce_one(logit: Scalar, target: Scalar) -> Value:
    if not 0.0 <= _number_of(target) <= 1.0:
        raise ValueError(
            f"binary_cross_entropy_with_logits targets must be in [0, 1], got {target!r}"
        )
    z = _as_value(logit)
    return logsumexp([0.0, z]) - z * target


def _check_logits(logits: Sequence[Scalar], name: str) -> list[Value]:
    if len(logits) == 0:
        raise ValueError(f"{name} needs at least one logit, got []")
    return [_as_value(z) for z in logits]


def _is_matrix(x: Sequence[object]) -> bool:
    return len(x) > 0 and isinstance(x[0], Sequence)


def _log_softmax_one(logits: Sequence[Scalar]) -> list[Value]:
    zs = _check_logits(logits, "log_softmax")
    # NOTE: logsumexp subtracts the largest logit inside the op, so every
    # exp() is at most 1 and the graph is the same whichever logit is largest.
    log_normalizer = logsumexp(zs)
    return [z - log_normalizer for z in zs]


def _softmax_one(logits: Sequence[Scalar]) -> list[Value]:
    zs = _check_logits(logits, "softmax")
    # NOTE: the shift is a constant taken from the data (softmax is invariant
    # to it): exp(z - m) / sum is exact where exp(z - logsumexp(z)) would lose
    # the last digits at logits of 1000. The losses use logsumexp instead.
    shift = max(z.data for z in zs)
    exps = [(z - shift).exp() for z in zs]
    normalizer = total(exps)
    return [e / normalizer for e in exps]


def softmax(
    logits: Sequence[Scalar] | Sequence[Sequence[Scalar]],
) -> list[Value] | list[list[Value]]:
    """``softmax(z)_i = exp(z_i - m) / sum_j exp(z_j - m)`` with ``m = max(z)``.

    A list of logit lists (a batch) gives one probability list per sample.
    """
    if _is_matrix(logits):
        return [_softmax_one(row) for row in logits]  # type: ignore[arg-type]
    return _softmax_one(logits)  # type: ignore[arg-type]


def log_softmax(
    logits: Sequence[Scalar] | Sequence[Sequence[Scalar]],
) -> list[Value] | list[list[Value]]:
    """``log_softmax(z)_i = z_i - logsumexp(z)``.

    ``logsumexp`` is max-shifted inside the op, so logits of ±1000 give
    finite results. A list of logit
    lists (a batch) gives one list per sample.
    """
    if _is_matrix(logits):
        return [_log_softmax_one(row) for row in logits]  # type: ignore[arg-type]
    return _log_softmax_one(logits)  # type: ignore[arg-type]


_ONE_OUTPUT = (
    "a model with one output fits binary_cross_entropy_with_logits (labels 0/1), "
    "hinge (labels -1/+1) or mse"
)


def _check_probabilities(target: Sequence[object], n_classes: int) -> None:
    """Class probabilities: floats (or Value placeholders), at least 0, summing to 1."""
    if len(target) != n_classes:
        raise ValueError(
            f"cross_entropy: {n_classes} logits need {n_classes} class "
            f"probabilities, got {len(target)}"
        )
    numbers = [p for p in target if not isinstance(p, Value)]  # placeholders are refilled
    if numbers and all(type(p) is int for p in target):
        raise ValueError(
            f"cross_entropy got {n_classes} scores and {n_classes} integer targets {target!r}: "
            "integers are class indices, so this looks like a batch of one-output scores; "
            f"{_ONE_OUTPUT}. A batch for cross_entropy is a list of logit lists, and class "
            "probabilities are floats (as in torch)"
        )
    values = [float(p) for p in numbers]  # type: ignore[arg-type]
    if any(not p >= 0.0 for p in values):
        raise ValueError(
            f"cross_entropy class probabilities must be at least 0, got {target!r}; "
            "for independent yes/no targets use binary_cross_entropy_with_logits per output"
        )
    if len(values) == n_classes and abs(math.fsum(values) - 1.0) > 1e-9:
        raise ValueError(
            f"cross_entropy class probabilities must sum to 1 (within 1e-9), got {target!r} "
            f"(sum {math.fsum(values)!r}); for independent yes/no targets use "
            "binary_cross_entropy_with_logits per output"
        )


def _cross_entropy_one(logits: Sequence[Scalar], target: int | Sequence[Scalar]) -> Value:
    if not isinstance(logits, Sequence):
        raise ValueError(
            f"cross_entropy needs a list of class scores (one logit per class), got one score "
            f"{logits!r}; {_ONE_OUTPUT}"
        )
    if len(logits) == 1:
        raise ValueError(
            f"cross_entropy needs at least 2 class scores, got 1 ({logits!r}): the softmax of "
            f"one score is always 1, so the loss is 0 and nothing is learnt; {_ONE_OUTPUT}"
        )
    if isinstance(target, Sequence):  # class probabilities, as torch accepts
        _check_probabilities(target, len(logits))
        return -dot([_target(p) for p in target], _log_softmax_one(logits))
    if type(target) is not int or not 0 <= target < len(logits):
        raise ValueError(
            f"cross_entropy target_index must be an int in [0, {len(logits)}), got {target!r}"
        )
    zs = _check_logits(logits, "cross_entropy")
    return logsumexp(zs) - zs[target]


def cross_entropy(
    logits: Sequence[Scalar] | Sequence[Sequence[Scalar]],
    target_index: int | Sequence[Scalar] | Sequence[int | Sequence[Scalar]],
) -> Value:
    """``logsumexp(z) - z[target]``: ``-log_softmax(z)[target]``, the true class's NLL.

    The target may also be a list of class probabilities ``p`` (as in
    ``torch.nn.functional.cross_entropy``): the loss is then
    ``-sum_i p_i * log_softmax(z)_i``; a one-hot ``p`` gives the same loss as
    its index, with a graph that does not depend on which class is true.
    Probabilities are floats, at least 0, summing to 1 within 1e-9 (Value
    placeholders are not checked: a compiled graph refills them).

    Args:
        logits: One sample's raw class scores (at least 2), or a list of them
            (a batch).
        target_index: The true class or its probabilities (a list of them for a batch).

    Returns:
        The loss; for a batch, its mean over the samples.

    Raises:
        ValueError: If there are fewer than 2 class scores (one output: the
            message names the losses that fit), a target index is out of
            range, a probability list has the wrong length, a negative entry,
            a sum other than 1 or only integers, or a batch is empty or
            mismatched.
    """
    if isinstance(logits, Value) or not isinstance(logits, Sequence):
        raise ValueError(
            f"cross_entropy needs a list of class scores (one logit per class), got one score "
            f"{logits!r}; {_ONE_OUTPUT}"
        )
    if _is_matrix(logits):
        if not isinstance(target_index, Sequence) or len(target_index) != len(logits):
            got = len(target_index) if isinstance(target_index, Sequence) else target_index
            raise ValueError(
                f"cross_entropy: a batch of {len(logits)} logit lists needs as many "
                f"target indices (or probability lists), got {got!r}"
            )
        return _mean(
            [
                _cross_entropy_one(row, t)  # type: ignore[arg-type]
                for row, t in zip(logits, target_index, strict=True)
            ]
        )
    return _cross_entropy_one(logits, target_index)  # type: ignore[arg-type]


def l2_penalty(params: Iterable[Value]) -> Value:
    """``p_1**2 + ... + p_n**2``: weight decay to add to a loss (times a factor).

    micrograd's demo adds ``1e-4 * l2_penalty(model.parameters())``.
    """
    return total([p * p for p in params])
