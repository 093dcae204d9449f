"""The explorer in a real headless Chromium (Debian's package, driven by playwright).

The page is loaded from a file with every request intercepted: anything but
the file itself fails the test. Expected numbers come from the engine
(``backward()``) or are worked out by hand, never from the page's own data.
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser import CHROMIUM, FLAGS, MISSING
from test_viz_explorer import readme_neuron

from tinygrad_lite import viz
from tinygrad_lite.engine import Value, topological_order

pytestmark = pytest.mark.skipif(bool(MISSING), reason=f"browser tests: {MISSING}")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        yield launched
        launched.close()


class Page:
    """A page opened from a file, recording every request and every script error."""

    def __init__(self, browser: Any, path: Path) -> None:
        self.url = path.resolve().as_uri()
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.page = browser.new_page(viewport={"width": 1400, "height": 900})
        self.page.route("**/*", self._route)
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.goto(self.url)

    def _route(self, route: Any) -> None:
        url = route.request.url
        self.requests.append(url)
        if url == self.url:
            route.continue_()
        else:
            route.abort()

    def hook(self, call: str) -> Any:
        return self.page.evaluate(f"window.tinygradLite.{call}")


@pytest.fixture
def neuron_page(browser: Any, tmp_path: Path) -> Iterator[tuple[Page, Value, dict[str, Value]]]:
    root, values = readme_neuron()
    path = viz.explore(root, parameters=[values["w1"], values["w2"], values["b"]]).save(
        tmp_path / "neuron.html"
    )
    page = Page(browser, path)
    yield page, root, values
    assert page.errors == []
    page.page.close()


def same(shown: Any, expected: float) -> bool:
    if math.isnan(expected):
        return shown is None or (isinstance(shown, float) and math.isnan(shown))
    return bool(shown == expected)


def test_the_page_loads_from_a_file_and_requests_nothing_else(
    neuron_page: tuple[Page, Value, dict[str, Value]],
) -> None:
    page, _, _ = neuron_page
    page.hook("toEnd()")
    page.page.keyboard.press("Home")
    assert page.requests == [page.url]  # the file itself, nothing more
    assert page.page.title().startswith("tinygrad_lite explorer")


def test_stepping_to_the_end_shows_the_engines_numbers(
    neuron_page: tuple[Page, Value, dict[str, Value]],
) -> None:
    page, root, _ = neuron_page
    order = topological_order(root)
    start = page.hook("state()")
    assert [node["label"] for node in start] == [node.label for node in order]
    assert all(node["grad"] is None for node in start)
    assert all((node["data"] is None) != (node["op"] == "") for node in start)
    assert page.hook("phase()") == "forward"
    page.hook("toEnd()")
    assert page.hook("phase()") == "done"
    root.backward()
    end = page.hook("state()")
    for shown, node in zip(end, order, strict=True):
        assert shown["op"] == node.op
        assert same(shown["data"], node.data), (shown, node)
        assert same(shown["grad"], node.grad), (shown, node)


def test_forward_then_backward_phases(neuron_page: tuple[Page, Value, dict[str, Value]]) -> None:
    page, root, _ = neuron_page
    operations = len(topological_order(root, leaves=False))
    page.hook(f"step({operations - 1})")
    assert page.hook("phase()") == "forward"
    state = page.hook("state()")
    assert state[-1]["data"] is None  # the output is computed last
    page.hook("step(1)")
    assert page.hook("phase()") == "backward"
    assert page.hook("state()")[-1]["data"] == root.data
    page.hook("step(1)")  # the seed
    assert page.hook("state()")[-1]["grad"] == 1.0
    page.hook("reset()")
    assert page.hook("phase()") == "forward"
    assert page.hook("state()")[-1]["data"] is None


def test_clicking_a_node_opens_its_ledger(
    neuron_page: tuple[Page, Value, dict[str, Value]],
) -> None:
    page, root, values = neuron_page
    order = topological_order(root)
    w1 = order.index(values["w1"])
    page.page.click(f"#tl-node-{w1}")
    gradient = page.page.text_content("#tl-ledger-gradient") or ""
    assert "not reached yet" in gradient
    page.hook("toEnd()")
    # by hand: tanh'(n) = 1 - 0.7071^2 = 0.5, + passes it on, d(x1*w1)/dw1 = x1 = 2
    assert page.page.text_content("#tl-ledger-name") == "w1 (parameter)"
    assert page.page.text_content("#tl-ledger-forward") == "w1 = -3 (a parameter)"
    assert (
        page.page.text_content("#tl-ledger-gradient")
        == "grad(w1) = grad(x1*w1) × ∂(x1*w1)/∂w1 = 0.5 × 2 = 1"
    )
    # its one consumer, x1*w1, is highlighted; so are the inputs of a clicked op node
    (product,) = [node for node in order if values["w1"] in node.parents]
    consumers = page.page.eval_on_selector_all("g.tl-consumer", "els => els.map(e => e.id)")
    assert consumers == [f"tl-node-{order.index(product)}"]
    n = order.index(values["n"])
    page.page.click(f"#tl-node-{n}")
    assert (
        page.page.text_content("#tl-ledger-forward")
        == "n = x1*w1 + x2*w2 + b = -6 + 6.881 = 0.8814"
    )
    inputs = page.page.eval_on_selector_all("g.tl-input", "els => els.map(e => e.id)")
    assert sorted(inputs) == sorted(f"tl-node-{order.index(p)}" for p in values["n"].parents)


def test_keys_step_jump_and_play(neuron_page: tuple[Page, Value, dict[str, Value]]) -> None:
    page, root, _ = neuron_page
    keyboard = page.page.keyboard
    keyboard.press("ArrowRight")
    first = next(node for node in topological_order(root) if not node.is_leaf)
    assert page.hook("state()")[topological_order(root).index(first)]["data"] == first.data
    keyboard.press("End")
    assert page.hook("phase()") == "done"
    keyboard.press("ArrowLeft")
    assert page.hook("phase()") == "backward"
    keyboard.press("Home")
    assert page.hook("phase()") == "forward"
    keyboard.press(" ")
    assert page.hook("playing()") is True
    page.page.wait_for_function("window.tinygradLite.phase() === 'done'", timeout=30_000)
    page.page.wait_for_function("!window.tinygradLite.playing()", timeout=5_000)


def test_the_program_panel_highlights_the_current_line(
    neuron_page: tuple[Page, Value, dict[str, Value]],
) -> None:
    page, root, _ = neuron_page
    page.hook("step(1)")
    current = page.page.eval_on_selector_all(
        "#tl-forward-code span.tl-current", "els => els.map(e => e.textContent)"
    )
    first = next(i for i, node in enumerate(topological_order(root)) if not node.is_leaf)
    assert len(current) == 1 and current[0].startswith(f"    v{first} = ")
    page.hook("toEnd()")
    last = page.page.eval_on_selector_all(
        "#tl-backward-code span.tl-current", "els => els.map(e => e.textContent)"
    )
    assert last and all(" += " in line for line in last)


def test_a_screenshot_is_not_blank(neuron_page: tuple[Page, Value, dict[str, Value]]) -> None:
    from PIL import Image

    page, _, _ = neuron_page
    page.hook("toEnd()")
    picture = Image.open(io.BytesIO(page.page.locator("#tl-graph").screenshot())).convert("RGB")
    assert picture.width > 400 and picture.height > 100
    colours = picture.getcolors(maxcolors=1_000_000) or []
    assert len(colours) > 50  # text, fills and edges, not one flat colour
    legend_blue = (0x9F, 0xC5, 0xE8)
    assert any(colour == legend_blue for _, colour in colours)


def test_the_summary_view_says_so(browser: Any, tmp_path: Path) -> None:
    x = Value(0.5, "x")
    y = x
    for _ in range(40):
        y = (y * 0.9).tanh()
    y.label = "y"
    page = Page(browser, viz.explore(y, max_nodes=20).save(tmp_path / "big.html"))
    assert "summary view" in (page.page.text_content("#tl-summary") or "")
    page.hook("toEnd()")
    y.backward()
    state = page.hook("state()")
    assert state[-1]["grad"] == 1.0 and state[0]["grad"] == x.grad
    assert page.errors == [] and page.requests == [page.url]
