"""The model file format: JSON that is written plainly and read as untrusted input.

Sits at the bottom of :mod:`tinygrad_lite.nn` (it knows no model class). A
model file is JSON written by :meth:`Module.save <tinygrad_lite.nn.Module.save>`,
never a pickle, so loading one can not run code. :func:`read_model_file`
checks the whole document before anything is built or changed, and no check
costs more than a small multiple of the file's own size: at most
``max_bytes`` bytes (:data:`MAX_FILE_BYTES` by default), JSON entries of the
right kinds, no integer too long for a float, and no nan or infinite weight
unless asked (``allow_nonfinite=True``). :mod:`.files` rebuilds the
built-in models from it.
"""

from __future__ import annotations

import json
import math
import os
from typing import Any

__all__ = ["FORMAT", "FORMAT_VERSION", "MAX_FILE_BYTES", "read_model_file"]

FORMAT = "tinygrad_lite.module"
"""The ``"format"`` entry of a saved model file."""

FORMAT_VERSION = 1
"""The ``"version"`` entry of a saved model file (the first ``nn``'s files are version 1 too)."""

MAX_FILE_BYTES = 16 * 2**20
"""The largest model file (bytes) read by default; raise it with ``max_bytes``."""


# NOTE: JSON integers longer than this can not be floats (1.8e308 has 309
# digits); they are kept as a marker, not parsed, so a 100,000-digit number
# costs nothing and its entry can be named.
_MAX_DIGITS = 330


class _HugeNumber:
    """A JSON integer with too many digits for a float."""

    __slots__ = ("digits",)

    def __init__(self, text: str) -> None:
        self.digits = len(text.lstrip("-"))

    def __repr__(self) -> str:
        return f"<a {self.digits}-digit integer>"


def _parse_int(text: str) -> int | _HugeNumber:
    return _HugeNumber(text) if len(text) > _MAX_DIGITS else int(text)


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _number(value: Any) -> float | None:
    """``value`` as a float when it is a JSON number inside the float range, else None."""
    if type(value) is float:
        return value
    if type(value) is int:
        try:
            return float(value)
        except OverflowError:
            return None
    return None


def _read_at_most(path: str | os.PathLike[str], size: int) -> bytes:
    """The file's first ``size`` bytes, read in chunks so memory follows the file, not ``size``."""
    chunks: list[bytes] = []
    with open(path, "rb") as file:
        while size > 0:
            chunk = file.read(min(size, 1 << 16))
            if not chunk:
                break
            chunks.append(chunk)
            size -= len(chunk)
    return b"".join(chunks)


def read_model_file(
    path: str | os.PathLike[str],
    *,
    max_bytes: int | None = None,
    allow_nonfinite: bool = False,
) -> dict[str, Any]:
    """Read and check a model file; its document, with every weight a float.

    Checks the size, the encoding, the JSON, the ``format``/``version``
    header, the types of ``class``, ``config`` and ``state``, and every
    weight. It does not check that the weights fit an architecture (see
    :func:`load_model` and :meth:`Module.load <tinygrad_lite.nn.Module.load>`).

    Raises:
        ValueError: Naming the path and the entry, for any of the above.
        OSError: If the file can not be read.
    """
    where = repr(os.fspath(path))
    limit = MAX_FILE_BYTES if max_bytes is None else max_bytes
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise ValueError(f"max_bytes must be a positive int or None, got {max_bytes!r}")
    if type(allow_nonfinite) is not bool:
        raise ValueError(f"allow_nonfinite must be True or False, got {allow_nonfinite!r}")
    raw = _read_at_most(path, limit + 1)
    if len(raw) > limit:
        raise ValueError(
            f"{where} is larger than max_bytes={limit} bytes; pass a larger max_bytes "
            "to load a bigger model you trust"
        )
    try:
        document = json.loads(raw.decode("utf-8"), parse_int=_parse_int)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError(f"{where} is not a valid model file: {error}") from None
    except RecursionError:
        raise ValueError(f"{where} is not a valid model file: its JSON nests too deeply") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ValueError(f"{where} is not a tinygrad_lite model file (no 'format': {FORMAT!r})")
    missing = [key for key in ("version", "class", "config", "state") if key not in document]
    if missing:
        raise ValueError(f"{where} is not a valid model file: it lacks {', '.join(missing)}")
    version = document.get("version")
    if type(version) is not int or version != FORMAT_VERSION:
        raise ValueError(
            f"{where} has unsupported version {_short(version)}; this library reads "
            f"version {FORMAT_VERSION}"
        )
    name = document.get("class")
    if type(name) is not str or not name:
        raise ValueError(
            f"{where}: entry 'class' must be a class name (a string), got {_short(name)}"
        )
    config = document.get("config")
    if config is not None and not isinstance(config, dict):
        raise ValueError(f"{where}: entry 'config' must be an object or null, got {_short(config)}")
    state = document.get("state")
    if not isinstance(state, dict):
        raise ValueError(f"{where}: entry 'state' must be an object, got {_short(state)}")
    weights: dict[str, float] = {}
    for key, value in state.items():
        number = _number(value)
        if number is None:
            what = _short(value) if not isinstance(value, _HugeNumber) else repr(value)
            raise ValueError(
                f"{where}: 'state' entry {key!r} must be a number inside the float range, "
                f"got {what}"
            )
        if not allow_nonfinite and not math.isfinite(number):
            raise ValueError(
                f"{where}: 'state' entry {key!r} is {number!r}; non-finite weights are "
                "refused unless allow_nonfinite=True"
            )
        weights[key] = number
    return {**document, "state": weights}


# ---------------------------------------------------------------------------
# The built-in classes' configs: checked, counted and named without building.
