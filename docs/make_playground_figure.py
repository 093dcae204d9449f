"""docs/playground.png: the playground in headless Chromium, the neuron stepped to the end.

Builds the site (npm fetches its pinned packages the first time), serves it
on 127.0.0.1, runs the first example, steps its backward pass to the end
and opens w1's ledger. Needs Chromium and playwright (the ``dev`` extra).

Usage: ``python docs/make_playground_figure.py``.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from browser import CHROMIUM  # noqa: E402

from tinygrad_lite.playground.build import build_site  # noqa: E402
from tinygrad_lite.playground.server import SiteServer  # noqa: E402
from tinygrad_lite.viz.explorer import BROWSER_FLAGS  # noqa: E402

TARGET = ROOT / "docs" / "playground.png"


def main() -> None:
    if CHROMIUM is None:
        raise SystemExit("needs Chromium (apt-get install chromium, or set CHROMIUM=...)")
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as folder:
        site = build_site(Path(folder) / "site")
        with SiteServer(site) as server, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=list(BROWSER_FLAGS))
            page = browser.new_page(viewport={"width": 1440, "height": 810})
            page.goto(server.url)
            page.wait_for_function(
                "window.tinygradLite && window.tinygradLite.graphs() >= 1", timeout=180_000
            )
            page.evaluate("window.tinygradLite.toEnd()")
            w1 = page.evaluate("window.tinygradLite.state().find((node) => node.label === 'w1').id")
            page.evaluate(f"window.tinygradLite.select({w1})")
            page.screenshot(path=str(TARGET))
            browser.close()
    print(f"wrote {TARGET.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
