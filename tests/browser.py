"""Finding a real Chromium for the browser tests (Debian's ``chromium`` package).

Shared by ``test_viz_browser.py`` and the report line in ``conftest.py``. The
tests drive the browser with the ``playwright`` package pointed at this
executable: never ``playwright install``, never the network.
"""

from __future__ import annotations

import importlib.util
import os
import shutil

from tinygrad_lite.viz.explorer import BROWSER_FLAGS

FLAGS = list(BROWSER_FLAGS)
"""Launch flags that work on a bare Debian machine, root included."""


def find_chromium() -> str | None:
    """The Chromium to test with: $CHROMIUM, else the first chromium on PATH, else None."""
    chosen = os.environ.get("CHROMIUM")
    if chosen:
        return chosen if os.access(chosen, os.X_OK) else None
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


CHROMIUM = find_chromium()
PLAYWRIGHT = importlib.util.find_spec("playwright") is not None
MISSING = (
    "no Chromium found (apt-get install chromium, or set CHROMIUM=/path/to/chrome)"
    if CHROMIUM is None
    else ("the playwright package is missing (pip install -e '.[dev]')" if not PLAYWRIGHT else "")
)
"""Why the browser tests cannot run here; "" when they can."""
