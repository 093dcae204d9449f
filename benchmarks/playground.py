"""The playground's numbers: site size, load to first graph, and moons per epoch, page vs CPython.

* **site size** — the built site's bytes by part (Pyodide, the layout
  engine, the bundled editor, the package zip, the rest).
* **load to first graph** — a fresh browser context (nothing cached) opens
  the page from a local server; the time from navigation start until the
  first example's graph is drawn in the explorer (Python's start-up, the
  run, the layout and the explorer's page), and Python's start-up alone.
* **moons per epoch** — the moons example (``MLP(2, [8, 8, 1])`` on 100
  points, full-batch Adam, the decision grid redrawn every epoch), timed
  between its first and last ``show_training`` call: in the page (Pyodide,
  in a Web Worker) and in this CPython, the very same code through
  :func:`tinygrad_lite.playground.runtime.run`.

Headless Debian Chromium through playwright; medians of ``--repeat`` runs,
min-max in brackets. Prints numbers; asserts nothing.

Usage: ``python benchmarks/playground.py [--repeat N]``.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tinygrad_lite.playground.build import build_site, site_size
from tinygrad_lite.playground.runtime import run
from tinygrad_lite.playground.server import SiteServer


def _spread(values: list[float], unit: str, scale: float = 1.0) -> str:
    shown = [v * scale for v in values]
    return f"{statistics.median(shown):.1f} {unit} [{min(shown):.1f}-{max(shown):.1f}]"


def _parts(site: Path) -> dict[str, int]:
    def size(pattern: str) -> int:
        return sum(p.stat().st_size for p in site.glob(pattern) if p.is_file())

    parts = {
        "Pyodide": size("vendor/pyodide/*"),
        "layout engine (viz-js)": size("vendor/viz-standalone.mjs"),
        "editor (CodeMirror bundle)": size("vendor/editor.js"),
        "tinygrad_lite.zip": size("tinygrad_lite.zip"),
    }
    parts["page, explorer, examples"] = site_size(site)[0] - sum(parts.values())
    return parts


def _epoch_ms(times: list[float]) -> float:
    return (times[-1] - times[0]) / (len(times) - 1)


def cpython_moons_epoch(code: str) -> float:
    """Milliseconds per epoch of the moons example in this interpreter."""
    times: list[float] = []

    def emit(kind: str, text: str) -> None:
        if kind == "training":
            times.append(time.perf_counter() * 1000)

    with contextlib.redirect_stdout(io.StringIO()):  # the example's own print
        answer = run(code, emit)
    if answer["error"] is not None:
        raise RuntimeError(answer["error"]["message"])
    return _epoch_ms(times)


def browser_runs(site: Path, repeat: int) -> dict[str, list[float]]:
    from playwright.sync_api import sync_playwright

    from tinygrad_lite.viz.explorer import BROWSER_FLAGS

    found: dict[str, list[float]] = {
        "first graph": [],
        "boot": [],
        "load": [],
        "import": [],
        "epoch": [],
    }
    with SiteServer(site) as server, sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=_chromium(), args=list(BROWSER_FLAGS), headless=True
        )
        for _ in range(repeat):
            context = chromium.new_context(viewport={"width": 1400, "height": 900})
            page: Any = context.new_page()
            page.goto(server.url)
            page.wait_for_function(
                "window.tinygradLite && window.tinygradLite.graphs() >= 1", timeout=180_000
            )
            timings = page.evaluate("window.tinygradLite.timings()")
            found["first graph"].append(timings["firstGraphMs"])
            found["boot"].append(timings["bootMs"])
            found["load"].append(timings["loadMs"])
            found["import"].append(timings["importMs"])
            page.evaluate("window.tinygradLite.loadExample('moons')")
            times = page.evaluate("window.tinygradLite.training().times")
            found["epoch"].append(_epoch_ms(times))
            context.close()
        chromium.close()
    return found


def _chromium() -> str:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    from browser import CHROMIUM

    if CHROMIUM is None:
        raise SystemExit("no Chromium found (apt-get install chromium, or set CHROMIUM=...)")
    return CHROMIUM


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="page loads to time (3)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        site = build_site(Path(folder) / "site")
        total, files = site_size(site)
        print(f"site: {total / 1e6:.2f} MB in {files} files")
        for name, size in _parts(site).items():
            print(f"  {name:28s} {size / 1e6:6.2f} MB")
        examples = Path(__file__).resolve().parents[1] / "tinygrad_lite/playground/examples"
        moons = (examples / "06_moons.py").read_text(encoding="utf-8")
        cpython = [cpython_moons_epoch(moons) for _ in range(args.repeat)]
        found = browser_runs(site, args.repeat)
    print(
        f"machine: {platform.machine()}, {platform.python_implementation()} "
        f"{platform.python_version()}, {args.repeat} runs, median [min-max]"
    )
    print(f"page load to first drawn graph: {_spread(found['first graph'], 's', 1e-3)}")
    print(f"  of which Python's start-up (worker): {_spread(found['boot'], 's', 1e-3)}")
    print(f"    Pyodide, layout engine, zip: {_spread(found['load'], 's', 1e-3)}")
    print(f"    import tinygrad_lite:        {_spread(found['import'], 's', 1e-3)}")
    page, host = statistics.median(found["epoch"]), statistics.median(cpython)
    print(f"moons epoch in the page (Pyodide): {_spread(found['epoch'], 'ms')}")
    print(f"moons epoch in CPython:            {_spread(cpython, 'ms')}")
    print(f"the page is {page / host:.1f}x CPython's time per epoch")


if __name__ == "__main__":
    main()
