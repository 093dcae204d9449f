"""The playground's static site: what the build writes, pins and ships (no browser needed)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import zipfile
from importlib import resources
from pathlib import Path

import pytest
from playground_site import example_code

from tinygrad_lite.playground.build import MARKER, BuildError, build_site

NPM = Path(str(resources.files("tinygrad_lite.playground"))) / "npm"


def test_every_npm_package_is_pinned_to_an_exact_version_that_the_lock_file_installs() -> None:
    manifest = json.loads((NPM / "package.json").read_text(encoding="utf-8"))
    lock = json.loads((NPM / "package-lock.json").read_text(encoding="utf-8"))
    wanted = {**manifest["dependencies"], **manifest["devDependencies"]}
    assert {"pyodide", "@viz-js/viz", "esbuild"} <= set(wanted)
    for name, version in wanted.items():
        assert re.fullmatch(r"\d+\.\d+\.\d+", version), f"{name} {version} is not exact"
        assert lock["packages"][f"node_modules/{name}"]["version"] == version
    # The layout engine's version that was tested in Chromium (a later one failed to compile).
    assert wanted["@viz-js/viz"] == "3.14.0"


def test_the_site_holds_every_file_its_pages_and_scripts_ask_for(site: Path) -> None:
    page = (site / "index.html").read_text(encoding="utf-8")
    asked = re.findall(r'(?:src|href)="([^":]+)"', page)
    for script in ("playground.js", "worker.js", "explorer_adapter.js"):
        text = (site / script).read_text(encoding="utf-8")
        asked += re.findall(r'from "\./([^"]+)"', text)
        asked += re.findall(r'new URL\("([^"]+)", (?:site|import\.meta\.url)\)', text)
    asked += [f"explorer/{name}" for name in ("explorer.html", "explorer.css", "explorer.js")]
    asked += [f"vendor/pyodide/{name}" for name in ("pyodide.asm.mjs", "pyodide.asm.wasm")]
    assert {"playground.js", "worker.js", "tinygrad_lite.zip", "examples.json"} <= set(asked)
    for name in asked:
        assert (site / name).is_dir() if name.endswith("/") else (site / name).is_file(), name


def test_the_sites_own_pages_name_no_other_host(site: Path) -> None:
    for name in ("index.html", "playground.js", "worker.js", "explorer_adapter.js", "training.js"):
        assert not re.search(r"https?://", (site / name).read_text(encoding="utf-8")), name


def test_the_examples_json_holds_the_packages_examples(site: Path) -> None:
    shipped = json.loads((site / "examples.json").read_text(encoding="utf-8"))
    assert {e["name"]: e["code"] for e in shipped} == example_code()
    assert all(e["title"] and not e["title"].startswith("#") for e in shipped)


def test_the_zipped_package_imports_and_runs_an_example_on_its_own(site: Path) -> None:
    # A fresh interpreter that sees only the zip (zipimport), not the checkout.
    script = (
        "import sys, json; sys.path.insert(0, sys.argv[1]); import tinygrad_lite;"
        "assert tinygrad_lite.__file__.startswith(sys.argv[1]), tinygrad_lite.__file__;"
        "from tinygrad_lite.playground.runtime import run;"
        "print(json.dumps(run(sys.argv[2], lambda kind, text: print(kind))))"
    )
    neuron = example_code()["neuron"]
    done = subprocess.run(
        [sys.executable, "-I", "-c", script, str(site / "tinygrad_lite.zip"), neuron],
        capture_output=True,
        text=True,
        check=True,
    )
    lines = done.stdout.splitlines()
    assert "graph" in lines and json.loads(lines[-1])["error"] is None


def test_the_zip_leaves_out_what_the_browser_never_needs(site: Path) -> None:
    names = zipfile.ZipFile(site / "tinygrad_lite.zip").namelist()
    assert "tinygrad_lite/viz/assets/explorer.js" in names
    assert not any("__pycache__" in name or "/npm/" in name for name in names)


def test_the_build_refuses_a_folder_that_holds_something_else(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(BuildError, match="not empty and holds no playground site"):
        build_site(tmp_path, install=False)
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_a_site_folder_is_rebuilt_in_place(site: Path, tmp_path: Path) -> None:
    target = build_site(tmp_path / "copy", install=False)
    (target / "stale.txt").write_text("old", encoding="utf-8")
    build_site(target, install=False)
    assert (target / MARKER).is_file() and not (target / "stale.txt").exists()
