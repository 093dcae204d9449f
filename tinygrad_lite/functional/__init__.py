"""Function transformations in the style of JAX: grad, value_and_grad, jacobian, hessian, jvp.

Sits on :mod:`tinygrad_lite.engine`. Each transformation takes a plain Python
function of numbers and returns a new function that computes a derivative of
it, as plain floats::

    >>> from tinygrad_lite.functional import grad
    >>> grad(lambda x: x**3)(2.0)  # 3 x**2
    12.0
    >>> grad(grad(lambda x: x**3))(2.0)  # 6 x
    12.0

Arguments and results are *trees*: a real number, or a list or tuple of
trees, nested to any depth (:mod:`.trees`). ``grad(f)([x, y])`` is the
gradient ``[df/dx, df/dy]``; the result always has the shape of the argument
(``argnums`` a tuple gives a tuple).

Reverse mode (:mod:`.reverse`: ``grad``, ``value_and_grad``, ``jacobian``,
``hessian``) runs one backward pass per output; forward mode
(:mod:`.forward`: ``jvp``, ``jacfwd``, and ``hvp`` as forward-over-reverse)
one forward sweep per input, on the same op table. Transformations compose
(``hessian`` is ``jacobian(grad(f))``): inside an outer transformation the
inner one returns Values wired into the outer graph. At the top level,
results are floats.

``jit=True`` (:mod:`.jit`) records ``f``'s graph on the first call of each
shape and replays it compiled on later ones, with the same results.

``f`` must return Values: a plain number for Value inputs cannot depend on
them, and is refused with a ``TypeError`` that names ``tinygrad_lite.math``
(the usual cause is ``math.sin(x)``, which turns ``x`` into a float).
"""

from __future__ import annotations

from .forward import hvp, jacfwd, jvp
from .jit import DataDependentWarning
from .reverse import grad, hessian, jacobian, value_and_grad

__all__ = [
    "DataDependentWarning",
    "grad",
    "hessian",
    "hvp",
    "jacfwd",
    "jacobian",
    "jvp",
    "value_and_grad",
]
