"""The folium map, tested without Streamlit or a browser."""

from __future__ import annotations

import html
import re

import folium
import geopandas as gpd
import pytest

from geo.boundaries import boundaries_from_dir
from geo.crs import offset_metres
from geo.i18n import label
from geo.layers import boundaries_frame, projects_from_layers
from geo.mapstyle import ASSETS_BASE, MapOptions, basemaps
from geo.mapview import (
    build_map,
    features_for_map,
    legend_html,
    map_html,
    marker_radius,
    marker_style,
)
from geo.query import Filters, filter_projects

from .conftest import ROOT

XSS = "<img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def frame() -> gpd.GeoDataFrame:
    return filter_projects(projects_from_layers(ROOT / "layers"), Filters(year=2025))


@pytest.fixture(scope="module")
def boundaries() -> gpd.GeoDataFrame:
    folder = ROOT / "data" / "boundaries"
    return boundaries_frame(boundaries_from_dir(folder, level="region"), boundaries_from_dir(folder, level="county"))


def test_radius_is_square_root_scaled_with_a_fixed_size_for_unknown() -> None:
    assert marker_radius(None) == marker_radius(float("nan")) == 4.0
    r100, r400 = marker_radius(100), marker_radius(400)
    assert r400 - 4 == pytest.approx(2 * (r100 - 4), rel=0.01)  # √ scaling: 4x capacity, 2x extra radius
    assert marker_radius(10_000) == 24.0  # capped


def test_county_points_are_hollow_and_sites_are_filled() -> None:
    county = marker_style(120, "county", "#000")
    region = marker_style(120, "region", "#000")
    site = marker_style(120, "site", "#000")
    assert county["fillOpacity"] == region["fillOpacity"] == 0 and county["dashArray"]
    assert site["fillOpacity"] > 0.5 and site["dashArray"] is None


def test_features_carry_only_what_the_map_needs(frame: gpd.GeoDataFrame) -> None:
    groups = features_for_map(frame, colour_by="category", lang="en")
    assert sum(len(v) for v in groups.values()) == len(frame)
    props = groups["pumped_storage"][0]["properties"]
    assert set(props) == {"id", "name", "label", "r", "c", "f"}
    assert "Pumped storage" in props["label"]


def test_one_geojson_layer_per_category(frame: gpd.GeoDataFrame, boundaries: gpd.GeoDataFrame) -> None:
    m = build_map(frame, boundaries, MapOptions())
    layers = [c for c in m._children.values() if isinstance(c, folium.GeoJson) and c.control]
    assert len(layers) == frame["category"].nunique()
    assert not [c for c in m._children.values() if isinstance(c, folium.Marker)]


def test_no_cdn_only_local_leaflet(frame: gpd.GeoDataFrame, boundaries: gpd.GeoDataFrame) -> None:
    page = map_html(build_map(frame, boundaries, MapOptions(basemap="none")))
    sources = re.findall(r'<script[^>]+src="([^"]+)"', page) + re.findall(r'<link[^>]+href="([^"]+)"', page)
    assert sources and all(s.startswith(ASSETS_BASE) for s in sources), sources
    assert "cdn" not in page.lower() and "http://" not in page and "https://" not in page.replace(
        "https://leafletjs.com", "")


def test_names_from_data_are_never_markup(frame: gpd.GeoDataFrame, boundaries: gpd.GeoDataFrame) -> None:
    evil = frame.copy()
    evil.loc[evil.index[0], "name_zh"] = XSS
    page = map_html(build_map(evil, boundaries, MapOptions(lang="zh")))
    assert XSS not in page  # only ever JSON-escaped inside the data
    assert "textContent" in page and "innerHTML" not in page
    assert "&lt;img" in legend_html([(XSS, "#000")], lang="en")


def test_gaode_shifts_every_overlay_to_gcj02(frame: gpd.GeoDataFrame, boundaries: gpd.GeoDataFrame) -> None:
    plain = features_for_map(frame, colour_by="category", lang="zh")
    m = build_map(frame, boundaries, MapOptions(basemap="gaode"))
    shifted = {f["properties"]["id"]: f["geometry"]["coordinates"] for layer in m._children.values()
               if isinstance(layer, folium.GeoJson) and layer.control for f in layer.data["features"]}
    for features in plain.values():
        for f in features[:3]:
            lon, lat = f["geometry"]["coordinates"]
            glon, glat = shifted[f["properties"]["id"]]
            assert 300 < offset_metres(lon, lat, glon, glat) < 1000
    assert "autonavi" in map_html(m)


def test_tianditu_only_with_a_key(frame: gpd.GeoDataFrame, boundaries: gpd.GeoDataFrame) -> None:
    assert "tianditu" not in basemaps(tianditu_key=None)
    assert "tianditu" in basemaps(tianditu_key="k")
    page = map_html(build_map(frame, boundaries, MapOptions(basemap="tianditu", tianditu_key="secret-k")))
    assert "tianditu.gov.cn" in page and "tk=secret-k" in page
    with pytest.raises(ValueError, match="TIANDITU_KEY"):
        build_map(frame, boundaries, MapOptions(basemap="tianditu"))


@pytest.mark.parametrize("colour_by", ["category", "status", "phase"])
def test_colour_schemes_have_legends(frame: gpd.GeoDataFrame, boundaries: gpd.GeoDataFrame, colour_by: str) -> None:
    page = map_html(build_map(frame, boundaries, MapOptions(colour_by=colour_by, lang="en")))
    legend = page[page.index('class="cpm-legend"'):]
    legend = legend[:legend.index("</details>")]
    shown = re.findall(r"</span>([^<]+)</div>", legend)
    column = "timeline_phase" if colour_by == "phase" else colour_by
    expected = [html.escape(label(colour_by, v, "en")) for v in sorted(set(frame[column]))]
    assert set(expected) <= set(shown), (expected, shown)
    assert len(shown) == len(expected) + 3  # plus the three precision symbols


def test_the_catalogue_phase_is_kept_beside_the_timeline_phase(frame: gpd.GeoDataFrame,
                                                                boundaries: gpd.GeoDataFrame) -> None:
    # 一期 / 二期 of the catalogue and due / under way of the timeline are two columns, not one
    assert {"一期", "二期"} <= set(frame["phase"])
    assert set(frame["timeline_phase"]) <= {"due", "under_way", "planned", "no_year"}
    page = map_html(build_map(frame, boundaries, MapOptions(colour_by="phase")))
    assert page.count("#9e9e9e") < len(frame)  # markers are coloured by their timeline phase, not all grey


def test_view_fits_the_selected_region(frame: gpd.GeoDataFrame, boundaries: gpd.GeoDataFrame) -> None:
    m = build_map(frame[frame["region"] == "KUNDULUN"], boundaries, MapOptions())
    fit = next(c for c in m._children.values() if type(c).__name__ == "FitBounds")
    (south, west), (north, east) = fit.bounds
    assert 40.5 < south < north < 40.9 and 109.5 < west < east < 110.0


@pytest.mark.parametrize("payload", ["{{7*7}}", "{% if %}", "{#", "{{ lipsum.__globals__ }}"])
def test_the_folium_baseline_refuses_template_syntax(frame: gpd.GeoDataFrame, boundaries: gpd.GeoDataFrame,
                                                     payload: str) -> None:
    from geo.errors import MapDataError

    evil = frame.copy()
    evil.loc[evil.index[0], "name_en"] = f"x {payload} y"
    with pytest.raises(MapDataError, match="name_en"):
        build_map(evil, boundaries, MapOptions(lang="en"))
