"""How to install an optional extra, said once for every message that needs one.

Sits below everything that loads a third-party package on first use
(:mod:`~tinygrad_lite.datasets`, :mod:`~tinygrad_lite.plot`,
:mod:`~tinygrad_lite.train`, :mod:`~tinygrad_lite.viz`); imports nothing.
"""

from __future__ import annotations

__all__ = ["install_hint"]


def install_hint(extra: str) -> str:
    """Both ways to install ``extra``: from the package index and from a clone."""
    return f'pip install "tinygrad_lite[{extra}]" (from a clone: pip install -e ".[{extra}]")'
