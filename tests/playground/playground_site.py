"""Helpers of the playground tests: the shipped examples, and whether the site can be built.

A module of its own (not ``conftest``), so the test files import it by a
name no other folder uses.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from tinygrad_lite.playground.build import BuildError, npm_modules


def example_code() -> dict[str, str]:
    """The examples shipped with the package, by the name the page's menu uses."""
    folder = Path(str(resources.files("tinygrad_lite.playground"))) / "examples"
    return {
        path.stem.split("_", 1)[1]: path.read_text(encoding="utf-8")
        for path in sorted(folder.glob("*.py"))
    }


def _missing() -> str:
    try:
        npm_modules(install=False)
    except BuildError as error:
        return str(error)
    return ""


MISSING_NPM = _missing()
"""Why the site cannot be built here (its npm packages are not cached); "" when it can."""
