"""Shared test set-up: a fixed terminal width and no colour, so CLI output is the same on every machine, and a
derivation cache of the tests' own."""

import atexit
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
os.environ["GD_WIDTH"] = "100"
os.environ["NO_COLOR"] = "1"
os.environ.pop("FORCE_COLOR", None)
os.environ["GDCLI_CACHE"] = tempfile.mkdtemp(prefix="gd-test-cache-")
"""The tests' derivation cache: never the user's own (tests that need a cache of their own set GDCLI_CACHE)."""
atexit.register(shutil.rmtree, os.environ["GDCLI_CACHE"], True)


@pytest.fixture
def cli():
    """Invoke `gd ARGS…` in-process; returns typer's Result (exit_code, stdout, stderr)."""
    from gdcli.cli import app

    runner = CliRunner()

    def invoke(*args, input=None):
        return runner.invoke(app, [str(a) for a in args], input=input)

    return invoke


def run_python(code: str, *args: str, env: dict | None = None, clear: bool = False) -> subprocess.CompletedProcess:
    """Run ``python -c code`` in a fresh interpreter with the repository on the path; in this process's
    environment with ``env`` added, or in ``env`` alone when ``clear``."""
    environment = dict({} if clear else os.environ, PYTHONPATH=str(ROOT), **(env or {}))
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, env=environment,
                          timeout=120)
