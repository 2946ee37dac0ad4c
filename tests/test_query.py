"""Planner queries: filters, timeline phases, summaries."""

from __future__ import annotations

from dataclasses import replace

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from geo.layers import projects_from_layers
from geo.query import (
    FACETS,
    Filters,
    Phase,
    capacity_by_category,
    counts_by,
    facet_counts,
    facet_counts_all,
    filter_projects,
    phase_in_year,
    power_range,
    targets_vs_catalogue,
)

from .conftest import ROOT


@pytest.fixture(scope="module")
def frame() -> gpd.GeoDataFrame:
    return projects_from_layers(ROOT / "layers")


def _toy() -> gpd.GeoDataFrame:
    rows = [
        {"id": "A-001", "year_start": 2021, "year_end": 2025, "status": "announced"},
        {"id": "A-002", "year_start": None, "year_end": 2030, "status": "announced"},
        {"id": "A-003", "year_start": 2026, "year_end": 2030, "status": "pre-construction"},
        {"id": "A-004", "year_start": None, "year_end": None, "status": "construction"},
        {"id": "A-005", "year_start": None, "year_end": None, "status": "operating"},
    ]
    df = pd.DataFrame(rows)
    df["year_start"] = df["year_start"].astype("Int64")
    df["year_end"] = df["year_end"].astype("Int64")
    return gpd.GeoDataFrame(df, geometry=[shapely.Point(113, 27)] * len(df), crs="EPSG:4326")


@pytest.mark.parametrize(
    ("year", "expected"),
    [(2024, ["under_way", "planned", "planned", "under_way", "no_year"]),
     (2025, ["due", "planned", "planned", "under_way", "no_year"]),
     (2027, ["due", "planned", "under_way", "under_way", "no_year"]),
     (2030, ["due", "due", "due", "under_way", "no_year"])],
)
def test_phase_in_year(year: int, expected: list[str]) -> None:
    assert list(phase_in_year(_toy(), year)) == expected
    assert set(expected) <= {p.value for p in Phase}


def test_filters_narrow_and_counts_follow(frame: gpd.GeoDataFrame) -> None:
    zhuzhou = filter_projects(frame, Filters(regions=("ZHUZHOU",)))
    assert set(zhuzhou["region"]) == {"ZHUZHOU"} and len(zhuzhou) == counts_by(frame, "region")["ZHUZHOU"]
    ps = filter_projects(frame, Filters(categories=("pumped_storage",), statuses=("construction",)))
    assert set(ps["category"]) == {"pumped_storage"} and set(ps["status"]) == {"construction"}
    big = filter_projects(frame, Filters(power_mw=(1000, 5000), include_no_capacity=False))
    assert (big["power_mw"] >= 1000).all() and len(big) > 0
    due = filter_projects(frame, Filters(year=2025, phases=("due",)))
    assert len(due) > 0 and (due["year_end"] <= 2025).all()
    assert set(due["timeline_phase"]) == {"due"}


def test_search_in_chinese_and_english(frame: gpd.GeoDataFrame) -> None:
    zh = filter_projects(frame, Filters(search="罗萍江"))
    en = filter_projects(frame, Filters(search="luopingjiang"))
    assert list(zh["id"]) == list(en["id"]) and len(zh) == 1


def test_summaries(frame: gpd.GeoDataFrame) -> None:
    table = capacity_by_category(frame[frame["region"] == "ZHUZHOU"])
    assert table.iloc[0]["category"] == "pumped_storage" and table.iloc[0]["power_mw"] == pytest.approx(3000)
    targets = pd.read_csv(ROOT / "layers" / "targets.csv", dtype=str, keep_default_na=False)
    versus = targets_vs_catalogue(targets, frame, "YUNCHENG")
    assert (versus["target_mw"] > 0).all()
    solar = versus[(versus["indicator"] == "solar_capacity") & (versus["year"] == "2030")].iloc[0]
    catalogued = frame[(frame["region"] == "YUNCHENG") & (frame["category"] == "solar")]["power_mw"]
    assert solar["target_mw"] == 6000 and catalogued.sum() > 0
    assert solar["catalogued_mw"] == pytest.approx(catalogued.sum())
    assert solar["projects_with_capacity"] == catalogued.notna().sum()
    assert targets_vs_catalogue(targets, frame, "KUNDULUN").empty  # no MW target in that plan
    assert power_range(frame)[1] >= 1800


def test_bounding_box_keeps_points_inside_edges_included() -> None:
    toy = _toy()
    toy = toy.set_geometry([shapely.Point(113, 27), shapely.Point(114, 28), shapely.Point(115, 27),
                            shapely.Point(113.5, 29), shapely.Point(112.9, 27)], crs="EPSG:4326")
    kept = filter_projects(toy, Filters(bbox=(113.0, 26.0, 114.0, 28.0)))
    assert list(kept["id"]) == ["A-001", "A-002"]


def test_facet_counts_leave_out_their_own_filter(frame: gpd.GeoDataFrame) -> None:
    chosen = Filters(regions=("YUNCHENG", "ZHUZHOU"), categories=("wind",), year=2030, phases=("no_year",))
    shown = filter_projects(frame, chosen)
    by_category = facet_counts(frame, chosen, "category")
    # the chosen value's count is what the filters show; other values count as if they were chosen instead
    assert by_category["wind"] == len(shown)
    solar = filter_projects(frame, Filters(regions=("YUNCHENG", "ZHUZHOU"), categories=("solar",), year=2030,
                                           phases=("no_year",)))
    assert len(shown) > 0 and len(solar) > 0 and by_category.get("solar", 0) == len(solar)
    by_region = facet_counts(frame, chosen, "region")
    assert sum(by_region.values()) == len(filter_projects(frame, Filters(categories=("wind",), year=2030,
                                                                         phases=("no_year",))))
    by_phase = facet_counts(frame, chosen, "timeline_phase")
    assert by_phase["no_year"] == len(shown) < sum(by_phase.values())  # wind under way counts too
    assert set(by_phase) <= {p.value for p in Phase}


def test_all_facet_counts_at_once_are_the_counts_of_each_facet_cleared(frame: gpd.GeoDataFrame) -> None:
    chosen = Filters(regions=("ZHUZHOU",), statuses=("operating", "construction"), year=2025,
                     phases=("under_way", "due"), search="光伏", power_mw=(0.0, 500.0))
    counts = facet_counts_all(frame, chosen)
    assert set(counts) == set(FACETS)
    for column, field in FACETS.items():
        cleared = filter_projects(frame, replace(chosen, **{field: ()}))
        assert counts[column] == counts_by(cleared, column)
