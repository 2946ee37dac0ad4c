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


# --- bad data: one clear error naming file, row and field; exit 2; never a traceback ---------------

@pytest.fixture
def real_root(tmp_path: Path) -> Path:
    """A copy of the repository's data and layers, to break on purpose."""
    import shutil

    shutil.copytree(ROOT / "data", tmp_path / "data", ignore=shutil.ignore_patterns("geocode_cache"))
    shutil.copytree(ROOT / "layers", tmp_path / "layers")
    return tmp_path


def _geo(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {"CPM_ROOT": str(root), "PATH": "/usr/bin:/bin", "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run([sys.executable, "-m", "geo", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=300, check=False, env=env)


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir()}


def _refused(result: subprocess.CompletedProcess[str], *words: str) -> None:
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr and result.stderr.startswith("error: "), result.stderr
    for word in words:
        assert word in result.stderr, result.stderr


@pytest.mark.parametrize(("file", "row", "cells", "words"), [
    pytest.param("ZHUZHOU.csv", 2, {"power_mw": "9" * 400}, ["ZHUZHOU.csv row 2", "field power_mw"], id="400-nines"),
    pytest.param("ZHUZHOU.csv", 2, {"year_end": "9" * 5000}, ["row 2", "field year_end"], id="5000-digit-int"),
    pytest.param("ZHUZHOU.csv", 2, {"quote_offset": "9" * 20}, ["row 2", "field quote_offset"], id="20-digit-offset"),
    pytest.param("ZHUZHOU.csv", 2, {"plan": "FOO"}, ["row 2", "field plan", "'FOO'"], id="unknown-plan"),
    pytest.param("ZHUZHOU.csv", 2, {"id": "ZHUZHOU-001"}, ["row 2", "field id", "already used"], id="duplicate-id"),
    pytest.param("ZHUZHOU.csv", 2, {"override_lon": "0", "override_lat": "0", "override_precision": "site",
                                    "override_source": "x"}, ["row 2", "field override_lon", "outside the ZHUZHOU"],
                 id="override-at-0-0"),
    pytest.param("targets.csv", 1, {"value": "9" * 400}, ["targets.csv row 1", "field value"], id="target-400-nines"),
])
@pytest.mark.parametrize("command", ["build", "geocode"])
def test_build_and_geocode_refuse_what_validate_refuses(real_root: Path, file: str, row: int,
                                                        cells: dict[str, str], words: list[str], command: str) -> None:
    from .conftest import edit_csv

    edit_csv(real_root / "data" / "projects" / file, row, **cells)
    before = _files(real_root / "layers"), (real_root / "data" / "geocoded.csv").read_bytes()
    _refused(_geo(real_root, command), "python -m geo validate", *words)
    assert (_files(real_root / "layers"), (real_root / "data" / "geocoded.csv").read_bytes()) == before


@pytest.mark.parametrize(("path", "command"), [
    ("data/projects/retired_ids.txt", "build"), ("data/plans/sources.toml", "build"),
    ("layers/targets.csv", "export")])
def test_files_that_are_not_utf8_are_named(real_root: Path, path: str, command: str) -> None:
    target = real_root / path
    target.write_bytes((target.read_bytes() if target.exists() else b"ZHUZHOU-999\n") + "株洲\n".encode("gbk"))
    args = [command, str(real_root / "out.kml")] if command == "export" else [command]
    _refused(_geo(real_root, *args), path, "not UTF-8 at byte")
    assert not (real_root / "out.kml").exists()


@pytest.mark.parametrize("out", ["data/plans/JINSHI.txt", "data/projects/ZHUZHOU.csv", "data/new.csv"])
def test_extract_never_writes_into_data(real_root: Path, out: str) -> None:
    target = real_root / out
    before = target.read_bytes() if target.exists() else None
    result = _geo(real_root, "extract", str(real_root / "data/plans/JINSHI.txt"), "--region", "JINSHI",
                  "--out", str(target))
    _refused(result, "source data")
    assert (target.read_bytes() if target.exists() else None) == before


def test_build_never_writes_into_data(real_root: Path) -> None:
    _refused(_geo(real_root, "build", "--out", str(real_root / "data" / "projects")), "source data")
    assert (real_root / "data" / "projects" / "ZHUZHOU.csv").exists()


def test_a_plan_with_cr_line_ends_gives_a_csv_that_reads_back(tmp_path: Path) -> None:
    from geo._csvio import read_rows
    from geo.catalog import COLUMNS

    text = (ROOT / "data/plans/ZHUZHOU.txt").read_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r")
    (tmp_path / "plan.txt").write_bytes(text)
    out = tmp_path / "ZHUZHOU.csv"
    result = _geo(ROOT, "extract", str(tmp_path / "plan.txt"), "--region", "ZHUZHOU", "--out", str(out))
    assert result.returncode == 0, result.stderr
    written = int(result.stdout.split()[0])
    rows, problems = read_rows(out, COLUMNS)
    assert problems == [] and len(rows) == written > 0  # a CR inside a cell no longer splits its row
    assert [r["id"] for r in rows] == [f"ZHUZHOU-{i:03d}" for i in range(1, written + 1)]
