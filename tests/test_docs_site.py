"""The documentation site builds strictly, and reads offline.

``mkdocs build --strict`` fails on a broken link, a missing page, an anchor
that does not exist or a docstring reference mkdocstrings cannot resolve.
The built pages must load nothing from another host: no web font, no
script, no stylesheet (the theme's ``font: false``; no plugin fetches).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# an attribute that makes the browser fetch: src=, a stylesheet's href=, CSS url(), @import
FETCHES = re.compile(
    r"""(?:\bsrc=|<link[^>]*\bhref=|url\(|@import\s+)["']?(?:https?:)?//""", re.IGNORECASE
)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT), "NO_MKDOCS_2_WARNING": "1"},
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-5000:]
    return out


def test_the_site_builds_strictly_with_every_page_of_the_nav(site: Path) -> None:
    nav_pages = re.findall(r"(\S+)\.md\s*$", (ROOT / "mkdocs.yml").read_text(), re.MULTILINE)
    assert len(nav_pages) >= 30
    missing = [page for page in nav_pages if not (site / f"{page}.html").is_file()]
    assert not missing


def test_no_page_of_the_site_loads_anything_from_another_host(site: Path) -> None:
    offenders = []
    for path in [*site.rglob("*.html"), *site.rglob("*.css"), *site.rglob("*.js")]:
        text = path.read_text(encoding="utf-8", errors="replace")
        offenders += [f"{path.relative_to(site)}: {m.group(0)}" for m in FETCHES.finditer(text)]
    assert not offenders, "\n".join(offenders[:20])


def test_the_api_reference_shows_the_docstrings(site: Path) -> None:
    engine = (site / "api" / "engine.html").read_text(encoding="utf-8")
    assert 'id="tinygrad_lite.engine.Value.backward"' in engine
    table = (site / "api" / "op-table.html").read_text(encoding="utf-8")
    assert "<code>tanh</code>" in table and "<code>dot</code>" in table


def test_the_notebooks_are_rendered_with_their_committed_pictures(site: Path) -> None:
    for notebook in sorted((ROOT / "notebooks").glob("*.ipynb")):
        page = site / "notebooks" / f"{notebook.stem}.html"
        assert page.is_file(), page
        pictures = list((site / "notebooks" / notebook.stem).glob("output_*"))
        assert ('"image/' in notebook.read_text(encoding="utf-8")) == bool(pictures), notebook


def test_the_notebooks_tex_is_drawn_as_mathml_without_a_script(site: Path) -> None:
    page = (site / "notebooks" / "04_optimizers.html").read_text(encoding="utf-8")
    assert "<math" in page and "\\leftarrow" not in page


@pytest.mark.parametrize("readme", ["README.md", "README.zh-CN.md"])
def test_every_relative_link_of_a_readme_leads_to_a_file(readme: str) -> None:
    # mkdocs checks the site's links; the READMEs are outside it, so they are checked here
    text = (ROOT / readme).read_text(encoding="utf-8")
    targets = re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text)
    local = [target for target in targets if "://" not in target]
    assert local
    assert [target for target in local if not (ROOT / target).exists()] == []
