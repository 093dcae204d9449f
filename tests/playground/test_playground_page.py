"""The playground in a real headless Chromium (Debian's package, driven by playwright).

The site is built once per session and served on 127.0.0.1; every request
the page and its worker make is recorded, and any to another host is
refused. Expected numbers come from CPython running the same code through
the engine (``backward()`` from zero), never from the page's own data.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from browser import CHROMIUM, FLAGS, MISSING
from playground_site import example_code

from tinygrad_lite import Value
from tinygrad_lite.engine import topological_order
from tinygrad_lite.playground.runtime import Session, run
from tinygrad_lite.playground.server import SiteServer

pytestmark = pytest.mark.skipif(bool(MISSING), reason=f"browser tests: {MISSING}")

EXAMPLES = example_code()
GRAPH_EXAMPLES = [name for name in EXAMPLES if name != "moons"]
TIMEOUT = 120_000
"""Milliseconds to wait for Python to start (several seconds on a busy machine)."""


class Browser:
    """One Chromium context on the site: every request recorded, other hosts refused."""

    def __init__(self, browser: Any, url: str) -> None:
        self.url = url
        self.origin = urlsplit(url).netloc
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.context = browser.new_context(viewport={"width": 1400, "height": 900})
        self.context.on("request", lambda request: self.requests.append(request.url))
        self.context.route("**/*", self._route)

    def _route(self, route: Any) -> None:
        if urlsplit(route.request.url).netloc == self.origin:
            route.continue_()
        else:
            route.abort()

    def open(self, url: str) -> Any:
        """A page at ``url``, once Python has started and the first run is over."""
        page = self.context.new_page()
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.goto(url)
        page.wait_for_function(
            "window.tinygradLite && window.tinygradLite.runs() >= 1", timeout=TIMEOUT
        )
        return page


@pytest.fixture(scope="module")
def server(site: Path) -> Iterator[SiteServer]:
    with SiteServer(site) as running:
        yield running


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def browser(chromium: Any, server: SiteServer) -> Iterator[Browser]:
    opened = Browser(chromium, server.url)
    yield opened
    opened.context.close()


@pytest.fixture(scope="module")
def page(browser: Browser, server: SiteServer) -> Any:
    """One playground page for the module: Python starts once."""
    return browser.open(server.url)


def hook(page: Any, call: str) -> Any:
    return page.evaluate(f"window.tinygradLite.{call}")


def run_in_page(page: Any, code: str) -> Any:
    return page.evaluate("(code) => window.tinygradLite.run(code)", code)


def cpython_nodes(code: str) -> list[tuple[str, str, float, float]]:
    """``(label, op, data, grad)`` per node of the Value the code shows, in topological order,
    after one backward from zero grads, computed by CPython's engine."""
    session = Session(lambda kind, text: None)
    assert run(code, session)["error"] is None
    root = session.last
    assert isinstance(root, Value)
    order = topological_order(root)
    for node in order:
        node.grad = 0.0
    root.backward()
    return [(node.label, node.op, node.data, node.grad) for node in order]


def close(shown: Any, expected: float) -> bool:
    # NOTE: Pyodide's libm (exp, tanh, log1p) may differ from the host's in the last bit.
    if math.isnan(expected):
        return shown is None or (isinstance(shown, float) and math.isnan(shown))
    return isinstance(shown, int | float) and math.isclose(
        shown, expected, rel_tol=1e-12, abs_tol=1e-300
    )


def test_the_first_example_runs_as_the_page_opens_and_draws_its_graph(page: Any) -> None:
    assert hook(page, "code()") == EXAMPLES["neuron"]
    assert hook(page, "graphs()") >= 1
    assert hook(page, "phase()") == "forward"
    assert "o = 0.7071" in hook(page, "output()")


@pytest.mark.parametrize("name", list(EXAMPLES))
def test_each_example_runs_and_draws(page: Any, name: str) -> None:
    graphs = hook(page, "graphs()")
    answer = page.evaluate("(name) => window.tinygradLite.loadExample(name)", name)
    assert answer["error"] is None
    if name == "moons":
        # One boundary and loss curve per epoch, as many as CPython's run draws.
        drawn: list[str] = []
        run(EXAMPLES[name], lambda kind, text: drawn.append(kind))
        assert hook(page, "training().epochs") == drawn.count("training") == 40
        assert page.is_visible("#pg-boundary") and page.is_visible("#pg-loss")
        painted = page.evaluate(
            "() => { const c = document.getElementById('pg-boundary').getContext('2d');"
            " return Array.from(c.getImageData(0, 0, 300, 300).data).some((v) => v !== 0); }"
        )
        assert painted
        assert "accuracy" in hook(page, "output()")
    else:
        assert hook(page, "graphs()") == graphs + 1
        assert page.frame_locator("#pg-explorer").locator("svg g.node").count() > 0


@pytest.mark.parametrize("name", GRAPH_EXAMPLES)
def test_stepping_to_the_end_gives_cpythons_data_and_grad_for_every_node(
    page: Any, name: str
) -> None:
    page.evaluate("(name) => window.tinygradLite.loadExample(name)", name)
    hook(page, "toEnd()")
    assert hook(page, "phase()") == "done"
    shown = hook(page, "state()")
    expected = cpython_nodes(EXAMPLES[name])
    assert len(shown) == len(expected)
    for node, (label, op, data, grad) in zip(shown, expected, strict=True):
        assert (node["label"], node["op"]) == (label, op)
        assert close(node["data"], data), (node, data)
        assert close(node["grad"], grad), (node, grad)


