"""A safe parser for the arithmetic expressions that ``tinygrad-lite draw`` accepts.

Sits beside :mod:`tinygrad_lite.viz`, on :mod:`tinygrad_lite.engine` and the op
table, under :mod:`tinygrad_lite.cli`. The text is parsed with Python's
:mod:`ast` and every node is checked against a whitelist:

* names (variables, bound with ``--at x=1``) and int or float numbers;
* the binary operators ``+ - * / **`` and unary minus;
* calls of ``exp log tanh relu sigmoid sqrt sin cos abs`` with one argument;
* assignments before the expression, so a shared sub-expression can be
  named and drawn once: ``"h = x*w; tanh(h) + h"`` (the value is labelled ``h``).

Anything else (attribute access, subscripts, lambdas, comprehensions,
strings, keyword arguments, dunder names such as ``__import__``, unknown
names or functions, more than :data:`MAX_LENGTH` characters) raises
:class:`ExpressionError` naming the construct. Nothing is ever passed to
``eval``/``exec``/``compile``: the checked tree is walked by hand, and each
node becomes a :class:`~tinygrad_lite.engine.Value` operation.
"""

from __future__ import annotations

import ast
import math
import unicodedata
import warnings
from collections.abc import Mapping
from typing import Any

from ..engine import Value
from ..ops import OPS

__all__ = [
    "FUNCTIONS",
    "MAX_LENGTH",
    "ExpressionError",
    "evaluate",
    "parse_bindings",
    "parse_expression",
    "parse_program",
    "variables",
]

MAX_LENGTH = 10_000
"""The longest expression accepted, in characters."""

FUNCTIONS: tuple[str, ...] = ("exp", "log", "tanh", "relu", "sigmoid", "sqrt", "sin", "cos", "abs")
"""The functions an expression may call (each with one argument)."""

_BINARY = {ast.Add: "add", ast.Sub: "sub", ast.Mult: "mul", ast.Div: "div", ast.Pow: "pow"}

# What to call each refused construct in the error message.
_NAMES: dict[type[ast.AST], str] = {
    ast.Attribute: "attribute access",
    ast.Subscript: "subscript",
    ast.Lambda: "lambda",
    ast.ListComp: "list comprehension",
    ast.SetComp: "set comprehension",
    ast.DictComp: "dict comprehension",
    ast.GeneratorExp: "generator expression",
    ast.List: "list",
    ast.Tuple: "tuple",
    ast.Set: "set",
    ast.Dict: "dict",
    ast.Compare: "comparison",
    ast.BoolOp: "boolean operator",
    ast.IfExp: "conditional expression",
    ast.NamedExpr: "assignment expression (:=)",
    ast.JoinedStr: "f-string",
    ast.Starred: "starred argument",
    ast.Await: "await",
    ast.Yield: "yield",
    ast.YieldFrom: "yield",
    ast.Slice: "slice",
}


class ExpressionError(ValueError):
    """An expression (or a ``--at`` binding) outside the accepted language."""


def _snippet(source: str, node: ast.AST) -> str:
    segment = ast.get_source_segment(source, node) or ""
    segment = " ".join(segment.split())
    if len(segment) > 40:
        segment = segment[:37] + "..."
    return f" `{segment}`" if segment else ""


def _refuse(source: str, node: ast.AST, what: str) -> ExpressionError:
    return ExpressionError(f"{what}{_snippet(source, node)} is not allowed in an expression")


def parse_expression(source: str) -> ast.Expression:
    """Parse ``source`` and check every node against the whitelist; never evaluates.

    Args:
        source: An arithmetic expression such as ``"tanh(x*w + b)"``.

    Returns:
        The checked syntax tree.

    Raises:
        ExpressionError: For anything outside the accepted language, naming
            the offending construct.
    """
    if not isinstance(source, str):
        raise ExpressionError(f"an expression must be a str, got {type(source).__name__}")
    if len(source) > MAX_LENGTH:
        raise ExpressionError(
            f"expression too long: {len(source)} characters (at most {MAX_LENGTH})"
        )
    if not source.strip():
        raise ExpressionError("empty expression")
    tree = _parse(source, "eval")
    assert isinstance(tree, ast.Expression)
    _check(source.strip(), tree, tree.body)
    return tree


