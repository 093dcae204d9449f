"""Pictures of computation graphs, for teaching: drawn with Graphviz, rendered in-process.

Sits above :mod:`tinygrad_lite.engine` (and beside ``nn`` and ``naive``) and
under :mod:`tinygrad_lite.cli`. One module per job:

* :mod:`.drawing`: the drawing model written out as DOT text (colours, font,
  legend), standard library only;
* :mod:`.render`: :class:`Picture`, :func:`render` and :func:`save`: SVG, PNG
  or PDF through ``pygraphviz``, whose wheels bundle Graphviz, so no system
  program is needed (a ``dot`` on PATH is the fallback);
* :mod:`.values`: :func:`draw_graph`, a ``Value`` graph: records
  ``label | data | grad``, op nodes, a colour legend, local derivatives on
  the edges, boxes per Layer and Neuron, a summary past ``max_nodes``;
* :mod:`.ledger`: how each value and gradient was computed, replayed in the
  engine's order (the captions of the steps, the explorer's ledger);
* :mod:`.steps`: :func:`backward_steps`, :func:`save_steps`,
  :func:`save_animation`: the backward pass frame by frame, one layout;
* :mod:`.seed`: figures 1 and 2 of the source document, *Tiny Machine
  Learner* (see README, "Where this comes from"): :func:`draw_naive` and
  :func:`draw_calls`;
* :mod:`.explorer`: :func:`explore`, one self-contained HTML page to step
  through forward and backward (its script and style are package data).

``pygraphviz`` and Pillow are imported inside the functions that need them,
so ``import tinygrad_lite`` needs nothing but the standard library.
"""

from __future__ import annotations

from ..engine import Value
from .drawing import (
    CONSTANT_COLOR,
    FONT,
    HIGHLIGHT_COLOR,
    INPUT_COLOR,
    INTERMEDIATE_COLOR,
    OP_COLOR,
    OUTPUT_COLOR,
    PARAMETER_COLOR,
    REPEAT_COLOR,
    SUMMARY_COLOR,
)
from .explorer import Explorer, explore
from .render import SUFFIXES, DotNotFoundError, Picture, RendererNotFoundError, render, save
from .seed import draw_calls, draw_naive, naive_fib
from .steps import backward_steps, save_animation, save_steps
from .values import draw_graph

__all__ = [
    "CONSTANT_COLOR",
    "FONT",
    "HIGHLIGHT_COLOR",
    "INPUT_COLOR",
    "INTERMEDIATE_COLOR",
    "OP_COLOR",
    "OUTPUT_COLOR",
    "PARAMETER_COLOR",
    "REPEAT_COLOR",
    "SUFFIXES",
    "SUMMARY_COLOR",
    "DotNotFoundError",
    "Explorer",
    "Picture",
    "RendererNotFoundError",
    "backward_steps",
    "draw_calls",
    "draw_graph",
    "draw_naive",
    "explore",
    "naive_fib",
    "render",
    "save",
    "save_animation",
    "save_steps",
    "value_svg",
]


def value_svg(value: Value, max_nodes: int = 300) -> str | None:
    """The SVG picture of ``value``'s graph, for Jupyter (``Value._repr_svg_``).

    Returns None (so Jupyter falls back to the text ``repr``) when no
    renderer is installed.
    """
    return draw_graph(value, max_nodes=max_nodes)._repr_svg_()


# Let notebooks display a Value as its graph; see Value._repr_svg_.
Value._svg_renderer = value_svg
