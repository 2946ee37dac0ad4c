"""``python -m geo``: errors reach the user as one clear message each, never as a traceback."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import pytest

import geo.__main__ as cli
from geo.errors import CatalogError, Problem

from .conftest import ROOT


def test_every_problem_is_printed(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    problems = [Problem("data/projects/X.csv", i, "name_zh", f"problem number {i}") for i in range(1, 61)]

    def fail(args: argparse.Namespace) -> int:
        raise CatalogError(problems, "the catalogue has problems")

    monkeypatch.setattr(cli, "_cmd_build", fail)
    assert cli.main(["build"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: the catalogue has problems\n")
    assert "problem number 60" in err and "more" not in err  # all 60, not the first 50


def test_an_os_error_is_a_message(tmp_path: Path) -> None:
    occupied = tmp_path / "layers"
    occupied.write_text("a file where the layers folder should go", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "geo", "build", "--out", str(occupied)], cwd=ROOT,
                            capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and result.stderr.startswith("error: ")
    assert occupied.read_text(encoding="utf-8").startswith("a file")


def test_locate_refuses_an_empty_text(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["locate", "ZHUZHOU", ""]) == 2
    assert "empty" in capsys.readouterr().err


def test_locate_labels_preamble_offsets(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["locate", "JINSHI", "完善生活垃圾“分类投放、分类收集、分类运输、分类处理”体系"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split("\t")[1] for line in lines] == ["preamble (not quotable)", "body"]
