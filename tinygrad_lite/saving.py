"""``save`` and ``load``: one pair of functions for every file the library writes.

Sits on :mod:`tinygrad_lite.nn` (model files) and :mod:`tinygrad_lite.viz`
(pictures and explorer pages), under :mod:`tinygrad_lite.cli`; the package
re-exports both at the top level, as torch has ``torch.save`` and
``torch.load``. Each delegates to the function or method that does the work.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from .engine import Value
from .nn import Module, load_model
from .viz import Explorer, Picture
from .viz import save as save_picture

__all__ = ["load", "save"]


def save(thing: Module | Picture | Explorer, path: str | os.PathLike[str], **options: Any) -> Path:
    """Write ``thing`` to ``path``: a model, a picture or an explorer page.

    * a :class:`~tinygrad_lite.nn.Module`: its JSON model file
      (:meth:`Module.save <tinygrad_lite.nn.Module.save>`), which :func:`load` reads back;
    * a picture from :func:`~tinygrad_lite.viz.draw_graph`: SVG, PNG or PDF
      by the suffix (:func:`tinygrad_lite.viz.save`; ``options``: ``scale``
      or ``dpi``);
    * a page from :func:`~tinygrad_lite.viz.explore`: one ``.html`` file.

    Returns:
        The path written.

    Raises:
        TypeError: For anything else (a Value is drawn first: ``draw_graph(v)``).
        ValueError: For a suffix the format does not have, or options it does not take.
    """
    given: Any = thing  # NOTE: typed for the three kinds; the message is for the rest
    if isinstance(given, Picture):
        return save_picture(given, Path(path), **options)
    if isinstance(given, (Module, Explorer)):
        if options:
            raise ValueError(
                f"save() of a {type(given).__name__} takes no options, got {sorted(options)}"
            )
        if isinstance(given, Explorer):
            return given.save(Path(path))
        given.save(path)
        return Path(path)
    hint = ""
    if isinstance(given, Value):
        hint = (
            "; a Value is drawn first: save(draw_graph(v), 'graph.svg'), or "
            "save(explore(v), 'graph.html') for the interactive page"
        )
    raise TypeError(
        "save() writes a model (a Module), a picture (from draw_graph) or an explorer "
        f"page (from explore), got {type(given).__name__}: {given!r}{hint}"
    )


def load(
    path: str | os.PathLike[str], *, max_bytes: int | None = None, allow_nonfinite: bool = False
) -> Module:
    """Rebuild the model saved at ``path``: :func:`tinygrad_lite.nn.load_model`.

    The file is checked as untrusted input before anything is built. A file of
    your own ``Module`` subclass loads into an instance: ``Net().load(path)``.

    Raises:
        ValueError: If the file is not a valid model file (the message names
            the path and the entry).
        OSError: If the file can not be read.
    """
    return load_model(path, max_bytes=max_bytes, allow_nonfinite=allow_nonfinite)
