"""tinygrad_lite.custom_op: a user's op is an entry of the op table and works everywhere.

The op-table loops of ``test_ops.py``, ``test_higher_order.py`` and the random
expression graphs of ``test_graph.py`` (compiled and interpreted replay, bit
for bit) already run the three user ops of ``strategies.py`` (``softplus``,
``logaddexp``, ``lerp``) like the built-ins; this file checks the rest of
the promise: registration, errors, pickling, the drawer, the functional API.
"""

from __future__ import annotations

import math
import pickle
import struct
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import OP_INPUTS, USER_OPS, apply_float, apply_value, lerp, logaddexp, softplus

import tinygrad_lite
from tinygrad_lite import (
    CustomOp,
    Graph,
    Value,
    custom_op,
    grad,
    gradcheck,
    hessian,
    jacfwd,
    jvp,
    topological_order,
)
from tinygrad_lite import math as tlmath
from tinygrad_lite.ops import OPS
from tinygrad_lite.testing import GradientMismatchError, check_op


@pytest.fixture
def scratch() -> Iterator[list[CustomOp]]:
    """Ops registered by a test, unregistered afterwards (the table is global)."""
    made: list[CustomOp] = []
    yield made
    for op in made:
        op.unregister()


def sigmoid(x: Any) -> Any:
    return 1.0 / (1.0 + tlmath.exp(-x))


# ---------------------------------------------------------------------------
# Registration.


def test_a_custom_op_is_an_entry_of_the_op_table() -> None:
    assert isinstance(softplus, CustomOp)
    for name in USER_OPS:
        assert OPS[name].name == name
    assert (softplus.arity, logaddexp.arity, lerp.arity) == (1, 2, 3)
    assert softplus.symbol == "softplus" and logaddexp.symbol == "logaddexp"


def test_numbers_give_a_float_values_give_a_node() -> None:
    assert type(softplus(0.5)) is float
    assert softplus(0.5) == math.log1p(math.exp(0.5))
    x = Value(0.5)
    node = softplus(x)
    assert type(node) is Value and node.op == "softplus" and node.parents == (x,)
    assert node.data == softplus(0.5)
    assert x.softplus().data == node.data  # also a Value method, as every op
    mixed = logaddexp(2.0, x)
    assert mixed.operands == (2.0, x) and mixed.data == logaddexp(2.0, 0.5)
    three = lerp(x, 2.0, Value(0.25))
    assert three.op == "lerp" and three.data == 0.5 + 0.25 * 1.5
    assert x.lerp(2.0, 0.25).data == three.data


def test_the_decorator_form(scratch: list[CustomOp]) -> None:
    @custom_op("cube_test", local_grads=lambda x, out: 3.0 * x * x, symbol="³")
    def cube(x: float) -> float:
        """x cubed."""
        return x * x * x

    scratch.append(cube)
    assert isinstance(cube, CustomOp) and cube.__doc__ == "x cubed."
    assert cube.symbol == "³" and cube(2.0) == 8.0
    x = Value(2.0)
    cube(x).backward()
    assert x.grad == 12.0


def test_eager_and_create_graph_derivatives(scratch: list[CustomOp]) -> None:
    x = Value(0.3)
    y = softplus(x) * x
    y.backward()
    s = 1 / (1 + math.exp(-0.3))
    assert math.isclose(x.grad, s * 0.3 + math.log1p(math.exp(0.3)), rel_tol=1e-15)
    # local_grads written with tinygrad_lite.math run on Values: second derivatives
    x = Value(0.3)
    softplus(x).backward(create_graph=True)
    first = x.grad
    assert type(first) is Value
    x.grad = 0.0
    first.backward()
    assert math.isclose(x.grad, s * (1 - s), rel_tol=1e-12)  # sigmoid'


def test_the_functional_api_forward_and_reverse() -> None:
    s = 1 / (1 + math.exp(-0.7))
    assert math.isclose(grad(softplus)(0.7), s, rel_tol=1e-15)
    assert math.isclose(hessian(softplus)(0.7), s * (1 - s), rel_tol=1e-12)
    value, tangent = jvp(logaddexp, (0.5, -1.0), (1.0, 2.0))
    weights = [math.exp(0.5 - value), math.exp(-1.0 - value)]
    assert math.isclose(tangent, weights[0] + 2.0 * weights[1], rel_tol=1e-14)
    assert jacfwd(lambda p: [lerp(p[0], p[1], p[2])])([1.0, 3.0, 0.25]) == [[0.75, 0.25, 2.0]]


