"""Building the playground's static site: the page, Pyodide, the layout engine and this package.

The JavaScript comes from the npm registry at build time only, pinned by the
lock file shipped in ``npm/`` (``npm ci`` runs once per lock file, in a cache
directory, never in the source tree); ``tinygrad_lite`` itself is zipped
from the package that is imported, so a clone ships its own checkout. The
site that comes out is plain files: any static server can host it, and it
asks nothing of any other host.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import subprocess
import tempfile
import zipfile
from importlib import resources
from pathlib import Path
from typing import Any

__all__ = [
    "BuildError",
    "build_site",
    "cache_root",
    "cached_site",
    "npm_modules",
    "site_size",
]

PYODIDE_FILES = (
    "pyodide.mjs",
    "pyodide.asm.mjs",
    "pyodide.asm.wasm",
    "python_stdlib.zip",
    "pyodide-lock.json",
)
"""What the page needs of the ``pyodide`` npm package (no extra Python packages)."""

VENDORED = ("pyodide", "@viz-js/viz", "@codemirror/view", "@codemirror/lang-python")
"""The npm packages whose code the site serves (CodeMirror's others come with it)."""

MARKER = "build-info.json"
"""The file that marks a folder as a playground site (and says what it was built from)."""

# Parts of the package the browser never needs.
_NOT_ZIPPED = ("playground/npm/", "playground/assets/", "playground/examples/")


class BuildError(RuntimeError):
    """The site cannot be built here: npm missing, npm failing, or a bad target folder."""


def cache_root() -> Path:
    """Where built sites and npm packages are kept between runs.

    ``$TINYGRAD_LITE_CACHE`` if set (``make`` points it into ``.venv``), else
    ``$XDG_CACHE_HOME/tinygrad_lite``, else ``~/.cache/tinygrad_lite``.
    """
    chosen = os.environ.get("TINYGRAD_LITE_CACHE")
    if chosen:
        return Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "tinygrad_lite"


def _package_root() -> Path:
    return Path(str(resources.files("tinygrad_lite")))


def _here() -> Path:
    return Path(str(resources.files(__package__)))


def _digest(files: list[tuple[str, Path]]) -> str:
    """A short hash of file names and contents."""
    digest = hashlib.sha256()
    for name, path in files:
        digest.update(name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def _package_files() -> list[tuple[str, Path]]:
    """Every file of the imported ``tinygrad_lite`` (no bytecode), by its path inside it."""
    root = _package_root()
    return sorted(
        (path.relative_to(root).as_posix(), path)
        for path in root.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"
    )


def npm_modules(*, install: bool = True) -> Path:
    """The ``node_modules`` folder of the shipped lock file, installed with ``npm ci`` if missing.

    Kept in :func:`cache_root` under the lock file's hash, so a new lock file
    means a new install and an old one is never half-overwritten.

    Args:
        install: Run ``npm ci`` when the packages are not there yet (this is the
            only step that uses the network); with False, raise instead.

    Raises:
        BuildError: When the packages are missing and ``install`` is False, when
            npm is not installed, or when ``npm ci`` fails.
    """
    npm_dir = _here() / "npm"
    inputs = [(name, npm_dir / name) for name in ("package.json", "package-lock.json")]
    home = cache_root() / "npm" / _digest(inputs)
    modules = home / "node_modules"
    if (home / ".complete").exists():
        return modules
    if not install:
        raise BuildError(
            f"the playground's npm packages are not installed in {home}; "
            "run `tinygrad-lite playground --build DIR` (or `make playground`) once, with network"
        )
    npm = shutil.which("npm")
    if npm is None:
        raise BuildError(
            "building the playground needs npm (Node.js) to fetch its pinned JavaScript "
            "packages once: install Node.js (Debian: apt-get install nodejs npm)"
        )
    home.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=home.name + ".", dir=home.parent))
    for name, path in inputs:
        shutil.copyfile(path, work / name)
    # NOTE: --ignore-scripts: no package runs code at install; esbuild's binary comes
    # from its platform package, which needs no install script.
    command = [npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"]
    done = subprocess.run(command, cwd=work, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        shutil.rmtree(work, ignore_errors=True)
        raise BuildError(f"npm ci failed (exit {done.returncode}): {done.stderr.strip()[-2000:]}")
    (work / ".complete").write_text("npm ci done\n", encoding="utf-8")
    try:
        work.rename(home)
    except OSError:  # another build got there first: use its copy
        shutil.rmtree(work, ignore_errors=True)
    return modules


def _package_version(modules: Path, name: str) -> str:
    manifest = json.loads((modules / name / "package.json").read_text(encoding="utf-8"))
    return str(manifest["version"])


def _copy_licences(modules: Path, target: Path) -> None:
    """One text with the name, version and licence of every package the site serves."""
    parts = []
    for name in VENDORED:
        folder = modules / name
        manifest = json.loads((folder / "package.json").read_text(encoding="utf-8"))
        parts.append(f"{name} {manifest['version']}: {manifest.get('license', 'see its package')}")
        for licence in sorted(folder.glob("LICEN[CS]E*")):
            parts.append(licence.read_text(encoding="utf-8", errors="replace"))
    (target / "THIRD_PARTY.txt").write_text("\n\n".join(parts) + "\n", encoding="utf-8")


def _bundle_editor(modules: Path, target: Path) -> None:
    """esbuild bundles CodeMirror and the editor set-up into one minified module."""
    esbuild = modules / ".bin" / "esbuild"
    # The entry must sit beside node_modules for esbuild to resolve its imports.
    with tempfile.NamedTemporaryFile(
        "w", suffix=".js", dir=modules.parent, delete=False, encoding="utf-8"
    ) as entry:
        entry.write((_here() / "npm" / "editor.js").read_text(encoding="utf-8"))
    try:
        command = [
            str(esbuild),
            entry.name,
            "--bundle",
            "--format=esm",
            "--minify",
            "--log-level=error",
            f"--outfile={target}",
        ]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
    finally:
        os.unlink(entry.name)
    if done.returncode != 0:
        raise BuildError(f"bundling the editor failed: {done.stderr.strip()[-2000:]}")


def _zip_package(target: Path) -> None:
    """The imported tinygrad_lite as a zip the page unpacks into Pyodide (fixed dates, so
    the same sources give the same bytes)."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, path in _package_files():
            if name.startswith(_NOT_ZIPPED):
                continue
            info = zipfile.ZipInfo(f"tinygrad_lite/{name}", date_time=(2020, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, path.read_bytes())


def _examples() -> list[dict[str, str]]:
    """The example menu: file name, title (the first comment line), code."""
    examples = []
    for path in sorted((_here() / "examples").glob("*.py")):
        code = path.read_text(encoding="utf-8")
        title = code.splitlines()[0].lstrip("# ").rstrip(".:") if code else path.stem
        examples.append({"name": path.stem.split("_", 1)[-1], "title": title, "code": code})
    return examples


def _check_target(target: Path) -> None:
    """A target folder must be new, empty, or a playground site built before."""
    if target.exists() and not target.is_dir():
        raise BuildError(f"--build needs a folder, and {target} is a file")
    if target.is_dir() and any(target.iterdir()) and not (target / MARKER).exists():
        raise BuildError(
            f"{target} is not empty and holds no playground site ({MARKER}); "
            "give a new or empty folder"
        )


def build_site(target: str | Path, *, install: bool = True) -> Path:
    """Write the playground's static site into ``target`` and return its path.

    The folder gets the page (``index.html`` and its scripts and style), the
    explorer's page parts (``explorer/``), the examples (``examples.json``),
    Pyodide, the layout engine and the bundled editor (``vendor/``), the
    package (``tinygrad_lite.zip``), the licences of what it serves
    (``THIRD_PARTY.txt``) and ``build-info.json``. Serve it from any static
    server; a ``file://`` page cannot start Pyodide.

    Args:
        target: A new or empty folder, or one that holds a site built before
            (it is rebuilt).
        install: Fetch the pinned npm packages if they are not cached yet
            (see :func:`npm_modules`).

    Raises:
        BuildError: For a folder holding something else, or when the npm
            packages cannot be had or bundled.
    """
    target = Path(target)
    _check_target(target)
    modules = npm_modules(install=install)
    if target.exists():
        shutil.rmtree(target)
    vendor = target / "vendor"
    (vendor / "pyodide").mkdir(parents=True)
    (target / "explorer").mkdir()
    for asset in sorted((_here() / "assets").iterdir()):
        shutil.copyfile(asset, target / asset.name)
    for asset in sorted((_package_root() / "viz" / "assets").iterdir()):
        shutil.copyfile(asset, target / "explorer" / asset.name)
    for name in PYODIDE_FILES:
        shutil.copyfile(modules / "pyodide" / name, vendor / "pyodide" / name)
    shutil.copyfile(modules / "@viz-js/viz/lib/viz-standalone.mjs", vendor / "viz-standalone.mjs")
    _bundle_editor(modules, vendor / "editor.js")
    _copy_licences(modules, target)
    _zip_package(target / "tinygrad_lite.zip")
    examples = json.dumps(_examples(), ensure_ascii=False, indent=1)
    (target / "examples.json").write_text(examples + "\n", encoding="utf-8")
    from ..version import __version__

    info: dict[str, Any] = {
        "tinygrad_lite": __version__,
        "sources": _digest(_package_files()),
        "npm": {name: _package_version(modules, name) for name in VENDORED},
    }
    (target / MARKER).write_text(json.dumps(info, indent=1) + "\n", encoding="utf-8")
    return target


def cached_site(*, install: bool = True) -> Path:
    """A site built from the imported package as it is now, built once and kept in the cache.

    Its folder is named by a hash of every file of the package (sources,
    assets, lock file), so an edit gives a fresh build (and the older site
    is removed) and an unchanged package is served at once.
    """
    site = cache_root() / "site" / _digest(_package_files())
    if (site / MARKER).exists():
        return site
    site.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=site.name + ".", dir=site.parent))
    build_site(work / "site", install=install)
    with contextlib.suppress(OSError):  # built meanwhile by another process: keep that one
        (work / "site").rename(site)
    shutil.rmtree(work, ignore_errors=True)
    # Sites of earlier versions of the package are 15 MB each: only the newest is kept.
    for other in site.parent.iterdir():
        if other != site and (other / MARKER).exists():
            shutil.rmtree(other, ignore_errors=True)
    return site


def site_size(site: str | Path) -> tuple[int, int]:
    """``(bytes, files)`` of a built site."""
    files = [path for path in Path(site).rglob("*") if path.is_file()]
    return sum(path.stat().st_size for path in files), len(files)
