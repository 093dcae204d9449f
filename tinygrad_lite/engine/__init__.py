"""The ``Value`` engine: scalar nodes that record a graph, and reverse-mode backward.

Sits on :mod:`tinygrad_lite.ops` (the op table) and under everything else.
A :class:`Value` holds one float. Arithmetic on Values returns new Values
that remember the op and their parents, so the expression becomes a graph;
:meth:`Value.backward` walks that graph once, from the output back to the
leaves, and applies the chain rule::

    d out / d parent += (d out / d node) * (d node / d parent)

The local factor ``d node / d parent`` comes from the op table, which is the
only place an op's derivative is written.

The package, one job per module:

* :mod:`.value`: the node, the one place nodes are born, its operators;
  :mod:`.protocols`: Python's number protocol; :mod:`.methods`: one method
  per op, generated from the table; :mod:`.apply`: ``apply_op``;
  :mod:`.nary`: ``total``, ``dot``, ``logsumexp``;
* :mod:`.backward`: the topological sort and the reference chain rule, under
  one lock; :mod:`.higher_order`: the chain rule on Values
  (``create_graph``); :mod:`.grads`: ``gradients()``, as
  ``torch.autograd.grad``; :mod:`.persist`: copying and pickling;
* :mod:`.modes`: ``no_grad`` and ``detect_anomaly``; :mod:`.checks`: reads
  of a Value's number, and anomalies; :mod:`.coerce`: which numbers are
  accepted.

Design notes (why it is fast):

* A node is one object with ``__slots__``: no closure, no ``set`` or ``list``
  of children. Parents sit in two slots (``_a``, ``_b``); only n-ary ops
  (:func:`total`, :func:`dot`) keep a tuple. Graphs hold no reference cycles,
  so reference counting frees them the moment the output is dropped.
* The topological sort is iterative and marks nodes in a slot instead of
  filling a ``set``: no recursion limit, no hashing.
* By default the chain rule runs one generated kernel per node
  (:mod:`tinygrad_lite.codegen`), made from the op's own rule and
  bit-identical to the reference loop; n-ary forwards (``dot``, ``total``)
  are straight-line code made the same way.
* Ops check one module-level list to learn that no thread is in a special
  mode (:mod:`.modes`); the thread-local state is read only
  when some thread is.
* ``backward`` holds one lock, so threads that share leaves or intermediate
  nodes lose no gradient and never disturb each other's sort marks.
"""

from __future__ import annotations

from .apply import apply_op
from .backward import GRAPH_LOCK, topological_order
from .checks import GradientLostWarning
from .grads import gradients
from .modes import detect_anomaly, is_grad_enabled, no_grad
from .nary import dot, logsumexp, total

# NOTE: pickles written while the engine was one module (tinygrad_lite/engine.py)
# name these two functions here; they must keep loading (tests/engine/test_persist.py).
from .persist import restore_graph as _restore_graph  # noqa: F401
from .persist import restore_leaf as _restore_leaf  # noqa: F401
from .value import Value

__all__ = [
    "GRAPH_LOCK",
    "GradientLostWarning",
    "Value",
    "apply_op",
    "detect_anomaly",
    "dot",
    "gradients",
    "is_grad_enabled",
    "logsumexp",
    "no_grad",
    "topological_order",
    "total",
]
