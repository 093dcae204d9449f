"""A local static server for the playground's site, on 127.0.0.1 only.

Pyodide cannot start from a ``file://`` page, so the site needs a server;
this one is the standard library's, with the content types the page needs
(``application/wasm`` lets the browser compile WebAssembly while it streams).
"""

from __future__ import annotations

import os
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any

__all__ = ["HOST", "SiteServer"]

HOST = "127.0.0.1"
"""The only address the server listens on: the site is for this machine."""

_TYPES = {
    ".wasm": "application/wasm",
    ".mjs": "text/javascript",
    ".js": "text/javascript",
    ".json": "application/json",
    ".zip": "application/zip",
}


class _Handler(SimpleHTTPRequestHandler):
    """Files of one folder, quietly (no line per request)."""

    def guess_type(self, path: str | os.PathLike[str]) -> str:
        """The page's own types first; the standard table for the rest."""
        known = _TYPES.get(Path(path).suffix.lower())
        return known if known is not None else super().guess_type(path)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        """Requests are not logged: the terminal shows the URL and nothing else."""


class SiteServer:
    """Serves a folder on ``http://127.0.0.1:PORT/`` from a background thread.

    Use it as a context manager, or call :meth:`start` and :meth:`stop`.

    Args:
        site: The folder to serve.
        port: The port; 0 picks a free one (read it back from :attr:`url`).

    Raises:
        OSError: When the port is taken (from :meth:`start`).
    """

    def __init__(self, site: str | Path, port: int = 0) -> None:
        self.site = Path(site)
        self.port = port
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """The site's address (``http://127.0.0.1:PORT/``)."""
        if self._server is None:
            raise RuntimeError("the server is not started")
        return f"http://{HOST}:{self._server.server_address[1]}/"

    def start(self) -> SiteServer:
        """Listen and serve in a daemon thread; returns self."""
        handler = partial(_Handler, directory=str(self.site))
        self._server = ThreadingHTTPServer((HOST, self.port), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def wait(self) -> None:
        """Block until the server stops (Ctrl-C in the terminal ends it)."""
        if self._thread is not None:
            self._thread.join()

    def stop(self) -> None:
        """Stop listening and close the socket."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> SiteServer:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
