"""Shared set-up of the playground tests: the examples, and the site built once per session.

The site is built from the npm packages already in the cache (``make test``
installs them first, from the lock file); tests never use the network. When
the packages are not there, the site tests skip and the summary ends with a
line that says so.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from tinygrad_lite.playground.build import BuildError, build_site, npm_modules


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
"""Why the site cannot be built here; "" when it can."""

_SKIPPED: list[str] = []


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The playground site, built once per session into a temporary folder."""
    if MISSING_NPM:
        _SKIPPED.append(MISSING_NPM)
        pytest.skip(f"playground site: {MISSING_NPM}")
    return build_site(tmp_path_factory.mktemp("playground") / "site", install=False)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """One clear line when tests that need the playground's site could not run."""
    if _SKIPPED:
        terminalreporter.write_line(
            f"PLAYGROUND SITE TESTS NOT RUN: {MISSING_NPM}", yellow=True, bold=True
        )
