"""The playground's Python side: run a learner's code, report its output, send what to draw.

The page runs this module inside Pyodide (in a Web Worker, so the page stays
responsive while Python works); the tests and the benchmark run the very
same code in CPython. Standard library and tinygrad_lite only.

A run executes the code as one module named ``__main__``, with two names
ready in it (as Jupyter offers ``display``):

* ``show(value, ...)`` draws ``value``'s graph and opens it in the explorer;
  a last line that is an expression giving a ``Value`` is shown the same way.
* ``show_training(model, points, labels, losses)`` redraws the decision
  boundary of a 2-D classifier and the loss curve (call it once per epoch).

What to draw leaves through ``emit(kind, json_text)``: ``"graph"`` with
``{"dot", "data"}`` (the explorer's DOT text and page data, see
:func:`tinygrad_lite.viz.explorer.page_data`) and ``"training"``.
"""

from __future__ import annotations

import ast
import json
import linecache
import math
import traceback
from collections.abc import Callable, Iterable, Sequence
from types import TracebackType
from typing import Any

from ..engine import Value
from ..nn import Module

__all__ = ["FILENAME", "Emit", "Session", "run", "run_json"]

FILENAME = "<playground>"
"""The file name of the learner's code in tracebacks; errors are located by it."""

Emit = Callable[[str, str], None]
"""Where drawings go: ``emit(kind, json_text)``."""

GRID = 30
"""Cells per side of the decision-boundary grid that :meth:`Session.show_training` sends."""


def _graph_source(
    value: Value, parameters: Iterable[Value] | None, model: Module | None, title: str | None
) -> tuple[dict[str, str], dict[str, Any]]:
    """The explorer's DOT text per view and its payload: the one place this module calls it."""
    from ..viz.explorer import page_data

    data = page_data(value, parameters=parameters, cluster=model, title=title)
    return data.views, data.payload


def _finite(x: float) -> float | None:
    """JSON has no inf or nan: such a number travels as null."""
    return x if math.isfinite(x) else None


class Session:
    """One run's drawing functions, bound to where their output goes.

    Args:
        emit: Called with ``(kind, json_text)`` for every drawing.

    Attributes:
        shown: How many graphs were drawn.
        last: The Value drawn last, or None.
    """

    def __init__(self, emit: Emit) -> None:
        self.emit = emit
        self.shown = 0
        self.last: Value | None = None

    def show(
        self,
        value: Value,
        *,
        parameters: Iterable[Value] | None = None,
        model: Module | None = None,
        title: str | None = None,
    ) -> None:
        """Draw ``value``'s graph in the explorer (the latest call wins).

        Args:
            value: The output to draw and step through.
            parameters: Values to draw as parameters (green).
            model: A model whose parameters are named and boxed per layer and neuron.
            title: The explorer's heading (default: the output's name).

        Raises:
            TypeError: If ``value`` is not a Value.
        """
        if not isinstance(value, Value):
            raise TypeError(f"show() draws a Value's graph, got {type(value).__name__}: {value!r}")
        views, data = _graph_source(value, parameters, model, title)
        self.shown += 1
        self.last = value
        self.emit("graph", json.dumps({"views": views, "data": data}, allow_nan=False))

    def show_training(
        self,
        model: Module,
        points: Sequence[Sequence[float]],
        labels: Sequence[float],
        losses: Sequence[float],
    ) -> None:
        """Redraw the decision boundary of a 2-D classifier and the loss curve.

        The model's score (its first output, computed on floats by
        ``model.predict_floats``) is taken on a ``GRID`` x ``GRID`` grid
        that covers the points with a margin; the page paints its sign and
        size, the points coloured by the sign of their label, and the losses.

        Args:
            model: A model with two inputs.
            points: The ``(x, y)`` inputs.
            labels: One number per point; its sign is the class.
            losses: The loss of every epoch so far.

        Raises:
            ValueError: If points and labels differ in length or a point is not 2-D.
        """
        if len(points) != len(labels):
            raise ValueError(
                f"show_training needs one label per point, got {len(points)} points "
                f"and {len(labels)} labels"
            )
        if any(len(point) != 2 for point in points):
            raise ValueError("show_training draws 2-D points: every point needs 2 numbers")
        xs = [float(p[0]) for p in points] or [0.0]
        ys = [float(p[1]) for p in points] or [0.0]
        x_margin = 0.1 * (max(xs) - min(xs)) + 0.1
        y_margin = 0.1 * (max(ys) - min(ys)) + 0.1
        x_min, x_max = min(xs) - x_margin, max(xs) + x_margin
        y_min, y_max = min(ys) - y_margin, max(ys) + y_margin
        # Cell centres, row by row from the top (the largest y) as a canvas paints them.
        rows = [
            [
                x_min + (column + 0.5) * (x_max - x_min) / GRID,
                y_max - (row + 0.5) * (y_max - y_min) / GRID,
            ]
            for row in range(GRID)
            for column in range(GRID)
        ]
        scores = [output[0] for output in model.predict_floats(rows)]
        message = {
            "points": [[x, y] for x, y in zip(xs, ys, strict=False)],
            "labels": [1 if label > 0 else -1 for label in labels],
            "grid": {
                "size": GRID,
                "xMin": x_min,
                "xMax": x_max,
                "yMin": y_min,
                "yMax": y_max,
                "scores": [_finite(s) for s in scores],
            },
            "losses": [_finite(float(loss)) for loss in losses],
        }
        self.emit("training", json.dumps(message, allow_nan=False))


