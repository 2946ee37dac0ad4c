"""The regional summary's chart tables and the app's project table: words, not codes; only data."""

from __future__ import annotations

import re

import geopandas as gpd
import pandas as pd
import pytest

from geo.layers import projects_from_layers, targets_from_layers
from geo.query import Filters, filter_projects
from geo.summary import region_summary
from geo.table import COLUMNS, table_frame

from .conftest import COUNTS, ROOT

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def frame() -> gpd.GeoDataFrame:
    return filter_projects(projects_from_layers(ROOT / "layers"), Filters(year=2025))


@pytest.fixture(scope="module")
def targets() -> pd.DataFrame:
    return targets_from_layers(ROOT / "layers")


@pytest.mark.parametrize("region", ["JINSHI", "JIAXING", "ZHUZHOU", "YUNCHENG", "KUNDULUN"])
def test_charts_hold_only_data_with_human_labels(frame: gpd.GeoDataFrame, targets: pd.DataFrame, region: str) -> None:
    english = region_summary(frame, targets, region, "en")
    assert english.counts["category"]["projects"].sum() == sum(n for (r, _), n in COUNTS.items() if r == region)
    assert (english.capacity["MW"] > 0).all()  # never a chart of zeros
    for table in (*english.counts.values(), english.capacity, english.targets):
        assert not any(CJK.search(str(v)) for v in table["label"])
    assert english.targets["label"].is_unique
    chinese = region_summary(frame, targets, region, "zh")
    assert chinese.targets["label"].is_unique and len(chinese.targets) == len(english.targets)


def test_a_region_without_projects_has_empty_tables(targets: pd.DataFrame, frame: gpd.GeoDataFrame) -> None:
    summary = region_summary(frame[frame["region"] == "JINSHI"], targets, "ZHUZHOU", "zh")
    assert summary.counts["category"].empty and summary.capacity.empty


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_table_shows_words_not_codes(frame: gpd.GeoDataFrame, lang: str) -> None:
    table = table_frame(frame, lang)
    assert list(table.columns) == [c.key for c in COLUMNS] and len(table) == len(frame)
    codes = set(frame["category"]) | set(frame["status"]) | set(frame["precision"])
    shown = set(table["category"]) | set(table["status"]) | set(table["precision"]) | set(table["timeline_phase"])
    assert not (codes - {"ccus"}) & shown
    assert (table["name"] != "").all()
    if lang == "en":
        assert not any(CJK.search(v) for v in table["category"])
