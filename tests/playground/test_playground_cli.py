"""``tinygrad-lite playground``: the static site to a folder, and the local server."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from playground_site import MISSING_NPM

from tinygrad_lite.cli import main

needs_npm = pytest.mark.skipif(bool(MISSING_NPM), reason=f"playground site: {MISSING_NPM}")


@needs_npm
def test_build_writes_the_static_site_to_a_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["playground", "--build", str(tmp_path / "site")]) == 0
    info = json.loads((tmp_path / "site" / "build-info.json").read_text(encoding="utf-8"))
    assert info["npm"]["pyodide"] and (tmp_path / "site" / "index.html").is_file()
    assert f"wrote the playground site to {tmp_path / 'site'}" in capsys.readouterr().out


def test_build_into_a_folder_of_other_files_fails_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "keep.txt").write_text("mine", encoding="utf-8")
    assert main(["playground", "--build", str(tmp_path)]) == 1
    error = capsys.readouterr().err
    assert error.startswith("tinygrad-lite playground: error: ") and error.count("\n") == 1
    assert (tmp_path / "keep.txt").is_file()


@pytest.mark.parametrize("port", ["-1", "65536", "http"])
def test_a_bad_port_is_refused_in_one_line(port: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["playground", "--port", port])
    assert stopped.value.code == 2
    assert f"--port must be an integer in [0, 65535], got '{port}'" in capsys.readouterr().err


@needs_npm
def test_the_command_serves_the_site_on_localhost_and_prints_its_url() -> None:
    command = [sys.executable, "-m", "tinygrad_lite", "playground", "--no-browser", "--port", "0"]
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=os.environ.copy()
    )
    try:
        assert process.stdout is not None
        line = ""
        while "the playground is at" not in line:
            line = process.stdout.readline()
            assert line, process.stderr.read() if process.stderr else "no output"
        url = line.split("the playground is at ")[1].split()[0]
        assert url.startswith("http://127.0.0.1:")
        with urllib.request.urlopen(url) as response:
            assert b"tinygrad_lite playground" in response.read()
        with urllib.request.urlopen(url + "vendor/pyodide/pyodide.asm.wasm") as response:
            assert response.headers["Content-Type"] == "application/wasm"
            assert response.read(4) == b"\0asm"
    finally:
        process.terminate()
        process.wait(timeout=30)
