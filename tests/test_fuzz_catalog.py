"""Fuzzing the loaders of the catalogue, the targets, the gazetteer, the register and the CLI on broken
input: whatever the bytes, a loader reports problems naming file, row and field (or raises the
``ProblemsError`` family), never another exception type.

Deterministic and bounded: ``derandomize=True`` with no example database, so CI runs the same
examples every time, and a fixed number of them per test.
"""

from __future__ import annotations

import csv
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import geo.__main__ as cli
from geo._csvio import rows_to_csv
from geo.catalog import COLUMNS as CATALOG_COLUMNS
from geo.catalog import projects_from_csv, read_retired_ids
from geo.errors import PlanError
from geo.gazetteer import COLUMNS as GAZETTEER_COLUMNS
from geo.gazetteer import read_gazetteer
from geo.plans import sources_from_dir
from geo.targets import COLUMNS as TARGET_COLUMNS
from geo.targets import read_targets

from .conftest import DATA, ROOT

FUZZ = settings(derandomize=True, database=None, deadline=None, max_examples=200,
                suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(FUZZ, max_examples=8, suppress_health_check=[HealthCheck.too_slow,
                                                            HealthCheck.function_scoped_fixture])

#: values that broke the loaders once, and their relatives
NASTY = [
    "9" * 400, "9" * 5000, "9" * 20, "1e400", "-1e400", "inf", "-inf", "nan", "NaN", "-0", "0x10", "1_000", "١٢٣",
    "１２", "1.", ".5", "+5", " 5", "5 ", "\x00", "\r", "\n", "\r\n", "=1+1", "@SUM(A1)", "\ufeff",
    "x" * 20_000, "ZHUZHOU-" + "9" * 5000, "ZHUZHOU-١٢٣", "0", "180.0000001", "-90", "2030", "99999", "true", "True",
    '"', '""', ",", "{{7*7}}", "<img src=x onerror=alert(1)>",
]
cells = st.one_of(st.sampled_from(NASTY), st.text(max_size=40), st.integers().map(str),
                  st.floats(allow_nan=True, allow_infinity=True).map(repr))


def _rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        return list(reader.fieldnames or []), list(reader)


def _csv(header: list[str], rows: list[dict[str, str]]) -> bytes:
    """The rows as the project's writer writes them (a CR inside a cell quoted; raw bytes are fuzzed
    separately)."""
    return rows_to_csv(rows, header).encode("utf-8")


CATALOG = DATA / "catalog" / "ZHUZHOU.csv"
TARGETS = DATA / "catalog" / "targets.csv"
GAZETTEER = DATA / "gazetteer.csv"


@pytest.fixture(scope="module")
def folder() -> Iterator[Path]:
    """A scratch folder for the examples (hypothesis reuses it: function-scoped fixtures do not mix)."""
    with tempfile.TemporaryDirectory() as tmp:
        yield Path(tmp)


def _located(problems: tuple[object, ...] | list[object], name: str) -> None:
    for p in problems:
        assert getattr(p, "file") == name and getattr(p, "message"), p  # noqa: B009 - any Problem-like


def _mutated(original: bytes) -> st.SearchStrategy[bytes]:
    """The file with a slice replaced by arbitrary bytes: mostly valid CSV, broken somewhere."""
    return st.tuples(st.integers(0, len(original)), st.integers(0, 64), st.binary(max_size=64)).map(
        lambda t: original[: t[0]] + t[2] + original[t[0] + t[1]:])


@FUZZ
@given(data=st.one_of(st.binary(max_size=3000), _mutated(CATALOG.read_bytes())))
def test_any_bytes_as_a_catalogue_file(folder: Path, data: bytes) -> None:
    path = folder / "ZHUZHOU.csv"
    path.write_bytes(data)
    report = projects_from_csv(path, display_name="ZHUZHOU.csv")
    _located(report.problems, "ZHUZHOU.csv")
    assert all(p.region == "ZHUZHOU" for p in report.projects)


@FUZZ
@given(field=st.sampled_from(CATALOG_COLUMNS), value=cells, row=st.integers(0, 2))
def test_any_cell_of_the_catalogue(folder: Path, field: str, value: str, row: int) -> None:
    header, rows = _rows(CATALOG)
    rows[row][field] = value
    path = folder / "ZHUZHOU.csv"
    path.write_bytes(_csv(header, rows))
    report = projects_from_csv(path, display_name="ZHUZHOU.csv")
    _located(report.problems, "ZHUZHOU.csv")
    assert len(report.projects) + len({p.row for p in report.problems if p.row}) >= len(rows) - 1
    for p in report.problems:
        assert p.row is None or 1 <= p.row <= len(rows) + 1
    for project in report.projects:  # what is kept is sane: finite numbers in range, bounded text
        for number in (project.power_mw, project.storage_mwh, project.voltage_kv, project.area_ha,
                       project.override_lon, project.override_lat):
            assert number is None or abs(number) < 1e11
        assert 0 <= project.quote_offset < 2**31 and len(project.quote) <= 5000


@FUZZ
@given(field=st.sampled_from(TARGET_COLUMNS), value=cells)
def test_any_cell_of_the_targets(folder: Path, field: str, value: str) -> None:
    header, rows = _rows(TARGETS)
    rows[0][field] = value
    (folder / "targets.csv").write_bytes(_csv(header, rows))
    report = read_targets(folder, root=folder)
    _located(report.problems, "targets.csv")
    for target in report.targets:
        assert abs(target.value) <= 1e13 and target.value == target.value  # finite, never inf or nan
    if not report.targets:
        assert any(p.row == 1 and p.field for p in report.problems) or any(p.row is None for p in report.problems)


@FUZZ
@given(data=st.one_of(st.binary(max_size=2000), _mutated(TARGETS.read_bytes())))
def test_any_bytes_as_the_targets_file(folder: Path, data: bytes) -> None:
    (folder / "targets.csv").write_bytes(data)
    _located(read_targets(folder, root=folder).problems, "targets.csv")


@FUZZ
@given(field=st.sampled_from(GAZETTEER_COLUMNS), value=cells, row=st.integers(0, 2))
def test_any_cell_of_the_gazetteer(folder: Path, field: str, value: str, row: int) -> None:
    header, rows = _rows(GAZETTEER)
    rows[row % len(rows)][field] = value
    path = folder / "gazetteer.csv"
    path.write_bytes(_csv(header, rows))
    report = read_gazetteer(path, display_name="gazetteer.csv")
    _located(report.problems, "gazetteer.csv")
    for place in report.places:
        assert 70 <= place.lon <= 140 and 15 <= place.lat <= 55


@FUZZ
@given(data=st.one_of(st.binary(max_size=2000), _mutated(GAZETTEER.read_bytes())))
def test_any_bytes_as_the_gazetteer(folder: Path, data: bytes) -> None:
    path = folder / "gazetteer.csv"
    path.write_bytes(data)
    _located(read_gazetteer(path, display_name="gazetteer.csv").problems, "gazetteer.csv")


@FUZZ
@given(data=st.one_of(st.binary(max_size=500), st.text(max_size=200).map(str.encode)))
def test_any_bytes_as_retired_ids(folder: Path, data: bytes) -> None:
    (folder / "retired_ids.txt").write_bytes(data)
    report = read_retired_ids(folder, root=folder)
    _located(report.problems, "retired_ids.txt")
    assert all(len(i) <= 40 for i in report.ids)


REGISTER = (ROOT / "data" / "plans" / "sources.toml").read_bytes()


@FUZZ
@given(data=st.one_of(st.binary(max_size=1000), _mutated(REGISTER)))
def test_any_bytes_as_the_plan_register(folder: Path, data: bytes) -> None:
    (folder / "sources.toml").write_bytes(data)
    try:
        sources_from_dir(folder)
    except PlanError as err:
        assert err.problems and all(p.file.endswith("sources.toml") for p in err.problems)


@pytest.fixture(scope="module")
def broken_root() -> Iterator[Path]:
    """A copy of the repository's data for the CLI examples."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        shutil.copytree(ROOT / "data", root / "data", ignore=shutil.ignore_patterns("geocode_cache"))
        shutil.copytree(ROOT / "layers", root / "layers")
        yield root


@SLOW
@given(field=st.sampled_from(CATALOG_COLUMNS), value=cells, command=st.sampled_from(["validate", "build"]))
def test_the_cli_on_a_broken_cell(broken_root: Path, field: str, value: str, command: str,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    path = broken_root / "data" / "projects" / "KUNDULUN.csv"
    original = (ROOT / "data" / "projects" / "KUNDULUN.csv")
    header, rows = _rows(original)
    rows[3][field] = value
    path.write_bytes(_csv(header, rows))
    layers = {p.name: p.read_bytes() for p in (broken_root / "layers").iterdir()}
    old = os.environ.get("CPM_ROOT")
    os.environ["CPM_ROOT"] = str(broken_root)
    try:
        status = cli.main([command])  # any exception escaping main is a traceback for the user
    finally:
        if old is None:
            del os.environ["CPM_ROOT"]
        else:
            os.environ["CPM_ROOT"] = old
    err = capsys.readouterr().err
    assert status in (0, 1, 2)
    if status:
        assert "data/projects/KUNDULUN.csv row 4" in err or "data/projects/KUNDULUN.csv:" in err, err
        assert {p.name: p.read_bytes() for p in (broken_root / "layers").iterdir()} == layers
    shutil.copy(original, path)
