"""The app's map component, tested without a browser: what goes to the page, and how compact it is."""

from __future__ import annotations

import base64
import json

import geopandas as gpd
import numpy as np
import pytest

from geo.boundaries import boundaries_from_dir
from geo.i18n import label
from geo.layers import boundaries_frame, projects_from_layers
from geo.mapcomponent import (
    FIELDS,
    FRONTEND,
    SUPER_ABOVE,
    colour_codes,
    fit_bounds,
    legend_items,
    map_data_from_frames,
    tiles_for,
    visibility_mask,
)
from geo.mapstyle import MapOptions
from geo.query import Filters, filter_projects
from geo.vocabulary import CATEGORY_COLOURS

from .conftest import ROOT, TOTAL
from .payloads import PAYLOADS


@pytest.fixture(scope="module")
def projects() -> gpd.GeoDataFrame:
    return projects_from_layers(ROOT / "layers")


@pytest.fixture(scope="module")
def boundaries() -> gpd.GeoDataFrame:
    folder = ROOT / "data" / "boundaries"
    return boundaries_frame(boundaries_from_dir(folder, level="region"), boundaries_from_dir(folder, level="county"))


def test_every_project_once_in_frame_order(projects: gpd.GeoDataFrame, boundaries: gpd.GeoDataFrame) -> None:
    data = map_data_from_frames(projects, boundaries)
    assert data.ids == tuple(projects["id"]) and len(data.ids) == TOTAL
    rows = data.payload["p"]
    assert [r[FIELDS.index("id")] for r in rows] == list(data.ids)
    first = projects.iloc[0]
    row = rows[0]
    assert row[FIELDS.index("lon")] == pytest.approx(first.geometry.x, abs=1e-5)
    assert row[FIELDS.index("lat")] == pytest.approx(first.geometry.y, abs=1e-5)
    assert data.payload["vocab"]["category"][row[FIELDS.index("category")]] == first["category"]


def test_approximate_points_name_their_division(projects: gpd.GeoDataFrame, boundaries: gpd.GeoDataFrame) -> None:
    data = map_data_from_frames(projects, boundaries)
    by_id = {r[0]: r for r in data.payload["p"]}
    area = FIELDS.index("area")
    for pid, precision, region, county in zip(projects["id"], projects["precision"], projects["region"],
                                              projects["point_county_adcode"], strict=True):
        division = data.payload["divisions"].get(by_id[pid][area])
        if precision == "county":
            assert division is not None and by_id[pid][area] == county and division["level"] == "county"
        elif precision == "region":
            assert division is not None and division["level"] == "region" and division["region"] == region
        else:
            assert by_id[pid][area] == ""  # a site, a town: drawn as a marker of its own


