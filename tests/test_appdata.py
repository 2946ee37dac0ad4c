"""What the app loads once per server: one build's layers, the boundaries, the plans, and the version key."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from geo.appdata import app_data_from_settings, data_version
from geo.settings import Settings

from .conftest import ROOT, TOTAL


def test_app_data_holds_the_published_set(repo_settings: Settings) -> None:
    data = app_data_from_settings(repo_settings)
    assert len(data.projects) == TOTAL and data.projects.crs.to_epsg() == 4326
    assert data.regions == ("JINSHI", "JIAXING", "ZHUZHOU", "YUNCHENG", "KUNDULUN")  # the register's order
    assert set(data.targets["region"]) <= set(data.regions)
    assert set(data.boundaries["level"]) == {"region", "county"}
    assert set(data.plans) == set(data.regions)
    # the schematic lines of the same build: each a LineString of a corridor-precision project
    assert data.lines is not None and len(data.lines) >= 10 and set(data.lines.geom_type) == {"LineString"}
    corridor = set(data.projects.loc[data.projects["precision"] == "corridor", "id"])
    assert set(data.lines["id"]) <= corridor


def test_the_version_changes_when_a_layer_is_republished(tmp_path: Path) -> None:
    for name in ("layers", "data"):
        shutil.copytree(ROOT / name, tmp_path / name)
    settings = Settings(root=tmp_path)
    before = data_version(settings)
    assert data_version(settings) == before  # stable while nothing changes
    for name in ("projects.geojson", "lines.geojson"):
        path = tmp_path / "layers" / name
        info = path.stat()
        os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns + 1_000_000_000))
        assert data_version(settings) != before
        before = data_version(settings)
