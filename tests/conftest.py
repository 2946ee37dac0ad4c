"""Shared fixtures: a throw-away project root holding real plans and boundaries and a small catalogue."""

from __future__ import annotations

import csv
import shutil
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from geo.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"


def catalogue_counts() -> Counter[tuple[str, str]]:
    """Rows of the committed catalogue by ``(region, category)``, counted straight from its CSV
    files, so tests of the app follow the catalogue rather than a number written into them."""
    counts: Counter[tuple[str, str]] = Counter()
    for path in sorted((ROOT / "data" / "projects").glob("*.csv")):
        if path.name == "targets.csv":
            continue
        with path.open(encoding="utf-8", newline="") as fh:
            counts.update((row["region"], row["category"]) for row in csv.DictReader(fh))
    return counts


COUNTS = catalogue_counts()
TOTAL = sum(COUNTS.values())
ZHUZHOU = sum(n for (region, _), n in COUNTS.items() if region == "ZHUZHOU")
ZHUZHOU_PUMPED = COUNTS["ZHUZHOU", "pumped_storage"]


@pytest.fixture(scope="session")
def repo_settings() -> Settings:
    """Settings of the repository itself (read-only use)."""
    return Settings(root=ROOT)


@pytest.fixture
def project_root(tmp_path: Path) -> Path:
    """A project root with the real plans and boundaries and the small fixture catalogue."""
    (tmp_path / "data").mkdir()
    shutil.copytree(ROOT / "data" / "plans", tmp_path / "data" / "plans")
    shutil.copytree(ROOT / "data" / "boundaries", tmp_path / "data" / "boundaries")
    shutil.copytree(DATA / "catalog", tmp_path / "data" / "projects")
    return tmp_path


@pytest.fixture
def settings(project_root: Path) -> Settings:
    """Settings pointing at :func:`project_root`, offline."""
    return Settings(root=project_root)


RowEditor = Callable[..., None]


def edit_csv(path: Path, row: int, **changes: str) -> None:
    """Change cells of data row ``row`` (1-based) of a CSV file in place."""
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
        header = list(rows[0].keys()) if rows else []
    for key, value in changes.items():
        assert key in header, f"no column {key}"
        rows[row - 1][key] = value
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


@pytest.fixture
def edit_catalog(project_root: Path) -> RowEditor:
    """``edit_catalog(row, **cells)`` edits the fixture's ZHUZHOU.csv."""

    def edit(row: int, **changes: str) -> None:
        edit_csv(project_root / "data" / "projects" / "ZHUZHOU.csv", row, **changes)

    return edit


@pytest.fixture
def edit_targets(project_root: Path) -> RowEditor:
    """``edit_targets(row, **cells)`` edits the fixture's targets.csv."""

    def edit(row: int, **changes: str) -> None:
        edit_csv(project_root / "data" / "projects" / "targets.csv", row, **changes)

    return edit
