"""Planner queries over the published projects: filters, timeline phases, counts, summaries.

Pure functions of a projects frame (from :func:`geo.layers.projects_from_layers`); the
app wires widgets to them, tests call them directly.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Sequence

    import geopandas as gpd
    import pandas as pd

YEAR_MIN, YEAR_MAX = 2021, 2035
#: the timeline year the app starts with
DEFAULT_YEAR = 2025


class Phase(StrEnum):
    """Where a project stands in a given year, by the plan's own timeline."""

    DUE = "due"
    UNDER_WAY = "under_way"
    PLANNED = "planned"
    NO_YEAR = "no_year"


#: the column :func:`filter_projects` adds: the project's phase in the timeline year
TIMELINE_PHASE = "timeline_phase"


def phase_in_year(frame: pd.DataFrame, year: int) -> pd.Series:
    """The :class:`Phase` of each project in ``year``.

    * ``due``: the plan's due year (``year_end``) is ``year`` or earlier;
    * ``under_way``: started by ``year`` (``year_start <= year``) and not yet due, or under
      construction (status) and not due;
    * ``planned``: a start or due year after ``year``;
    * ``no_year``: the plan gives no year and the project is not under construction.
    """
    import numpy as np
    import pandas as pd

    start = pd.to_numeric(frame["year_start"], errors="coerce")
    end = pd.to_numeric(frame["year_end"], errors="coerce")
    due = end.notna() & (end <= year)
    started = start.notna() & (start <= year)
    building = frame["status"].eq("construction")
    under_way = ~due & (started | building)
    planned = ~due & ~under_way & (start.notna() | end.notna())
    values = np.select([due, under_way, planned], [Phase.DUE.value, Phase.UNDER_WAY.value, Phase.PLANNED.value],
                       default=Phase.NO_YEAR.value)
    return pd.Series(values, index=frame.index, name=TIMELINE_PHASE)


@dataclass(frozen=True, slots=True)
class Filters:
    """What the planner asked for; empty tuples mean "all".

    Attributes
    ----------
    regions, categories, statuses : tuple of str
    power_mw : (float, float) or None
        Keep projects whose power capacity lies in the range.
    include_no_capacity : bool
        With a capacity range, also keep projects without a stated power capacity.
    year : int or None
        Timeline year; with ``phases`` it keeps projects in those phases that year.
    phases : tuple of str
        :class:`Phase` values to keep (empty: all).
    search : str
        Case-insensitive text matched in Chinese and English names and the id.
    bbox : tuple of 4 floats or None
        ``(min lon, min lat, max lon, max lat)`` in WGS-84, edges included.
    """

    regions: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    power_mw: tuple[float, float] | None = None
    include_no_capacity: bool = True
    year: int | None = None
    phases: tuple[str, ...] = ()
    search: str = ""
    bbox: tuple[float, float, float, float] | None = None


def filter_projects(frame: gpd.GeoDataFrame, filters: Filters) -> gpd.GeoDataFrame:
    """The projects matching every filter, in the frame's order (a new frame with a
    ``timeline_phase`` column; the catalogue's own ``phase`` — 一期, 二期 — is kept as it is)."""
    masks, phase = _filter_masks(frame, filters)
    mask = _all_of(frame, masks.values())
    out = frame[mask].copy()
    out[TIMELINE_PHASE] = phase[mask]
    return out


def _filter_masks(frame: gpd.GeoDataFrame, filters: Filters) -> tuple[dict[str, pd.Series], pd.Series]:
    """One boolean mask per filter that is set (keyed by its :class:`Filters` field; capacity,
    search and bbox included) and the timeline phase of every project."""
    import pandas as pd

    masks: dict[str, pd.Series] = {}
    if filters.regions:
        masks["regions"] = frame["region"].isin(filters.regions)
    if filters.categories:
        masks["categories"] = frame["category"].isin(filters.categories)
    if filters.statuses:
        masks["statuses"] = frame["status"].isin(filters.statuses)
    if filters.power_mw is not None:
        low, high = filters.power_mw
        power = pd.to_numeric(frame["power_mw"], errors="coerce")
        masks["power_mw"] = power.between(low, high) | (power.isna() & filters.include_no_capacity)
    year = filters.year if filters.year is not None else YEAR_MAX
    phase = phase_in_year(frame, year)
    if filters.phases:
        masks["phases"] = phase.isin(filters.phases)
    text = filters.search.strip().lower()
    if text:
        hay = (frame["name_zh"].fillna("") + " " + frame["name_en"].fillna("") + " " + frame["id"]).str.lower()
        masks["search"] = hay.str.contains(text, regex=False)
    if filters.bbox is not None:
        west, south, east, north = filters.bbox
        masks["bbox"] = frame.geometry.x.between(west, east) & frame.geometry.y.between(south, north)
    return masks, phase


def _all_of(frame: pd.DataFrame, masks: Any) -> pd.Series:
    import pandas as pd

    out = pd.Series(True, index=frame.index)
    for mask in masks:
        out &= mask
    return out