@pytest.mark.parametrize("name", USER_OPS)
def test_check_op_passes_on_the_user_ops(name: str) -> None:
    """First and second order against central differences, by the op and by its name."""
    op = {"softplus": softplus, "logaddexp": logaddexp, "lerp": lerp}[name]
    assert check_op(op, inputs=OP_INPUTS[name]).examples >= settings().max_examples
    assert check_op(name, max_examples=10)  # a custom op's default domain: [-10, 10] each


def _bits(x: float) -> bytes:
    return b"nan" if math.isnan(x) else struct.pack("<d", x)


@pytest.mark.parametrize("compiled", [True, False], ids=["compiled", "interpreted"])
@pytest.mark.parametrize("name", USER_OPS)
@given(data=st.data())
def test_replay_equals_eager_to_the_last_bit(
    compiled: bool, name: str, data: st.DataObject
) -> None:
    first = data.draw(OP_INPUTS[name])
    second = data.draw(OP_INPUTS[name])

    def build(leaves: list[Value]) -> Value:
        inner = apply_value(name, leaves)
        return apply_value(name, [inner * 0.5, *leaves[1:]]) + inner * leaves[0]

    leaves = [Value(x) for x in first]
    out = build(leaves)
    graph = Graph(out, leaves, compiled=compiled)
    replayed = graph.forward(list(second))
    graph.backward()
    fresh = [Value(x) for x in second]
    eager = build(fresh)
    eager.backward()
    assert _bits(replayed) == _bits(eager.data)
    assert [_bits(leaf.grad) for leaf in leaves] == [_bits(leaf.grad) for leaf in fresh]


def test_the_drawer_shows_the_symbol_and_the_local_derivative(scratch: list[CustomOp]) -> None:
    op = custom_op("twice_test", lambda x: 2.0 * x, lambda x, out: 2.0, symbol="2·")
    scratch.append(op)
    x = Value(1.5, "x")
    y = op(x).softplus()
    y.backward()
    source = tinygrad_lite.draw_graph(y, show_local_grad=True).source
    assert "2·" in source and "softplus" in source
    assert "∂=2" in source  # twice_test's local derivative on its edge
    assert f"∂={1 / (1 + math.exp(-3.0)):.4g}" in source


def test_the_explorer_steps_through_a_custom_op_like_any_op(scratch: list[CustomOp]) -> None:
    import json
    import re

    viz = pytest.importorskip("tinygrad_lite.viz")
    from tinygrad_lite.viz.ledger import trace

    op = custom_op("halve_test", lambda x: 0.5 * x, lambda x, out: 0.5, symbol="½")
    scratch.append(op)
    x = Value(3.0, "x")
    y = lerp(op(x), softplus(x), 0.25)
    y.label = "y"
    page = viz.explore(y).html
    found = re.search(r'<script type="application/json" id="tl-data">(.*?)</script>', page)
    assert found is not None
    data = json.loads(found.group(1))
    program = " ".join(line["text"] for line in data["program"]["forward"])
    # the compiled replay's calls, without its helper prefix (F_halve_test)
    assert "halve_test(v" in program and "lerp([" in program and "F_" not in program
    y.backward()
    grads: dict[int, float] = {}
    for step in data["steps"]:
        for target, value, _text in step.get("grad", []):
            grads[target] = value
    order = topological_order(y)
    assert grads[order.index(x)] == x.grad  # bit for bit, through both user ops
    replay = trace(y)  # the ledger beside the graph writes the op with its symbol
    assert replay.forward_line(y).startswith("y = lerp(½(x), softplus(x), 0.25) = ")
    assert "∂(½(x))/∂x" in replay.gradient_line(x)