def _parse(source: str, mode: str) -> ast.AST:
    try:
        with warnings.catch_warnings():
            # NOTE: "1e" or "x is 1" warn at parse time; the checks below give the error.
            warnings.simplefilter("ignore", SyntaxWarning)
            return ast.parse(source.strip(), mode=mode)
    except SyntaxError as error:
        hint = ""
        if mode == "eval" and "=" in source and "==" not in source:
            hint = " (an assignment needs an expression after it: h = x*w; tanh(h))"
        raise ExpressionError(f"not a valid expression: {error.msg}{hint}") from None
    except (RecursionError, MemoryError):
        # NOTE: CPython builds the tree recursively: about 1000 levels is its limit.
        raise ExpressionError(
            "not a valid expression: nested too deeply for Python's parser "
            "(split it, or use parentheses to balance long sums)"
        ) from None
    except ValueError as error:  # null bytes
        raise ExpressionError(f"not a valid expression: {error}") from None


def _check(source: str, tree: ast.AST, body: ast.AST) -> None:
    """Every node of ``body`` against the whitelist (names in all of ``tree`` first)."""
    for node in ast.walk(tree):  # name a dunder first: it is the likeliest attack
        if isinstance(node, ast.Name):
            _check_name(source, node)
    stack: list[ast.AST] = [body]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.BinOp):
            if isinstance(node.op, ast.BitXor):
                raise ExpressionError(
                    f"the operator ^{_snippet(source, node)} is not allowed in an expression; "
                    "for a power write ** (x ** 2)"
                )
            if type(node.op) not in _BINARY:
                name = type(node.op).__name__
                raise _refuse(source, node, f"the operator {name}")
            stack.extend((node.left, node.right))
        elif isinstance(node, ast.UnaryOp):
            if not isinstance(node.op, ast.USub):
                raise _refuse(source, node, f"the unary operator {type(node.op).__name__}")
            stack.append(node.operand)
        elif isinstance(node, ast.Call):
            _check_call(source, node)
            stack.append(node.args[0])
        elif isinstance(node, ast.Name):
            _check_name(source, node)
            if node.id in FUNCTIONS:
                raise _refuse(source, node, f"the function {node.id!r} without a call")
        elif isinstance(node, ast.Constant):
            value = node.value
            if type(value) not in (int, float):
                kind = "string" if isinstance(value, (str, bytes)) else type(value).__name__
                raise _refuse(source, node, f"the {kind} constant")
        else:
            raise _refuse(source, node, _NAMES.get(type(node), type(node).__name__))


