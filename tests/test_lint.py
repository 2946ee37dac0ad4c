"""The code stays clean under the project's ruff and mypy settings (pyproject.toml)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT


def _tool(name: str) -> str:
    beside_python = str(Path(sys.executable).parent)
    path = shutil.which(name, path=beside_python) or shutil.which(name)
    if path is None:
        if os.environ.get("CI"):
            pytest.fail(f"{name} is not installed; CI installs the dev extra (make test)")
        pytest.skip(f"{name} is not installed (make test installs it into .venv)")
    return path


def test_ruff() -> None:
    result = subprocess.run([_tool("ruff"), "check", "geo", "tests", "bench", "app.py"], cwd=ROOT,
                            capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy() -> None:
    _tool("mypy")
    result = subprocess.run([sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True, text=True, timeout=600,
                            check=False)
    assert result.returncode == 0, result.stdout + result.stderr