def sharing_point(frame: gpd.GeoDataFrame, project_id: str) -> list[str]:
    """Ids of the projects of ``frame`` drawn at the same point as ``project_id`` (itself
    included, in frame order); empty when ``project_id`` is not in ``frame``.

    County and region representative points carry many projects each; on the map only the
    top marker of such a stack can be clicked, so the app offers the others from here.
    """
    mine = frame[frame["id"] == project_id]
    if mine.empty:
        return []
    point = mine.geometry.iloc[0]
    same = (frame.geometry.x == point.x) & (frame.geometry.y == point.y)
    return [str(i) for i in frame.loc[same, "id"]]


#: the filter fields a planner picks values of, by the column they filter
FACETS: dict[str, str] = {"region": "regions", "category": "categories", "status": "statuses",
                          TIMELINE_PHASE: "phases"}


def facet_counts(frame: gpd.GeoDataFrame, filters: Filters, column: str) -> dict[str, int]:
    """How many projects each value of ``column`` would show under every *other* filter
    (the counts beside a filter: choosing a value never changes its own count); largest first.

    ``column`` is one of :data:`FACETS` (``region``, ``category``, ``status``, ``timeline_phase``).
    """
    return facet_counts_all(frame, filters, (column,))[column]


def facet_counts_all(frame: gpd.GeoDataFrame, filters: Filters,
                     columns: Sequence[str] = tuple(FACETS)) -> dict[str, dict[str, int]]:
    """:func:`facet_counts` of each of ``columns``, the filters evaluated once for all of them
    (no frame is copied: counts are taken under masks)."""
    masks, phase = _filter_masks(frame, filters)
    out: dict[str, dict[str, int]] = {}
    for column in columns:
        others = _all_of(frame, (m for name, m in masks.items() if name != FACETS[column]))
        values = phase if column == TIMELINE_PHASE else frame[column]
        out[column] = counts_by(values[others].to_frame(column), column)
    return out


def counts_by(frame: pd.DataFrame, column: str) -> dict[str, int]:
    """Number of projects per value of ``column``, largest first."""
    return {str(k): int(v) for k, v in frame[column].value_counts().items()}


#: target indicators (MW) and the catalogue categories whose power capacity they measure
TARGET_CATEGORIES: dict[str, tuple[str, ...]] = {
    "wind_capacity": ("wind",),
    "solar_capacity": ("solar",),
    "hydro_capacity": ("hydro",),
    "pumped_storage_capacity": ("pumped_storage",),
    "storage_capacity": ("energy_storage",),
    "biomass_capacity": ("biomass_waste",),
    "new_energy_capacity": ("wind", "solar"),
    "renewable_capacity": ("wind", "solar", "hydro", "biomass_waste"),
    "clean_energy_capacity": ("wind", "solar", "hydro", "biomass_waste", "nuclear"),
}


def capacity_by_category(frame: pd.DataFrame) -> pd.DataFrame:
    """Stated power capacity (MW) and project counts per category, largest capacity first."""
    import pandas as pd

    power = pd.to_numeric(frame["power_mw"], errors="coerce")
    table = pd.DataFrame({"category": frame["category"], "power_mw": power,
                          "with_capacity": power.notna().astype(int)})
    out = table.groupby("category").agg(power_mw=("power_mw", "sum"), projects=("category", "size"),
                                        with_capacity=("with_capacity", "sum"))
    return out.sort_values(["power_mw", "projects"], ascending=False).reset_index()


def targets_vs_catalogue(targets: pd.DataFrame, frame: pd.DataFrame, region: str) -> pd.DataFrame:
    """The region's MW targets set against the power capacity of its catalogued projects.

    Returns one row per MW target: indicator, year, target (MW), catalogued (MW, the sum of
    ``power_mw`` over the categories the indicator measures), the number of catalogued
    projects with a stated capacity, and the plan's words.
    """
    import pandas as pd

    rows = []
    mine = targets[(targets["region"] == region) & (targets["unit"] == "MW")]
    projects = frame[frame["region"] == region]
    for _, t in mine.iterrows():
        categories = TARGET_CATEGORIES.get(t["indicator"])
        if not categories:
            continue
        chosen = projects[projects["category"].isin(categories)]
        power = pd.to_numeric(chosen["power_mw"], errors="coerce")
        rows.append({
            "indicator": t["indicator"], "indicator_text": t["indicator_text"],
            "year": t["year"], "target_mw": float(t["value"]), "catalogued_mw": float(power.sum()),
            "projects_with_capacity": int(power.notna().sum()), "value_text": t["value_text"],
        })
    return pd.DataFrame(rows, columns=["indicator", "indicator_text", "year", "target_mw", "catalogued_mw",
                                       "projects_with_capacity", "value_text"])


def power_range(frame: pd.DataFrame) -> tuple[float, float]:
    """Smallest and largest stated power capacity (MW); (0, 0) when none is stated."""
    import pandas as pd

    power = pd.to_numeric(frame["power_mw"], errors="coerce").dropna()
    return (float(power.min()), float(power.max())) if len(power) else (0.0, 0.0)