def _user_traceback(tb: TracebackType | None) -> TracebackType | None:
    """The traceback from the learner's first frame on (this module's frames cut)."""
    while tb is not None and tb.tb_frame.f_code.co_filename != FILENAME:
        tb = tb.tb_next
    return tb


def _error(error: BaseException) -> dict[str, Any]:
    """What the page shows for an exception: kind, message, line in the code, traceback."""
    kind = type(error).__name__
    if isinstance(error, SyntaxError):
        lines = traceback.format_exception_only(type(error), error)
        return {
            "kind": kind,
            "message": f"{kind}: {error.msg}",
            "line": error.lineno,
            "traceback": "".join(lines),
        }
    tb = _user_traceback(error.__traceback__)
    line = None
    walk = tb
    while walk is not None:
        if walk.tb_frame.f_code.co_filename == FILENAME:
            line = walk.tb_lineno
        walk = walk.tb_next
    text = "".join(traceback.format_exception(type(error), error, tb))
    message = f"{kind}: {error}" if str(error) else kind
    return {"kind": kind, "message": message, "line": line, "traceback": text}


def run(code: str, emit: Emit | Session) -> dict[str, Any]:
    """Run ``code`` as the playground does; drawings go to ``emit``.

    The code runs in a fresh ``__main__`` namespace with ``show`` and
    ``show_training``. When its last statement is an expression, its value
    is the result: a Value is shown (drawn), and anything but None is
    reported by its ``repr``. ``print`` writes to ``sys.stdout`` as usual
    (the page routes it to its output panel).

    Args:
        code: Python source.
        emit: Receives ``(kind, json_text)`` for each drawing; or a
            :class:`Session` to run in (its ``last`` then holds the Value drawn
            last, for a caller that wants the graph itself).

    Returns:
        ``{"error": None or {"kind", "message", "line", "traceback"},
        "result": the repr of the last expression's value or None,
        "shown": how many graphs were drawn}``.
    """
    session = emit if isinstance(emit, Session) else Session(emit)
    namespace: dict[str, Any] = {
        "__name__": "__main__",
        "show": session.show,
        "show_training": session.show_training,
    }
    # Tracebacks then quote the learner's lines, as they would from a file.
    linecache.cache[FILENAME] = (len(code), None, code.splitlines(True), FILENAME)
    result: str | None = None
    try:
        tree = ast.parse(code, FILENAME)
        last: ast.Expression | None = None
        if tree.body and isinstance(final := tree.body[-1], ast.Expr):
            tree.body.pop()
            last = ast.Expression(final.value)
        exec(compile(tree, FILENAME, "exec"), namespace)
        if last is not None:
            value = eval(compile(last, FILENAME, "eval"), namespace)
            if isinstance(value, Value):
                session.show(value)
            if value is not None:
                result = repr(value)
    except (Exception, SystemExit) as error:  # the learner's error: the page shows it
        return {"error": _error(error), "result": None, "shown": session.shown}
    return {"error": None, "result": result, "shown": session.shown}


def run_json(code: str, emit: Emit) -> str:
    """:func:`run`, its answer as JSON text (what the page's worker calls)."""
    return json.dumps(run(code, emit))
