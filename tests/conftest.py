"""Shared pytest set-up: the hypothesis profiles.

``dev`` (the default) runs few examples so a local ``pytest`` is quick;
``ci`` (``make test`` passes ``--hypothesis-profile=ci``) runs more, derandomized
so a CI failure reproduces, with no deadline because shared CI machines stall.
When no Chromium is found, the summary ends with one line saying the
explorer's browser tests did not run.
"""

from typing import Any

from hypothesis import HealthCheck, settings

settings.register_profile(
    "dev",
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "ci",
    max_examples=200,
    derandomize=True,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("dev")


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """One clear line when the explorer's browser tests could not run here."""
    from browser import MISSING

    if MISSING:
        terminalreporter.write_line(
            f"BROWSER TESTS NOT RUN: {MISSING}; the explorer was not tested in a browser",
            yellow=True,
            bold=True,
        )