def test_payload_is_compact_utf8(projects: gpd.GeoDataFrame, boundaries: gpd.GeoDataFrame) -> None:
    data = map_data_from_frames(projects, boundaries)
    rows = json.dumps(data.payload["p"], ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    assert len(rows) / TOTAL <= 300
    assert "\\u" not in data.to_json()[:5000]  # Chinese travels as UTF-8, not as \uXXXX escapes
    assert data.version == map_data_from_frames(projects, boundaries).version  # deterministic


@pytest.mark.parametrize("payload", PAYLOADS)
def test_data_strings_travel_as_data(projects: gpd.GeoDataFrame, boundaries: gpd.GeoDataFrame,
                                     payload: str) -> None:
    evil = projects.copy()
    evil.loc[evil.index[0], "name_zh"] = payload
    evil.loc[evil.index[0], "name_en"] = payload + " en"
    data = map_data_from_frames(evil, boundaries)
    row = json.loads(data.to_json())["p"][0]
    assert row[FIELDS.index("name_zh")] == payload and row[FIELDS.index("name_en")] == payload + " en"
    if "7*7" in payload:
        assert "49" not in json.dumps(row[FIELDS.index("name_zh")])


def test_the_mask_is_a_bitset_over_the_ids(projects: gpd.GeoDataFrame, boundaries: gpd.GeoDataFrame) -> None:
    data = map_data_from_frames(projects, boundaries)
    chosen = filter_projects(projects, Filters(regions=("ZHUZHOU",), categories=("wind",)))
    bits = np.unpackbits(np.frombuffer(base64.b64decode(visibility_mask(data.ids, list(chosen["id"]))),
                                       dtype=np.uint8), bitorder="little")[:len(data.ids)]
    assert [i for i, b in zip(data.ids, bits, strict=True) if b] == list(chosen["id"])


def test_colours_follow_the_scheme_and_the_year(projects: gpd.GeoDataFrame, boundaries: gpd.GeoDataFrame) -> None:
    data = map_data_from_frames(projects, boundaries)
    chosen = filter_projects(projects, Filters())
    palette, codes = colour_codes(data, chosen, "category")
    got = [palette[c] for c in base64.b64decode(codes)]
    assert got == [CATEGORY_COLOURS[c] for c in projects["category"]]
    early = colour_codes(data, filter_projects(projects, Filters(year=2021)), "phase")[1]
    late = colour_codes(data, filter_projects(projects, Filters(year=2035)), "phase")[1]
    assert early != late
    items = legend_items(chosen, "status", "en")
    assert [i[0] for i in items] and all(i[0] == label("status", s, "en") for i, s in zip(
        items, [s for s in ("announced", "pre-construction", "construction", "operating", "shelved", "cancelled",
                            "retired", "protection") if s in set(chosen["status"])], strict=True))


def test_view_and_tiles(boundaries: gpd.GeoDataFrame) -> None:
    (south, west), (north, east) = fit_bounds(boundaries, ["KUNDULUN"])
    assert 40.5 < south < north < 40.9 and 109.5 < west < east < 110.0
    assert tiles_for(MapOptions(basemap="none")) is None
    assert "tk=k" in tiles_for(MapOptions(basemap="tianditu", tianditu_key="k"))["url"]  # type: ignore[index]
    with pytest.raises(ValueError, match="TIANDITU_KEY"):
        tiles_for(MapOptions(basemap="tianditu"))


def test_gaode_shifts_points_and_divisions(projects: gpd.GeoDataFrame, boundaries: gpd.GeoDataFrame) -> None:
    plain = map_data_from_frames(projects, boundaries)
    shifted = map_data_from_frames(projects, boundaries, gcj02=True)
    assert plain.version != shifted.version
    a, b = plain.payload["p"][0], shifted.payload["p"][0]
    assert 0.001 < abs(a[1] - b[1]) + abs(a[2] - b[2]) < 0.02  # a few hundred metres


def test_lines_travel_as_flat_coordinates_of_their_rows(projects: gpd.GeoDataFrame,
                                                        boundaries: gpd.GeoDataFrame) -> None:
    lines = gpd.read_file(ROOT / "layers" / "lines.geojson")[["id", "geometry"]]
    assert len(lines) >= 10
    data = map_data_from_frames(projects, boundaries, lines=lines)
    entries = data.payload["lines"]
    assert [data.ids[row] for row, _ in entries] == sorted(lines["id"], key=data.ids.index)
    for (row, flat), (_, geometry) in zip(entries, sorted(zip(lines["id"], lines.geometry, strict=True),
                                                          key=lambda x: data.ids.index(x[0])), strict=True):
        assert data.payload["p"][row][FIELDS.index("precision")] == data.payload["vocab"]["precision"].index(
            "corridor")
        assert np.allclose(np.reshape(flat, (-1, 2)), np.asarray(geometry.coords), atol=1e-5)
    # compact: a flat array of numbers per line, no GeoJSON wrapping, rounded like the points
    body = json.dumps(entries, separators=(",", ":"))
    assert "coordinates" not in body and "Feature" not in body
    assert len(body.encode("utf-8")) <= sum(len(g.coords) for g in lines.geometry) * 2 * 10 + len(lines) * 8
    assert data.version != map_data_from_frames(projects, boundaries).version
    # a line whose project is not in the frame is left out
    fewer = projects[projects["id"] != lines["id"].iloc[0]]
    assert len(map_data_from_frames(fewer, boundaries, lines=lines).payload["lines"]) == len(lines) - 1
    shifted = map_data_from_frames(projects, boundaries, lines=lines, gcj02=True).payload["lines"]
    assert 0.001 < abs(shifted[0][1][0] - entries[0][1][0]) < 0.02  # the Gaode basemap's datum


def test_the_app_path_imports_no_folium() -> None:
    """The app's modules (the map component, its style, the card, table ...) load without folium."""
    import re
    import subprocess
    import sys

    modules = re.findall(r"^from (geo\.\w+) import", (ROOT / "app.py").read_text(encoding="utf-8"), re.M)
    assert "geo.mapcomponent" in modules and "geo.mapview" not in modules
    code = f"import sys; import {', '.join(modules)}; print(sorted({{'folium', 'branca'}} & set(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "[]"


def test_the_data_is_sent_once_per_page_and_again_when_the_page_asks(
        projects: gpd.GeoDataFrame, boundaries: gpd.GeoDataFrame, monkeypatch: pytest.MonkeyPatch) -> None:
    import streamlit as st

    from geo.mapcomponent import _needs_data

    data = map_data_from_frames(projects, boundaries)
    assert json.loads(data.body) == data.payload  # the bytes the page parses are the payload
    state: dict[str, object] = {}
    monkeypatch.setattr(st, "session_state", state)
    assert _needs_data(None, data, sent_key="s")  # a new page: sent in its first run
    assert not _needs_data(None, data, sent_key="s")  # loading it reports nothing: not sent again
    asked = {"have": None, "click": None, "seq": 0, "ask": "1-1"}  # a page without the data asks
    assert _needs_data(asked, data, sent_key="s")
    assert not _needs_data(asked, data, sent_key="s")
    assert _needs_data({**asked, "ask": "2-1"}, data, sent_key="s")  # a new request, the data again
    assert not _needs_data({**asked, "have": data.version, "ask": "3-1"}, data, sent_key="s")  # it holds it
    other = map_data_from_frames(projects.iloc[:10], boundaries)
    assert _needs_data({**asked, "have": data.version}, other, sent_key="s")  # new data version: sent


def test_the_page_switches_renderer_at_the_documented_threshold_and_vendors_supercluster() -> None:
    """map.js draws with supercluster above SUPER_ABOVE point projects; the page loads the vendored build."""
    script = (FRONTEND / "map.js").read_text(encoding="utf-8")
    assert f"var SUPER_ABOVE = {SUPER_ABOVE}," in script
    assert TOTAL < SUPER_ABOVE  # the real catalogue keeps Leaflet.markercluster (spiderfy)
    page = (FRONTEND / "index.html").read_text(encoding="utf-8")
    assert 'src="vendor/supercluster-9.1.0/supercluster.min.js"' in page
    vendored = FRONTEND / "vendor" / "supercluster-9.1.0"
    assert "ISC License" in (vendored / "LICENSE").read_text(encoding="utf-8")
    assert (vendored / "supercluster.min.js").read_bytes().startswith(b"!function(t,e)")
