"""The explorer page as a lecture hall sees it, in a real headless Chromium.

Text sizes are measured on the rendered SVG (font size times the screen
transform), zoom, pan and presentation mode are driven by keys and the
mouse, and a summarized network is stepped and opened neuron by neuron.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser import CHROMIUM, FLAGS, MISSING
from test_viz_explorer import readme_neuron

from tinygrad_lite import viz
from tinygrad_lite.engine import Value, topological_order
from tinygrad_lite.nn import MLP, Neuron

pytestmark = pytest.mark.skipif(bool(MISSING), reason=f"browser tests: {MISSING}")

TEXT_SIZES = """(selector) => Array.from(document.querySelectorAll(selector)).map(
  (t) => parseFloat(t.getAttribute('font-size')) * t.getScreenCTM().a)"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        yield launched
        launched.close()


def open_page(browser: Any, path: Path, width: int, height: int) -> Any:
    page = browser.new_page(viewport={"width": width, "height": height})
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.route(
        "**/*",
        lambda route: route.continue_() if route.request.url.startswith("file:") else route.abort(),
    )
    page.goto(path.resolve().as_uri())
    page.errors = errors
    return page


def node_text_sizes(page: Any) -> list[float]:
    sizes: list[float] = page.evaluate(TEXT_SIZES, "#tl-graph svg g.node text")
    assert sizes
    return sizes


def small_mlp_loss() -> tuple[MLP, Value]:
    model = MLP(2, [3, 1], seed=0)
    loss = sum((model(row) - 1.0) ** 2 for row in ([1.0, -2.0], [0.5, 1.5]))
    assert isinstance(loss, Value)
    loss.label = "loss"
    return model, loss


def big_mlp_loss() -> tuple[MLP, Value]:
    model = MLP(2, [8, 8, 1], seed=0)
    rows = ([1.0, -2.0], [0.5, 1.5], [0.1, 0.2], [-1.0, 1.0])
    loss = sum((model(row) - 1.0) ** 2 for row in rows)
    assert isinstance(loss, Value)
    loss.label = "loss"
    return model, loss


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("pages")
    root, values = readme_neuron()
    small_model, small_loss = small_mlp_loss()
    big_model, big_loss = big_mlp_loss()
    explorer = viz.explore(big_loss, cluster=big_model)
    assert explorer.summarized
    return {
        "neuron": viz.explore(root, parameters=[values["w1"], values["w2"], values["b"]]).save(
            folder / "neuron.html"
        ),
        "small": viz.explore(small_loss, cluster=small_model).save(folder / "small.html"),
        "big": explorer.save(folder / "big.html"),
        "big_model": big_model,
        "big_loss": big_loss,
        "small_loss": small_loss,
    }


def test_the_readme_neuron_reads_at_14_px_on_a_1280_by_800_screen(
    browser: Any, pages: dict[str, Any]
) -> None:
    page = open_page(browser, pages["neuron"], 1280, 800)
    assert min(node_text_sizes(page)) >= 14
    assert page.errors == []
    page.close()


