"""The backward pass frame by frame: :func:`backward_steps`, and saving the frames.

Sits on :mod:`.values` (the pictures), :mod:`.ledger` (the replayed pass
and its captions) and :mod:`.render`. Every frame shares one layout, laid out
once, so nothing moves between frames; :func:`save_animation` turns the
frames into an animated GIF with Pillow (in the ``viz`` extra).
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from pathlib import Path

from ..engine import Value
from ..extras import install_hint
from .drawing import Drawing
from .ledger import trace
from .render import Picture, save
from .values import build

__all__ = ["backward_steps", "save_animation", "save_steps"]


def _shared_layout(frames: list[Drawing]) -> str:
    """DOT text with, per node, the widest label any frame gives it, and the longest caption.

    Laid out once, it leaves room for every frame's text, so all frames can
    reuse its positions.
    """
    reference = Drawing(frames[0].rankdir, legend=frames[0].legend)
    reference.edges = frames[0].edges
    reference.cluster_labels = frames[0].cluster_labels
    for position, (name, attrs, cluster) in enumerate(frames[0].nodes):
        labels = [frame.nodes[position][1].get("label", "") for frame in frames]
        widest = max(labels, key=len)
        reference.node(name, dict(attrs, label=widest), cluster)
    reference.caption = [max((" ".join(f.caption) for f in frames), key=len)]
    return reference.to_source("layout")


def backward_steps(
    root: Value,
    *,
    rankdir: str = "LR",
    show_local_grad: bool = True,
    max_nodes: int = 300,
    expand: bool = False,
    parameters: Iterable[Value] | None = None,
    max_frames: int = 200,
) -> list[Picture]:
    """Pictures of the backward pass: one frame per gradient that arrives.

    Frame 0 seeds ``d root/d root = 1``. Then the engine's own order
    (reversed ``topological_order(root, leaves=False)``) is replayed on
    floats; every time a node passes its gradient to one input, a frame
    shows it (the two nodes outlined in red), captioned by the ledger line::

        w1.grad += 0.5 × 2 = 1        (input.grad += node.grad × d node / d input)

    Values not reached yet show ``grad ?``. All frames share one layout,
    computed once, so nothing moves from frame to frame. The graph's own
    ``.grad`` fields are not touched; leaves start from 0, as after
    ``zero_grad``.

    Args:
        root: The output value.
        rankdir: Graphviz layout direction.
        show_local_grad: Write the local derivative on each edge.
        max_nodes: As in :func:`~tinygrad_lite.viz.draw_graph`.
        expand: As in :func:`~tinygrad_lite.viz.draw_graph`.
        parameters: Values to draw as parameters.
        max_frames: Refuse graphs whose backward pass needs more frames
            (each frame is a whole picture).

    Returns:
        ``1 +`` (number of contributions) pictures; :func:`save_steps` and
        :func:`save_animation` write them.

    Raises:
        ValueError: When the pass needs more than ``max_frames`` frames.
    """
    if not isinstance(root, Value):
        raise TypeError(f"backward_steps() needs a Value, got {type(root).__name__}: {root!r}")
    replay = trace(root)
    count = 1 + sum(len(contributions) for _, contributions in replay.backward)
    if count > max_frames:
        raise ValueError(
            f"the backward pass of this graph needs {count} frames, more than the limit "
            f"of {max_frames} (one per gradient that arrives); step a smaller graph"
        )
    nodes = replay.order
    common = {
        "rankdir": rankdir,
        "show_grad": True,
        "show_local_grad": show_local_grad,
        "max_nodes": max_nodes,
        "expand": expand,
        "parameters": list(parameters) if parameters is not None else None,
    }
    name = replay.name(root)
    known: dict[Value, float] = {root: 1.0}
    frames = [
        build(
            root,
            highlight=[root],
            grads=dict(known),
            caption=f"step 0: {name}.grad = 1, the seed (d {name} / d {name})",
            **common,  # type: ignore[arg-type]
        )
    ]
    for _, contributions in replay.backward[1:]:
        for contribution in contributions:
            target = nodes[contribution.target]
            known[target] = contribution.total
            frames.append(
                build(
                    root,
                    highlight=[nodes[contribution.source], target],
                    grads=dict(known),
                    caption=f"step {len(frames)}: {replay.step_line(contribution)}",
                    **common,  # type: ignore[arg-type]
                )
            )
    layout = _shared_layout(frames)
    return [
        Picture(frame.to_source(f"step{i}"), f"step{i}", layout=layout)
        for i, frame in enumerate(frames)
    ]


def save_steps(graphs: Sequence[Picture], directory: str | Path, suffix: str = "svg") -> list[Path]:
    """Write the pictures of :func:`backward_steps` as ``step_00.svg``, ``step_01.svg``, ...

    Args:
        graphs: The pictures, in order.
        directory: Created when missing.
        suffix: ``svg``, ``png`` or ``pdf``.

    Returns:
        The paths written, in order.
    """
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    width = max(2, len(str(len(graphs) - 1)))
    return [
        save(graph, folder / f"step_{i:0{width}d}.{suffix.lstrip('.')}")
        for i, graph in enumerate(graphs)
    ]


def save_animation(
    graphs: Sequence[Picture],
    path: str | Path,
    seconds_per_frame: float = 1.0,
    *,
    dpi: float | None = None,
) -> Path:
    """Write the pictures of :func:`backward_steps` as one animated GIF.

    Frames are rendered to PNG and placed on a white canvas of the largest
    frame's size (frames of :func:`backward_steps` share one layout, so they
    are the same size anyway).

    Args:
        graphs: The pictures, in order (at least one).
        path: Where to write; its suffix must be ``.gif``.
        seconds_per_frame: How long each frame shows.
        dpi: Resolution of the frames (Graphviz's default: 96).

    Returns:
        The path written.

    Raises:
        ValueError: For no frames, another suffix or a non-positive duration.
        ImportError: When Pillow is missing (it comes with the ``viz`` extra).
    """
    target = Path(path)
    if target.suffix.lower() != ".gif":
        raise ValueError(f"save_animation writes .gif files, got {str(path)!r}")
    if not graphs:
        raise ValueError("save_animation needs at least one picture, got none")
    if not seconds_per_frame > 0:
        raise ValueError(f"seconds_per_frame must be > 0, got {seconds_per_frame!r}")
    try:
        from PIL import Image
    except ImportError as error:
        raise ImportError(f"animated GIFs need Pillow: {install_hint('viz')}") from error
    frames = [Image.open(io.BytesIO(graph.pipe("png", dpi=dpi))).convert("RGB") for graph in graphs]
    width = max(frame.width for frame in frames)
    height = max(frame.height for frame in frames)
    canvases = []
    for frame in frames:
        canvas = Image.new("RGB", (width, height), "white")
        canvas.paste(frame, (0, 0))
        canvases.append(canvas)
    target.parent.mkdir(parents=True, exist_ok=True)
    canvases[0].save(
        target,
        save_all=True,
        append_images=canvases[1:],
        duration=round(seconds_per_frame * 1000),
        loop=0,
    )
    return target