def test_a_wrong_derivative_is_caught_by_gradcheck_and_check_op(scratch: list[CustomOp]) -> None:
    wrong = custom_op("bad_softplus", softplus.op.forward, lambda x, out: sigmoid(-x))
    scratch.append(wrong)
    report = gradcheck(lambda x: wrong(x), [0.8])
    assert not report
    assert "FAIL" in str(report) and "dy/dx0" in str(report)
    with pytest.raises(GradientMismatchError, match="dy/dx0") as caught:
        check_op(wrong)
    (x,) = caught.value.point  # sigmoid(-x) = sigmoid(x) only at 0: any other point fails
    assert x != 0.0 and not caught.value.report


# ---------------------------------------------------------------------------
# Pickling, by name.


def test_graphs_and_the_op_itself_pickle_by_name() -> None:
    x = Value(0.4, "x")
    y = lerp(softplus(x), logaddexp(x, 1.0), 0.3)
    twin = pickle.loads(pickle.dumps(y))
    assert twin.data == y.data and twin.op == "lerp" and twin.op_def is OPS["lerp"]
    twin.backward()
    y.backward()
    (twin_x,) = [n for n in topological_order(twin) if n.label == "x"]
    assert twin_x.grad == x.grad
    assert pickle.loads(pickle.dumps(softplus)) is softplus


def test_unpickling_without_the_op_registered_is_a_clear_error(scratch: list[CustomOp]) -> None:
    op = custom_op("gone_test", lambda x: x + 1.0, lambda x, out: 1.0)
    payload = pickle.dumps(op(Value(1.0)))
    function = pickle.dumps(op)
    op.unregister()
    assert "gone_test" not in OPS and not hasattr(Value, "gone_test")
    with pytest.raises(LookupError, match=r"no op named 'gone_test'.*custom_op"):
        pickle.loads(payload)
    with pytest.raises(LookupError, match="no custom op named 'gone_test'"):
        pickle.loads(function)


def test_pickling_across_processes(tmp_path: Path) -> None:
    module = tmp_path / "my_ops.py"
    module.write_text(
        textwrap.dedent(
            """
            from tinygrad_lite import custom_op, math

            square_plus = custom_op("square_plus", lambda x: x * x + 1.0, lambda x, out: 2.0 * x)
            """
        )
    )
    dump = textwrap.dedent(
        """
        import pickle, sys
        from tinygrad_lite import Value
        from my_ops import square_plus
        sys.stdout.buffer.write(pickle.dumps(square_plus(Value(3.0)) * 2.0))
        """
    )
    root = Path(__file__).resolve().parent.parent
    env = {"PYTHONPATH": f"{tmp_path}:{root}", "PATH": "/usr/bin:/bin"}
    payload = subprocess.run(
        [sys.executable, "-c", dump], capture_output=True, check=True, env=env
    ).stdout
    load = "import pickle, sys{}; y = pickle.loads(sys.stdin.buffer.read()); y.backward(); " + (
        "print(y.data, y.parents[0].parents[0].grad)"
    )
    with_op = subprocess.run(
        [sys.executable, "-c", load.format("; import my_ops")],
        input=payload,
        capture_output=True,
        env=env,
    )
    assert with_op.returncode == 0, with_op.stderr
    assert with_op.stdout.split() == [b"20.0", b"12.0"]
    without = subprocess.run(
        [sys.executable, "-c", load.format("")], input=payload, capture_output=True, env=env
    )
    assert without.returncode != 0
    assert b"no op named 'square_plus' is registered" in without.stderr