def test_editing_the_code_and_running_again_redraws(page: Any) -> None:
    first = "from tinygrad_lite import Value\na = Value(2.0, 'a')\nb = Value(5.0, 'b')\na * b\n"
    run_in_page(page, first)
    graphs = hook(page, "graphs()")
    second = first.replace("a * b", "(a + b).exp()")
    page.evaluate("(code) => window.tinygradLite.setCode(code)", second)
    assert hook(page, "run()")["error"] is None
    assert hook(page, "graphs()") == graphs + 1
    hook(page, "toEnd()")
    shown = hook(page, "state()")
    expected = cpython_nodes(second)
    assert [node["op"] for node in shown] == [op for _, op, _, _ in expected]
    assert close(shown[-1]["data"], math.exp(7.0))
    assert close(shown[0]["grad"], expected[0][3])


def test_ctrl_enter_in_the_editor_runs_the_code(page: Any) -> None:
    page.evaluate("(code) => window.tinygradLite.setCode(code)", "print('ran by key')")
    runs = hook(page, "runs()")
    page.click("#pg-editor .cm-content")
    page.keyboard.press("Control+Enter")
    page.wait_for_function(f"window.tinygradLite.runs() > {runs}", timeout=TIMEOUT)
    assert "ran by key" in hook(page, "output()")
    # A run that shows no Value leaves no stale graph behind.
    assert page.is_hidden("#pg-explorer") and page.is_visible("#pg-nograph")


def error_line_in_editor(page: Any) -> list[int]:
    """The 1-based numbers of the editor lines drawn with the error mark."""
    return page.evaluate(
        "() => Array.from(document.querySelectorAll('#pg-editor .cm-line'))"
        ".map((line, i) => line.classList.contains('tl-error-line') ? i + 1 : 0)"
        ".filter((n) => n > 0)"
    )


def test_a_syntax_error_shows_its_message_and_line(page: Any) -> None:
    answer = run_in_page(page, "x = 1\ny = 2\nz = (x +\nprint(z)\n")
    assert answer["error"]["kind"] == "SyntaxError"
    assert hook(page, "error().line") == 3
    assert error_line_in_editor(page) == [3]
    shown = page.inner_text("#pg-error")
    assert shown.startswith("line 3: SyntaxError")


def test_a_runtime_error_shows_its_message_and_line(page: Any) -> None:
    code = (
        "from tinygrad_lite import Value\n\ndef f(v):\n    return v.no_such_op()\n\nf(Value(1.0))\n"
    )
    run_in_page(page, code)
    assert hook(page, "error().line") == 4
    assert error_line_in_editor(page) == [4]
    assert page.inner_text("#pg-error").startswith("line 4: AttributeError")
    assert "no_such_op" in hook(page, "output()")  # the traceback
    # The next good run clears the mark.
    run_in_page(page, "1 + 1")
    assert hook(page, "error()") is None and error_line_in_editor(page) == []


def test_the_address_keeps_the_code_and_a_link_reproduces_the_page(
    page: Any, browser: Browser
) -> None:
    code = (
        "# a link keeps all of this: # & % ? = + é 漢 \\n\n"
        "from tinygrad_lite import Value\nx = Value(0.5, 'x')\n(x * x).tanh()\n"
    )
    run_in_page(page, code)
    link = page.url
    assert "#code=" in link
    other = browser.open(link)
    try:
        assert hook(other, "code()") == code
        assert hook(other, "graphs()") == 1
        hook(other, "toEnd()")
        expected = cpython_nodes(code)
        shown = hook(other, "state()")
        assert all(close(n["grad"], e[3]) for n, e in zip(shown, expected, strict=True))
    finally:
        other.close()


def test_stop_ends_a_run_that_never_ends_and_python_starts_afresh(browser: Browser) -> None:
    page = browser.open(browser.url)
    try:
        runs = hook(page, "runs()")
        page.evaluate("window.tinygradLite.setCode('while True:\\n    pass\\n')")
        page.click("#pg-run")
        page.wait_for_function("document.getElementById('pg-stop').disabled === false")
        page.click("#pg-stop")
        page.wait_for_function(f"window.tinygradLite.runs() > {runs}", timeout=TIMEOUT)
        assert hook(page, "error().kind") == "Stopped"
        page.wait_for_function("window.tinygradLite.ready()", timeout=TIMEOUT)
        assert run_in_page(page, "6 * 7")["result"] == "42"
    finally:
        page.close()


def test_no_request_leaves_the_local_server_and_no_script_fails(
    page: Any, browser: Browser, server: SiteServer
) -> None:
    # Runs last in this module: every page and worker request above is recorded.
    hosts = {urlsplit(url).netloc for url in browser.requests}
    assert hosts == {urlsplit(server.url).netloc}
    assert urlsplit(server.url).hostname == "127.0.0.1"
    paths = {urlsplit(url).path for url in browser.requests}
    # The worker's own requests are among those recorded (Pyodide's WebAssembly).
    assert "/vendor/pyodide/pyodide.asm.wasm" in paths and "/tinygrad_lite.zip" in paths
    assert browser.errors == []
