"""Every Python block of the READMEs and of the documentation site runs, and says what it prints.

Every ```python block of README.md, README.zh-CN.md and the site's pages
(``docs/**/*.md``) runs on its own, in a fresh interpreter and a temporary
directory, top to bottom, as a reader would run it. A block that cannot run
here (it needs a browser, or the network) is preceded by the line
``<!-- skip: reason -->``; it is reported as a skipped test with its reason,
so the count of untested blocks is in every test run. A statement that
is a call of ``print``, or a bare expression whose comment reads as a value
(it starts with a number, a bracket, a quote, ``True``/``False``/``None`` or
``Name(``), is an output claim: the comment (or, if the line has none or it
ends with a colon, the comment lines right below it) is what the line prints (for an
expression: the repr of its value), up to an explanation after `` — ``
(space, em dash, space). Words must match exactly; numbers to 1e-9 relative, and a number
written ``0.7071...`` claims only the digits shown.
"""

from __future__ import annotations

import ast
import contextlib
import io
import json
import math
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
READMES = [ROOT / "README.md", ROOT / "README.zh-CN.md"]
PAGES = sorted(path for path in (ROOT / "docs").rglob("*.md") if "hooks" not in path.parts)
FENCE = re.compile(
    r"^(?:<!-- skip: (?P<skip>.*?) -->\n)?```python\n(?P<code>.*?)^```", re.MULTILINE | re.DOTALL
)
NUMBER = re.compile(r"^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$|^[-+]?(inf|nan)$")


def _blocks() -> list[tuple[str, int, str, str | None]]:
    """(file, line of the block's first code line, code, the reason it is skipped or None)."""
    found = []
    for path in READMES + PAGES:
        text = path.read_text(encoding="utf-8")
        name = path.relative_to(ROOT).as_posix()
        for match in FENCE.finditer(text):
            line = text.count("\n", 0, match.start("code")) + 1
            found.append((name, line, match.group("code"), match.group("skip")))
    return found


BLOCKS = _blocks()


def _claims(source: str) -> dict[int, str]:
    """Line number -> the output claimed for a print call or an expression.

    The claim is the statement's trailing comment, or, when it has none or it
    ends with a colon, the run of whole-line comments right below it (output
    of several lines).
    """
    tree = ast.parse(source)
    lines = source.splitlines()
    claims = {}
    for statement in tree.body:
        if not isinstance(statement, ast.Expr):
            continue
        end = statement.end_lineno or statement.lineno
        rest = lines[end - 1][statement.end_col_offset or 0 :].strip()
        if rest.startswith("#") and not rest.endswith(":"):  # a colon introduces lines below
            claims[statement.lineno] = rest[1:].strip().split(" — ")[0].strip()
            continue
        below = []
        for text in lines[end:]:
            if not text.startswith("# "):
                break
            below.append(text[2:])
        if below:
            claims[statement.lineno] = "\n".join(below).split(" — ")[0].strip()
    return claims


def _tokens(text: str) -> list[str]:
    return re.findall(r"[-+]?[\w.]+(?:e[-+]?\d+)?|[^\w\s]", text)


def _agrees(claimed: str, shown: str) -> bool:
    want, got = _tokens(claimed), _tokens(shown)
    if len(want) != len(got):
        return False
    for w, g in zip(want, got, strict=True):
        if w.endswith("...") and NUMBER.match(w[:-3]) and NUMBER.match(g):
            if not g.startswith(w[:-3]):
                return False
        elif NUMBER.match(w) and NUMBER.match(g):
            a, b = float(w), float(g)
            if not (math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12) or (a != a and b != b)):
                return False
        elif w != g:
            return False
    return True


def test_every_readme_has_python_blocks() -> None:
    assert {path.name for path in READMES} <= {name for name, _, _, _ in BLOCKS}


def test_a_skipped_block_says_why() -> None:
    assert all(reason.strip() for _, _, _, reason in BLOCKS if reason is not None)


@pytest.mark.parametrize(
    ("name", "line", "source", "skip"), BLOCKS, ids=[f"{n}:{line}" for n, line, _, _ in BLOCKS]
)
def test_a_documented_block_runs_and_prints_what_its_comments_say(
    name: str, line: int, source: str, skip: str | None, tmp_path: Path
) -> None:
    """Each block in a fresh interpreter, as a reader runs it (no op registered by the tests)."""
    if skip is not None:
        pytest.skip(f"marked in {name}: {skip}")
    result = subprocess.run(
        [sys.executable, __file__, name, str(line)],
        input=source,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT), "MPLBACKEND": "Agg"},
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    wrong = json.loads(result.stdout.strip().splitlines()[-1])
    assert not wrong, "\n".join(wrong)


def run_block(name: str, line: int, source: str) -> list[str]:
    """Run ``source`` statement by statement; the claims its comments get wrong."""
    claims = _claims(source)
    namespace: dict[str, Any] = {"__name__": "__readme__"}
    tree = ast.parse(source)
    wrong = []
    for statement in tree.body:
        output = io.StringIO()
        claim = claims.get(statement.lineno)
        with contextlib.redirect_stdout(output):
            if claim is not None and not _is_print(statement) and not _looks_like_output(claim):
                claim = None  # a comment in words on a bare call explains, claims nothing
            if claim is not None and not _is_print(statement):
                value = eval(compile(ast.Expression(statement.value), name, "eval"), namespace)  # type: ignore[attr-defined]
                if value is None:
                    claim = None  # a comment on a call returning nothing only explains
                else:
                    print(repr(value))
            else:
                exec(compile(ast.Module([statement], type_ignores=[]), name, "exec"), namespace)
        if claim is not None and not _agrees(claim, output.getvalue().strip()):
            wrong.append(
                f"{name}:{line + statement.lineno - 1}: claims {claim!r}, "
                f"prints {output.getvalue().strip()!r}"
            )
    return wrong


def _looks_like_output(comment: str) -> bool:
    """Whether a comment on a bare expression reads as its value, not as words about it."""
    return re.match(r"[-+\d(\[{'\"]|(True|False|None|nan|inf)\b|[A-Z]\w*\(", comment) is not None


def _is_print(statement: ast.stmt) -> bool:
    return (
        isinstance(statement, ast.Expr)
        and isinstance(statement.value, ast.Call)
        and isinstance(statement.value.func, ast.Name)
        and statement.value.func.id == "print"
    )


def test_the_checker_catches_a_wrong_claim() -> None:
    assert _agrees("0.7071...  -1.5  1.0", "0.7071067811865476 -1.5 1.0")
    assert _agrees("[151.0, -50.0]", "[151.0, -50.0]")
    assert _agrees("-1.5", "-1.4999999999999993")  # within the tolerance
    assert not _agrees("-1.5", "-1.49")
    assert not _agrees("0.7072...", "0.7071067811865476")
    assert not _agrees("loss 0.053", "loss 0.054")
    assert not _agrees("[1.0, 2.0]", "[1.0, 2.0, 3.0]")
    assert _looks_like_output("[151.0, -50.0]") and _looks_like_output("Net(")
    assert not _looks_like_output("Dropout off") and not _looks_like_output("checked first")


if __name__ == "__main__":  # one block, in a fresh interpreter (see the test above)
    found = run_block(sys.argv[1], int(sys.argv[2]), sys.stdin.read())
    print(json.dumps(found))
