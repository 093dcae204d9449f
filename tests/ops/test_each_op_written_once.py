"""Each op is written once, in its table entry: its Value method and its ``math`` function follow.

The docstrings of the generated methods and ``tinygrad_lite.math``
functions are the entries' ``doc``; a new entry gets a method without a line
written anywhere else.
"""

from __future__ import annotations

import math

import pytest

from tinygrad_lite import Value
from tinygrad_lite import math as tlmath
from tinygrad_lite.engine.methods import OPERATORS, install
from tinygrad_lite.ops import BUILTIN_OPS, OPS, UNARY, VARIADIC, Op
from tinygrad_lite.ops.base import register


def test_every_builtin_entry_says_what_it_computes_and_its_derivative() -> None:
    for name in BUILTIN_OPS:
        op = OPS[name]
        assert op.doc, name
        assert "d/d" in op.doc or "derivative" in op.doc.lower() or "gradient" in op.doc, name


@pytest.mark.parametrize(
    "name", sorted(n for n in BUILTIN_OPS if n not in OPERATORS and OPS[n].arity != VARIADIC)
)
def test_every_plain_op_has_a_method(name: str) -> None:
    method = getattr(Value, name)
    written_out = "." in method.__qualname__  # Value.relu, MathMethods.round
    assert written_out or method.__doc__ == OPS[name].doc


@pytest.mark.parametrize("name", ["asin", "atan2", "sinh", "erfc", "fmod", "maximum", "sign"])
def test_math_functions_are_documented_by_their_entry(name: str) -> None:
    assert getattr(tlmath, name).__doc__ == OPS[name].doc


def test_a_new_entry_gets_a_method_with_its_doc() -> None:
    class Scratch(Value):
        __slots__ = ()

    op = register(Op("halve_for_methods_test", "half", UNARY, lambda x: x / 2, lambda x, out: 0.5))
    try:
        op.doc = "``x / 2``. ``d/dx = 1/2``."
        install(Scratch)
        method = Scratch.halve_for_methods_test  # type: ignore[attr-defined]
        assert method.__doc__ == op.doc
        node = method(Value(3.0))
        assert node.data == 1.5 and node.op == "halve_for_methods_test"
        node.backward()
    finally:
        del OPS["halve_for_methods_test"]
    assert not hasattr(Value, "halve_for_methods_test")  # only the class given was changed


def test_a_generated_binary_method_refuses_a_bad_operand_by_name() -> None:
    with pytest.raises(TypeError, match="atan2"):
        Value(1.0).atan2("x")  # type: ignore[arg-type]
    assert math.isclose(Value(1.0).atan2(1.0).data, math.pi / 4)
