"""The testing extra: tinygrad_lite never imports hypothesis; without it, the error says how."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=120,
    )


def test_importing_tinygrad_lite_does_not_import_hypothesis() -> None:
    result = run("import sys, tinygrad_lite; print('hypothesis' in sys.modules)")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_without_hypothesis_the_import_error_names_the_extra_and_both_commands() -> None:
    result = run(
        "import sys\n"
        "sys.modules['hypothesis'] = None  # as if the testing extra were not installed\n"
        "import tinygrad_lite\n"
        "try:\n"
        "    import tinygrad_lite.testing\n"
        "except ImportError as error:\n"
        "    print(error)\n"
        "else:\n"
        "    print('imported')\n"
    )
    assert result.returncode == 0, result.stderr
    message = result.stdout.strip()
    assert "hypothesis" in message and "testing extra" in message
    assert 'pip install "tinygrad_lite[testing]"' in message
    assert 'pip install -e ".[testing]"' in message
