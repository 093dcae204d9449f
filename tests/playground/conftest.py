"""Shared set-up of the playground tests: the site, built once per session.

The site is built from the npm packages already in the cache (``make test``
installs them first, from the lock file); tests never use the network. When
the packages are not there, the site tests skip and the summary ends with a
line that says so.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playground_site import MISSING_NPM

from tinygrad_lite.playground.build import build_site

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
            f"PLAYGROUND SITE TESTS NOT RUN: {_SKIPPED[0]}", yellow=True, bold=True
        )