def test_a_38_node_mlp_reads_at_10_px_on_1920_by_1080_and_zooming_on_a_node_makes_it_14(
    browser: Any, pages: dict[str, Any]
) -> None:
    page = open_page(browser, pages["small"], 1920, 1080)
    assert len(topological_order(pages["small_loss"])) >= 37
    assert min(node_text_sizes(page)) >= 10
    groups = page.locator("#tl-graph svg g.node")
    count = groups.count()
    for k in sorted({0, count // 3, count // 2, count - 1}):
        page.keyboard.press("0")
        box = groups.nth(k).bounding_box()
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        for _ in range(3):
            page.mouse.wheel(0, -120)
        texts = groups.nth(k).locator("text")
        size = texts.first.evaluate(
            "(t) => parseFloat(t.getAttribute('font-size')) * t.getScreenCTM().a"
        )
        assert size >= 14, (k, size)
        # the node stays under the pointer, inside the graph's area
        after = groups.nth(k).bounding_box()
        area = page.locator("#tl-graph").bounding_box()
        centre = (after["x"] + after["width"] / 2, after["y"] + after["height"] / 2)
        assert area["x"] <= centre[0] <= area["x"] + area["width"]
        assert area["y"] <= centre[1] <= area["y"] + area["height"]
    assert page.errors == []
    page.close()


def test_keys_zoom_drag_pans_and_zero_fits_again(browser: Any, pages: dict[str, Any]) -> None:
    page = open_page(browser, pages["neuron"], 1280, 800)
    fitted = page.evaluate("window.tinygradLite.scale()")
    page.keyboard.press("+")
    page.keyboard.press("+")
    zoomed = page.evaluate("window.tinygradLite.scale()")
    assert zoomed > fitted * 1.4
    node = page.locator("#tl-node-0")
    before = node.bounding_box()
    area = page.locator("#tl-graph").bounding_box()
    start = (area["x"] + 40, area["y"] + 40)
    page.mouse.move(*start)
    page.mouse.down()
    page.mouse.move(start[0] + 120, start[1] + 70, steps=5)
    page.mouse.up()
    after = node.bounding_box()
    assert abs(after["x"] - before["x"] - 120) < 2 and abs(after["y"] - before["y"] - 70) < 2
    page.keyboard.press("-")
    assert page.evaluate("window.tinygradLite.scale()") < zoomed
    page.keyboard.press("0")
    assert abs(page.evaluate("window.tinygradLite.scale()") - fitted) < 1e-6
    assert page.errors == []
    page.close()


def test_presentation_mode_shows_graph_and_caption_large_and_still_steps(
    browser: Any, pages: dict[str, Any]
) -> None:
    page = open_page(browser, pages["neuron"], 1280, 800)
    fitted = page.evaluate("window.tinygradLite.scale()")
    page.keyboard.press("f")
    assert not page.locator("aside").is_visible()
    assert not page.locator("footer").is_visible()
    caption = page.locator("#tl-status")
    assert float(caption.evaluate("(e) => parseFloat(getComputedStyle(e).fontSize)")) >= 24
    assert page.evaluate("window.tinygradLite.scale()") > fitted  # the graph took the room
    page.keyboard.press("ArrowRight")
    assert page.evaluate("window.tinygradLite.phase()") == "forward"
    assert (caption.text_content() or "").startswith("forward 1 /")
    page.click("#tl-present")
    assert page.locator("aside").is_visible()
    page.keyboard.press("p")
    assert not page.locator("aside").is_visible()
    assert page.errors == []
    page.close()


def expected_neuron(node: Value, owners: dict[Value, str]) -> str:
    """The neuron computing ``node``: the one whose parameters it reads, or its input's."""
    for parent in node.parents:
        if parent in owners:
            return owners[parent]
    (only,) = set(node.parents)
    return expected_neuron(only, owners)


def test_summary_stepping_outlines_the_neuron_being_computed(
    browser: Any, pages: dict[str, Any]
) -> None:
    model, loss = pages["big_model"], pages["big_loss"]
    owners = {}
    for name, parameter in model.named_parameters():
        owners[parameter] = name.rsplit(".", 2)[0]  # layers.0.neurons.3.w.1 -> layers.0.neurons.3
    page = open_page(browser, pages["big"], 1920, 1080)
    assert "one box per neuron" in (page.text_content("#tl-summary") or "")
    outlined = page.evaluate(
        """(n) => { const seen = [];
          for (let k = 0; k < n; k++) { window.tinygradLite.step(1);
            const boxes = Array.from(document.querySelectorAll('.tl-box-current')).map((e) => e.id);
            seen.push([boxes, document.getElementById('tl-status').textContent]); }
          return seen; }""",
        len(topological_order(loss, leaves=False)),
    )
    operations = [node for node in topological_order(loss) if not node.is_leaf]
    checked = 0
    for node, (boxes, caption) in zip(operations, outlined, strict=True):
        if node.op in ("dot", "relu") and any(p in owners or p.op == "dot" for p in node.parents):
            neuron = expected_neuron(node, owners)
            assert boxes == [f"tl-box-{neuron}"], (node.op, boxes)
            assert f": {neuron}: " in caption  # the caption names the box in the picture
            checked += 1
    # per point: a dot in each of the 17 neurons, a relu in the 16 hidden ones (the last is linear)
    assert checked == 4 * (17 + 16)
    # the outline is drawn: the box's shape gets the thick stroke
    page.evaluate("window.tinygradLite.reset(); window.tinygradLite.step(1)")
    width = page.evaluate(
        """() => { const box = document.querySelector('.tl-box-current');
          const shape = box.querySelector('path, polygon');
          return parseFloat(getComputedStyle(shape).strokeWidth); }"""
    )
    assert width >= 4
    # nothing is thousands of pixels tall: the summary fits the window
    svg = page.locator("#tl-graph svg").bounding_box()
    assert svg["height"] <= 1080
    assert page.errors == []
    page.close()


def test_clicking_a_neuron_opens_its_inside_and_back(browser: Any, pages: dict[str, Any]) -> None:
    model, loss = pages["big_model"], pages["big_loss"]
    page = open_page(browser, pages["big"], 1920, 1080)
    page.click('[id="tl-box-layers.1.neurons.3"]')
    assert page.evaluate("window.tinygradLite.view()") == "layers.1.neurons.3"
    neuron = model.layers[1].neurons[3]
    texts = page.locator("#tl-graph svg").text_content() or ""
    for w in [*neuron.w, neuron.b]:
        assert f"data {viz.values.number(w.data)}" in texts
    page.evaluate("window.tinygradLite.toEnd()")
    loss.backward()
    texts = page.locator("#tl-graph svg").text_content() or ""
    assert f"grad {viz.values.number(neuron.w[0].grad)}" in texts
    # stepping is shown inside too: the current node is outlined when it is this neuron's
    page.evaluate("window.tinygradLite.reset()")
    order = topological_order(loss)
    first = next(
        k for k, node in enumerate(n for n in order if not n.is_leaf) if neuron.w[0] in node.parents
    )
    page.evaluate(f"window.tinygradLite.step({first + 1})")
    assert page.locator("#tl-graph svg .tl-current").count() >= 1
    page.keyboard.press("Backspace")
    assert page.evaluate("window.tinygradLite.view()") == ""
    assert page.errors == []
    page.close()


def test_picture_ledger_and_captions_use_the_same_names(browser: Any, tmp_path: Path) -> None:
    neuron = Neuron(3, activation="tanh", seed=0)
    xs = [Value(0.5), Value(-1.0), Value(2.0)]
    out = neuron(xs)
    path = viz.explore(out, parameters=neuron.parameters()).save(tmp_path / "names.html")
    page = open_page(browser, path, 1280, 800)
    order = topological_order(out)
    titles = {}
    for k, node in enumerate(order):
        if node.is_leaf:
            title = page.locator(f"#tl-node-{k} text").first.text_content()
            page.click(f"#tl-node-{k}")
            ledger = page.text_content("#tl-ledger-name") or ""
            assert ledger.split(" (")[0] == title
            titles[node] = title
    assert sorted(titles[p] for p in neuron.parameters()) == ["p0", "p1", "p2", "p3"]
    assert sorted(titles[x] for x in xs) == ["x0", "x1", "x2"]
    captions = page.evaluate(
        """(n) => { const seen = [];
          for (let k = 0; k < n; k++) { window.tinygradLite.step(1);
            seen.push(document.getElementById('tl-status').textContent); }
          return seen; }""",
        200,
    )
    named = [c.split(": ", 1)[1] for c in captions if ".grad += " in c]
    receivers = {line.split(".grad += ")[0] for c in named for line in c.split("; ")}
    leaves = set(titles.values())
    assert leaves <= receivers | {""}  # every leaf's gradient arrives under its picture name
    assert not any(c.startswith(("w.", "x3", "x4")) for c in receivers)
    assert page.errors == []
    page.close()


def test_at_800_px_wide_the_panels_fit_under_the_graph(browser: Any, pages: dict[str, Any]) -> None:
    page = open_page(browser, pages["neuron"], 800, 900)
    for selector in ("#tl-graph", "#tl-program", "#tl-ledger"):
        box = page.locator(selector).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 800, (selector, box)
    assert page.locator("#tl-graph").bounding_box()["height"] > 300
    assert page.errors == []
    page.close()


def test_load_starts_the_page_from_svgs_and_a_payload_given_at_run_time(
    browser: Any, pages: dict[str, Any]
) -> None:
    from tinygrad_lite.viz.explorer import page_data
    from tinygrad_lite.viz.render import render

    x = Value(3.0, "x")
    y = x * x + x
    y.label = "y"
    data = page_data(y)
    svgs = {path: render(source, "svg").decode("utf-8") for path, source in data.views.items()}
    page = open_page(browser, pages["neuron"], 1280, 800)
    page.evaluate(
        "([svgs, payload]) => window.tinygradLite.load(svgs, payload)", [svgs, data.payload]
    )
    assert [node["label"] for node in page.evaluate("window.tinygradLite.state()")][-1] == "y"
    page.evaluate("window.tinygradLite.toEnd()")
    y.backward()
    state = page.evaluate("window.tinygradLite.state()")
    assert state[0]["grad"] == x.grad  # 2x + 1 = 7
    assert "y" in (page.title() or "")
    # the main view alone, as a string, works too
    page.evaluate(
        "([svg, payload]) => window.tinygradLite.load(svg, payload)", [svgs[""], data.payload]
    )
    assert page.evaluate("window.tinygradLite.phase()") == "forward"
    assert page.errors == []
    page.close()