# ---------------------------------------------------------------------------
# Clear errors, at registration or at first use.


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("exp", "built-in op"),
        ("softplus", "already registered"),
        ("data", "attribute of Value"),
        ("backward", "attribute of Value"),
        ("my op", "identifier"),
        ("class", "identifier"),
        ("", "identifier"),
        (3, "identifier"),
    ],
)
def test_bad_names_are_refused(name: Any, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        custom_op(name, lambda x: x, lambda x, out: 1.0)


@pytest.mark.parametrize(
    ("forward", "local_grads", "problem"),
    [
        (3.0, lambda x, out: 1.0, "forward must be callable"),
        (lambda x: x, "1", "local_grads must be callable"),
        (lambda *xs: xs[0], lambda x, out: 1.0, r"takes \*xs"),
        (lambda: 1.0, lambda out: 1.0, "at least one argument"),
        (lambda x, *, scale: x, lambda x, out: 1.0, "keyword-only parameter 'scale'"),
        (lambda x: x, lambda x: 1.0, r"local_grads must take \(x, out\)"),
        (lambda a, b: a, lambda a, out: (1.0, 0.0), r"local_grads must take \(x0, x1, out\)"),
    ],
)
def test_bad_definitions_are_refused_at_registration(
    forward: Any, local_grads: Any, problem: str
) -> None:
    with pytest.raises(TypeError, match=problem):
        custom_op("never_registered", forward, local_grads)
    assert "never_registered" not in OPS


def test_missing_local_grads_is_refused() -> None:
    with pytest.raises(TypeError, match="needs local_grads"):
        custom_op("no_grads", lambda x: x)  # type: ignore[call-overload]
    with pytest.raises(TypeError, match="needs local_grads"):
        custom_op("no_grads")


def test_bad_results_are_refused_at_first_use(scratch: list[CustomOp]) -> None:
    pair = custom_op("pair_test", lambda x: x, lambda x, out: (1.0, 2.0))
    single = custom_op("single_test", lambda a, b: a * b, lambda a, b, out: b)
    short = custom_op("short_test", lambda a, b, c: a, lambda a, b, c, out: (1.0, 0.0))
    text = custom_op("text_test", lambda x: "one", lambda x, out: 1.0)
    strange = custom_op("strange_test", lambda x: x, lambda x, out: "d")
    scratch.extend([pair, single, short, text, strange])
    with pytest.raises(TypeError, match=r"'pair_test'.*one derivative, got 2 values"):
        pair(Value(1.0)).backward()
    with pytest.raises(TypeError, match=r"'single_test'.*2 derivatives"):
        single(Value(1.0), Value(2.0)).backward()
    with pytest.raises(TypeError, match=r"'short_test'.*3 derivatives.*got 2 values"):
        short(Value(1.0), Value(2.0), Value(3.0)).backward()
    with pytest.raises(TypeError, match=r"'text_test': forward must return a real number"):
        text(1.0)
    with pytest.raises(TypeError, match="local derivative must be a number or a Value"):
        strange(Value(1.0)).backward()
    with pytest.raises(TypeError, match="takes 2 argument"):
        single(1.0)
    with pytest.raises(TypeError, match=r"accepts Values and real numbers.*str"):
        softplus("a")


def test_an_error_in_forward_says_which_op(scratch: list[CustomOp]) -> None:
    op = custom_op("inverse_test", lambda x: 1.0 / x, lambda x, out: -out * out)
    scratch.append(op)
    with pytest.raises(ZeroDivisionError) as caught:
        op(Value(0.0))
    assert "custom op 'inverse_test' at (0.0,)" in "".join(getattr(caught.value, "__notes__", []))


def test_replace_redefines_in_place(scratch: list[CustomOp]) -> None:
    first = custom_op("redefined_test", lambda x: x, lambda x, out: 1.0)
    scratch.append(first)
    x = Value(2.0)
    y = first(x)
    second = custom_op("redefined_test", lambda x: 3.0 * x, lambda x, out: 3.0, replace=True)
    assert second is first  # one entry, updated: graphs made before follow it
    y.backward()
    assert x.grad == 3.0
    assert first(2.0) == 6.0
    with pytest.raises(ValueError, match="built-in"):
        custom_op("exp", lambda x: x, lambda x, out: 1.0, replace=True)


def test_a_user_op_follows_the_table_conventions_for_floats() -> None:
    # apply_float (the table's own forward) is what the op-table loops compare against
    assert apply_float("softplus", [0.2]) == softplus(0.2)
    assert apply_float("lerp", [1.0, 2.0, 0.5]) == 1.5


def test_the_documented_example_runs_in_a_fresh_process() -> None:
    readme = (Path(__file__).resolve().parent.parent / "docs" / "custom-ops.md").read_text()
    section = readme[readme.index("<!-- section: custom-ops -->") :]
    code = section.split("```python\n")[1].split("```")[0]
    check = (
        "\nimport math as m\n"
        "assert x.grad == 1 / (1 + m.exp(-1.0)), x.grad\n"
        "assert gradcheck(softplus, [1.0]) and x.softplus().data == softplus(1.0)\n"
        "print('ok')\n"
    )
    root = Path(__file__).resolve().parent.parent
    result = subprocess.run(
        [sys.executable, "-c", code + check],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "ok"