def parse_program(source: str) -> tuple[list[tuple[str, ast.expr]], ast.expr]:
    """Parse ``"h = x*w; tanh(h) + h"``: assignments, then the expression to draw.

    Each part before the last is ``name = expression`` (a name is assigned
    once, before it is used, and is never a function's name); the last part
    is the expression. Every expression is checked as :func:`parse_expression`
    checks one; nothing is evaluated.

    Returns:
        ``([(name, expression), ...], final expression)``.

    Raises:
        ExpressionError: For anything outside the accepted language.
    """
    if not isinstance(source, str):
        raise ExpressionError(f"an expression must be a str, got {type(source).__name__}")
    if len(source) > MAX_LENGTH:
        raise ExpressionError(
            f"expression too long: {len(source)} characters (at most {MAX_LENGTH})"
        )
    if not source.strip():
        raise ExpressionError("empty expression")
    text = source.strip()
    tree = _parse(source, "exec")
    assert isinstance(tree, ast.Module)
    if not tree.body:
        raise ExpressionError("empty expression")
    assignments: list[tuple[str, ast.expr]] = []
    assigned: set[str] = set()
    for position, statement in enumerate(tree.body):
        last = position == len(tree.body) - 1
        if isinstance(statement, ast.Expr) and last:
            _check(text, tree, statement.value)
            return assignments, statement.value
        if isinstance(statement, ast.Expr):
            raise _refuse(
                text, statement, "an expression before the last ';' (write name = expression)"
            )
        if not isinstance(statement, ast.Assign):
            kind = type(statement).__name__
            raise ExpressionError(
                f"not a valid expression: the statement {kind}{_snippet(text, statement)} "
                "is not allowed (only name = expression; ...; expression)"
            )
        if len(statement.targets) != 1 or not isinstance(statement.targets[0], ast.Name):
            raise _refuse(text, statement, "an assignment to anything but one name")
        target = statement.targets[0]
        _check_name(text, target)
        if target.id in FUNCTIONS:
            raise _refuse(text, target, f"assigning to the function name {target.id!r}")
        if target.id in assigned:
            raise _refuse(text, target, f"assigning {target.id!r} twice")
        _check(text, tree, statement.value)
        for child in ast.walk(statement.value):
            if isinstance(child, ast.Name) and child.id == target.id:
                raise _refuse(text, child, f"using {child.id!r} in its own assignment")
        assigned.add(target.id)
        assignments.append((target.id, statement.value))
    raise ExpressionError(
        "the text ends with an assignment; end it with the expression to draw "
        "(h = x*w; tanh(h) + h)"
    )


def _walk_names(tree: ast.expr) -> list[str]:
    """Variable names of one expression in order of first appearance."""
    found: dict[str, None] = {}
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Name):
            found[node.id] = None
        elif isinstance(node, ast.Call):
            stack.append(node.args[0])
        elif isinstance(node, ast.BinOp):
            stack.extend((node.right, node.left))
        elif isinstance(node, ast.UnaryOp):
            stack.append(node.operand)
    return list(found)


def _check_name(source: str, node: ast.Name) -> None:
    if node.id.startswith("_"):
        raise _refuse(source, node, f"the name {node.id!r} (names may not start with _)")


def _check_call(source: str, node: ast.Call) -> None:
    func = node.func
    if not isinstance(func, ast.Name):
        what = _NAMES.get(type(func), type(func).__name__)
        raise _refuse(source, func, f"calling the result of {what}")
    _check_name(source, func)
    if func.id not in FUNCTIONS:
        raise _refuse(
            source, node, f"the unknown function {func.id!r} (known: {', '.join(FUNCTIONS)})"
        )
    if node.keywords:
        raise _refuse(source, node, "a keyword argument")
    if len(node.args) != 1:
        raise _refuse(source, node, f"{func.id}() with {len(node.args)} arguments (it takes 1)")
    if isinstance(node.args[0], ast.Starred):
        raise _refuse(source, node.args[0], "a starred argument")


def variables(source: str) -> list[str]:
    """The variable names in ``source``, in order of first appearance.

    Raises:
        ExpressionError: If ``source`` is not an accepted expression.
    """
    assignments, final = parse_program(source)
    found: dict[str, None] = {}
    assigned: set[str] = set()
    for name, expression in [*assignments, ("", final)]:
        for variable in _walk_names(expression):
            if variable not in assigned:
                found[variable] = None
        assigned.add(name)
    return list(found)


def _to_float(value: int | float) -> float:
    try:
        return float(value)
    except OverflowError:  # an int literal beyond the float range
        return math.inf


def evaluate(source: str, bindings: Mapping[str, float | Value]) -> Value:
    """Build the expression's graph on Values: one leaf per variable, shared by every use.

    A number in the text stays a plain number operand (``2*x``), as in
    ordinary Python arithmetic on Values; an expression without variables
    gives a single leaf. Every op follows the op table's IEEE rules, so
    ``1/0`` is ``inf``, never an exception.

    Args:
        source: The expression.
        bindings: A number (or a Value) for every variable; a number becomes a
            leaf ``Value`` labelled with its name.

    Raises:
        ExpressionError: For a refused construct or a variable without a value.
    """
    assignments, final = parse_program(source)
    leaves: dict[str, Any] = {}
    for name, bound in bindings.items():
        leaves[name] = bound if isinstance(bound, Value) else Value(bound, name)
    for name, expression in assignments:
        if name in leaves:
            raise ExpressionError(f"{name!r} is both given a value (--at) and assigned")
        result = _build(expression, leaves)
        if isinstance(result, Value) and not result.label and not result.is_leaf:
            result.label = name  # the picture and the ledger call it by its name
        leaves[name] = result
    result = _build(final, leaves)
    return result if isinstance(result, Value) else Value(result)


