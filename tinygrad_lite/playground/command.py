"""``tinygrad-lite playground``: build the playground's site, serve it locally, open it.

Registered by :mod:`tinygrad_lite.cli`; the build and the server load only
when the command runs.
"""

from __future__ import annotations

import argparse
import sys
import webbrowser
from pathlib import Path
from typing import Any

__all__ = ["add_command"]

DEFAULT_PORT = 8000


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        port = -1
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"--port must be an integer in [0, 65535], got {text!r}")
    return port


def _playground(args: argparse.Namespace) -> int:
    from .build import BuildError, build_site, cached_site, site_size
    from .server import SiteServer

    try:
        if args.build is not None:
            site = build_site(Path(args.build))
            size, files = site_size(site)
            print(f"wrote the playground site to {site}: {files} files, {size / 1e6:.1f} MB")
            print("serve it from any static server (a file:// page cannot start Python)")
            return 0
        print("building the playground site (once per version of the package) ...", flush=True)
        site = cached_site()
    except BuildError as error:
        print(f"tinygrad-lite playground: error: {error}", file=sys.stderr)
        return 1
    server = SiteServer(site, args.port)
    try:
        server.start()
    except OSError as error:
        print(
            f"tinygrad-lite playground: error: cannot listen on 127.0.0.1:{args.port} ({error}); "
            "pass --port N (0 picks a free port)",
            file=sys.stderr,
        )
        return 1
    print(f"the playground is at {server.url}  (Ctrl-C stops it)", flush=True)
    if not args.no_browser:
        webbrowser.open(server.url)
    try:
        server.wait()
    except KeyboardInterrupt:
        print("stopped")
    finally:
        server.stop()
    return 0


def add_command(commands: Any) -> None:
    """Add the ``playground`` subcommand to the CLI's subparsers."""
    playground = commands.add_parser(
        "playground",
        help="type Python in a browser page, see its graph, step its backward pass",
        description=(
            "Serve the playground on 127.0.0.1: an editor, Python (Pyodide) with tinygrad_lite, "
            "and the graph explorer, all offline. The site is built on first use (npm fetches "
            "its pinned JavaScript once) and kept in the cache."
        ),
    )
    playground.add_argument(
        "--port", type=_port, default=DEFAULT_PORT, help=f"port ({DEFAULT_PORT}; 0: any free one)"
    )
    playground.add_argument("--no-browser", action="store_true", help="print the URL only")
    playground.add_argument(
        "--build", metavar="DIR", help="write the static site to DIR and exit (no server)"
    )
    playground.set_defaults(handler=_playground)
