"""MkDocs hook: pages made at build time from what the repository already holds.

* ``notebooks/*.ipynb`` become pages under ``notebooks/`` (their markdown
  cells as they are, code cells as Python blocks, the committed outputs as
  text blocks and pictures), so the site shows the notebooks rendered without
  executing anything or fetching any script: the notebooks are executed by
  ``pytest --nbmake`` in ``make test``, and the committed outputs are theirs.
* ``api/op-table.md`` lists every built-in op of the live op table (name,
  symbol, arity, its entry's doc), since Value methods and ``math`` functions
  are generated from the table at import and a static reader cannot see them.

The docstrings write Sphinx roles (``:class:`Value```) and reST's ``::``
before a literal block; on the API pages the roles' prefixes are dropped
(the name stays as code) and ``::`` reads as a colon.

The notebooks' TeX (``$...$``, ``$$...$$``) becomes MathML at build time
(latex2mathml), which browsers draw themselves: no math script is loaded.

Links in the notebooks that point into the repository (``../README.md#...``,
``../docs/x.png``) are rewritten to the site's pages and pictures.
"""

from __future__ import annotations

import base64
import json
import re
import sys
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

ROOT = Path(__file__).resolve().parent.parent.parent
NOTEBOOKS = ROOT / "notebooks"

# Where a notebook's link to the repository points on the site (from notebooks/<name>.md).
LINKS = {
    "../README.md#where-this-comes-from": "../source-document.md",
    "../docs/": "../",
}
NOTEBOOK_LINK = re.compile(r"\]\((\d\d_\w+)\.ipynb(#[^)]*)?\)")
CODE_SPAN = re.compile(r"(`+).*?\1", re.DOTALL)
TEX = re.compile(r"\$\$(?P<display>.+?)\$\$|\$(?P<inline>[^$\n]+?)\$", re.DOTALL)


def _text(source: str | list[str]) -> str:
    return source if isinstance(source, str) else "".join(source)


def _fence(text: str, language: str = "text") -> str:
    fence = "```"
    while fence in text:
        fence += "`"
    return f"{fence}{language}\n{text.rstrip()}\n{fence}\n"


def _mathml(match: re.Match[str]) -> str:
    from latex2mathml.converter import convert

    if match.group("display") is not None:
        tex = " ".join(match.group("display").split())
        return '\n<div class="math">' + convert(tex, display="block") + "</div>\n"
    return str(convert(match.group("inline")))


def _tex_to_mathml(text: str) -> str:
    """The TeX of a markdown cell as MathML, code spans left alone."""
    parts, last = [], 0
    for span in CODE_SPAN.finditer(text):
        parts += [TEX.sub(_mathml, text[last : span.start()]), span.group(0)]
        last = span.end()
    return "".join(parts) + TEX.sub(_mathml, text[last:])


def _markdown(text: str) -> str:
    text = _tex_to_mathml(text)
    for old, new in LINKS.items():
        text = text.replace(f"]({old}", f"]({new}")
    # a link to another notebook's heading: the page, without the notebook-style anchor
    return NOTEBOOK_LINK.sub(lambda m: f"]({m.group(1)}.md)", text)


def notebook_page(path: Path, files: Files, config: MkDocsConfig) -> str:
    """The markdown page of one notebook; its pictures are added to ``files``."""
    notebook = json.loads(path.read_text(encoding="utf-8"))
    parts = [
        f"<!-- made from notebooks/{path.name} by docs/hooks/site_pages.py; "
        "the outputs are the committed ones -->\n"
    ]
    picture = 0
    for cell in notebook["cells"]:
        source = _text(cell["source"])
        if cell["cell_type"] == "markdown":
            parts.append(_markdown(source) + "\n")
            continue
        if cell["cell_type"] != "code":
            continue
        parts.append(_fence(source, "python"))
        for output in cell.get("outputs", []):
            if output["output_type"] == "stream":
                parts.append(_fence(_text(output["text"])))
            elif output["output_type"] in ("execute_result", "display_data"):
                data: dict[str, Any] = output["data"]
                for mime, suffix in (("image/png", "png"), ("image/svg+xml", "svg")):
                    if mime in data:
                        picture += 1
                        name = f"notebooks/{path.stem}/output_{picture:02d}.{suffix}"
                        content = _text(data[mime])
                        raw = base64.b64decode(content) if suffix == "png" else content
                        files.append(File.generated(config, name, content=raw))
                        parts.append(
                            f"![output {picture}]({path.stem}/output_{picture:02d}.{suffix})\n"
                        )
                        break
                else:
                    if "text/plain" in data:
                        parts.append(_fence(_text(data["text/plain"])))
            elif output["output_type"] == "error":
                parts.append(_fence("\n".join(output.get("traceback", []))))
    return "\n".join(parts)


def op_table_page() -> str:
    """The built-in ops of the live table, as a markdown page."""
    sys.path.insert(0, str(ROOT))
    from tinygrad_lite.ops import BUILTIN_OPS, OPS

    arity = {1: "unary", 2: "binary", 3: "n-ary"}
    lines = [
        "# The op table, entry by entry",
        "",
        "Every built-in op of `tinygrad_lite.ops.OPS`, read from the table when the",
        "site is built. Each entry is the op's name (also its `Value` method and,",
        "for most, its `tinygrad_lite.math` function), the symbol the drawer writes,",
        "its arity, and its doc: what it computes and its local derivative.",
        "See [Natural Python](../natural-python.md) for the conventions at kinks,",
        "poles and outside the domain, and [Your own ops](../custom-ops.md) to add one.",
        "",
        "| op | symbol | arity | what it is |",
        "|---|---|---|---|",
    ]
    for name in sorted(BUILTIN_OPS):
        op = OPS[name]
        doc = " ".join(op.doc.split()).replace("|", "\\|")
        lines.append(f"| `{name}` | `{op.symbol}` | {arity.get(op.arity, op.arity)} | {doc} |")
    return "\n".join(lines) + "\n"


SPHINX_ROLE = re.compile(r":(?:mod|class|meth|func|attr|data|exc|obj|const):(?=<code>)")
LITERAL_MARK = re.compile(r"::(?=</p>)")


def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    """Drop the Sphinx roles' prefixes and reST's ``::`` from the API pages."""
    if not page.file.src_uri.startswith("api/"):
        return html
    return LITERAL_MARK.sub(":", SPHINX_ROLE.sub("", html))


def on_files(files: Files, config: MkDocsConfig) -> Files:
    """Add the notebooks' pages and pictures, and the op table's page."""
    for path in sorted(NOTEBOOKS.glob("*.ipynb")):
        page = notebook_page(path, files, config)
        files.append(File.generated(config, f"notebooks/{path.stem}.md", content=page))
    files.append(File.generated(config, "api/op-table.md", content=op_table_page()))
    return files