def _build(tree: ast.expr, leaves: dict[str, Any]) -> Any:
    """One checked expression on Values (a number when it has no variables)."""
    # Iterative post-order walk: deep expressions never hit the recursion limit.
    results: list[Any] = []
    stack: list[tuple[ast.AST, bool]] = [(tree, False)]
    while stack:
        node, ready = stack.pop()
        if isinstance(node, ast.Constant):
            number: Any = node.value  # an int or float: parse_expression checked it
            results.append(_to_float(number))
        elif isinstance(node, ast.Name):
            if node.id not in leaves:
                known = ", ".join(sorted(leaves)) or "none"
                raise ExpressionError(
                    f"the name {node.id!r} has no value (give one with --at {node.id}=...; "
                    f"bound: {known})"
                )
            results.append(leaves[node.id])
        elif not ready:
            stack.append((node, True))
            if isinstance(node, ast.BinOp):
                stack.extend(((node.right, False), (node.left, False)))
            elif isinstance(node, ast.UnaryOp):
                stack.append((node.operand, False))
            elif isinstance(node, ast.Call):
                stack.append((node.args[0], False))
        elif isinstance(node, ast.BinOp):
            right = results.pop()
            left = results.pop()
            results.append(_binary(_BINARY[type(node.op)], left, right))
        elif isinstance(node, ast.UnaryOp):
            results.append(_unary("neg", results.pop()))
        elif isinstance(node, ast.Call):
            assert isinstance(node.func, ast.Name)
            results.append(_unary(node.func.id, results.pop()))
    return results.pop()


def _binary(name: str, left: Any, right: Any) -> Any:
    if isinstance(left, Value) or isinstance(right, Value):
        if name == "add":
            return left + right
        if name == "sub":
            return left - right
        if name == "mul":
            return left * right
        if name == "div":
            return left / right
        return left**right
    return OPS[name].forward(left, right)  # two numbers: the op table's IEEE forward


def _unary(name: str, operand: Any) -> Any:
    if isinstance(operand, Value):
        if name == "neg":
            return -operand
        if name == "abs":
            return abs(operand)
        result: Value = getattr(operand, name)()
        return result
    return OPS[name].forward(operand)


def parse_bindings(text: str) -> dict[str, float]:
    """Parse ``--at`` text: ``"x=1,w=-2,b=0.5"`` to ``{"x": 1.0, "w": -2.0, "b": 0.5}``.

    Raises:
        ExpressionError: For a missing ``=``, a bad name, a repeated name or a
            value that is not a number.
    """
    bindings: dict[str, float] = {}
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"--at too long: {len(text)} characters (at most {MAX_LENGTH})")
    # NOTE: Python reads identifiers in NFKC form (a full-width x is x), so --at does too.
    text = unicodedata.normalize("NFKC", text)
    for item in text.split(","):
        item = item.strip()
        if not item:
            continue
        name, equals, number = item.partition("=")
        name = name.strip()
        if not equals:
            raise ExpressionError(f"--at expects name=number, got {item!r}")
        if not name.isidentifier() or name.startswith("_") or name in FUNCTIONS:
            raise ExpressionError(f"--at: {name!r} is not a variable name")
        if name in bindings:
            raise ExpressionError(f"--at gives {name!r} twice")
        try:
            bindings[name] = float(number.strip())
        except ValueError:
            raise ExpressionError(f"--at: {name}={number.strip()!r} is not a number") from None
    return bindings
