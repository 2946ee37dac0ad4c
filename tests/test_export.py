"""Exports read back with geopandas / pyogrio holding the same features, values and CRS."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
import shapely

from geo.boundaries import boundaries_from_dir
from geo.crs import gcj02_to_wgs84, offset_metres
from geo.errors import ExportError
from geo.export import (
    Format,
    Selection,
    export_to_bytes,
    export_to_path,
    select_projects,
    shapefile_frame,
    targets_table,
)
from geo.layers import FIELDS, boundaries_frame, projects_from_layers

from .conftest import ROOT

LAYERS = ROOT / "layers"


@pytest.fixture(scope="module")
def frame() -> gpd.GeoDataFrame:
    return projects_from_layers(LAYERS)


@pytest.fixture(scope="module")
def zhuzhou(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    return select_projects(frame, Selection(regions=("ZHUZHOU",)))


def _read(path: Path, **kwargs: object) -> gpd.GeoDataFrame:
    return gpd.read_file(path, engine="pyogrio", **kwargs)


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA or value == ""


def _same_values(back: pd.DataFrame, original: gpd.GeoDataFrame, names: dict[str, str] | None = None) -> None:
    """Every field of every project reads back with its value (a text cut to the Shapefile's 254 bytes
    must be a prefix of the original, marked with '...')."""
    names = names or {}
    back = back.set_index(names.get("id", "id"))
    assert set(back.index) == set(original["id"])
    for _, row in original.iterrows():
        got = back.loc[row["id"]]
        for f in FIELDS:
            if f.name == "id":
                continue
            want, have = row[f.name], got[names.get(f.name, f.name)]
            if _blank(want):
                assert _blank(have), (row["id"], f.name, have)
            elif f.type == "string":
                text = str(have)
                assert text == str(want) or (text.endswith("...") and str(want).startswith(text[:-3])), \
                    (row["id"], f.name, have, want)
            else:
                assert float(have) == pytest.approx(float(want)), (row["id"], f.name, have, want)


def test_geojson_round_trip(zhuzhou: gpd.GeoDataFrame, tmp_path: Path) -> None:
    path = tmp_path / "z.geojson"
    export_to_path(zhuzhou, path)
    back = _read(path)
    assert back.crs.to_epsg() == 4326 and len(back) == len(zhuzhou)
    _same_values(back, zhuzhou)
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert "crs" not in doc
    assert doc["features"][0]["geometry"]["coordinates"][0] > 100  # longitude first


def test_geopackage_holds_all_layers_and_boundaries(zhuzhou: gpd.GeoDataFrame, tmp_path: Path) -> None:
    bounds = boundaries_frame(boundaries_from_dir(ROOT / "data/boundaries", level="region"),
                              boundaries_from_dir(ROOT / "data/boundaries", level="county"))
    path = tmp_path / "z.gpkg"
    export_to_path(zhuzhou, path, crs="EPSG:4490", boundaries=bounds, targets=targets_table(LAYERS))
    layers = {name for name, _ in pyogrio.list_layers(path)}
    assert {"projects", "boundaries", "targets"} | set(zhuzhou["category"]) <= layers
    back = _read(path, layer="projects")
    assert back.crs.to_epsg() == 4490
    _same_values(back, zhuzhou)
    assert len(_read(path, layer="boundaries")) == len(bounds)
    assert "尧" not in "".join(_read(path, layer="targets")["quote"])  # real quotes, not heading debris


def test_csv_has_lon_lat_and_wkt(zhuzhou: gpd.GeoDataFrame, tmp_path: Path) -> None:
    path = tmp_path / "z.csv"
    export_to_path(zhuzhou, path)
    table = pd.read_csv(path, encoding="utf-8-sig", dtype={"county_adcode": str})
    assert list(table.columns[:2]) == ["lon", "lat"] and "wkt" in table.columns
    first = table.iloc[0]
    assert shapely.from_wkt(first["wkt"]).equals_exact(shapely.Point(first["lon"], first["lat"]), 1e-9)
    _same_values(table, zhuzhou)
    back = pyogrio.read_dataframe(path, X_POSSIBLE_NAMES="lon", Y_POSSIBLE_NAMES="lat")
    assert back.geometry.iloc[0].x == pytest.approx(first["lon"])
    assert len(back) == len(zhuzhou)


@pytest.mark.parametrize("encoding", ["UTF-8", "GBK"])
def test_shapefile_round_trip_keeps_chinese(zhuzhou: gpd.GeoDataFrame, tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "z.shp"
    written = export_to_path(zhuzhou, path, encoding=encoding)
    names = {p.name for p in written}
    assert {"z.shp", "z.shx", "z.dbf", "z.prj", "z.cpg", "z_aliases.csv"} <= names
    assert (tmp_path / "z.cpg").read_text() == encoding
    back = _read(path, encoding=encoding)
    short = {f.name: f.shp for f in FIELDS}
    _same_values(back, zhuzhou, short)
    aliases = pd.read_csv(tmp_path / "z_aliases.csv", encoding="utf-8-sig")
    assert dict(zip(aliases["shapefile_name"], aliases["name"], strict=True))["thru_t_yr"] == "throughput_t_per_yr"
    # long quotes are cut at a character boundary, said so in the alias table, never garbled
    for quote_back, quote in zip(back.set_index("id").loc[zhuzhou["id"], "quote"], zhuzhou["quote"], strict=True):
        assert quote_back == quote or (quote_back.endswith("...") and quote.startswith(quote_back[:-3]))
    assert "cut to 254 bytes" in aliases.set_index("name").loc["quote", "notes"]


@pytest.mark.parametrize(("encoding", "fits"), [("GBK", 127), ("UTF-8", 84)])
def test_text_is_cut_exactly_at_the_shapefile_byte_limit(zhuzhou: gpd.GeoDataFrame, encoding: str, fits: int) -> None:
    odd = zhuzhou.head(2).copy()
    odd["quote"] = ["电" * fits, "电" * (fits + 1)]  # 2 bytes in GBK, 3 in UTF-8
    out, _ = shapefile_frame(odd, encoding)
    quote = next(f.shp for f in FIELDS if f.name == "quote")
    assert out[quote].iloc[0] == "电" * fits
    cut = out[quote].iloc[1]
    assert cut.endswith("...") and len(cut.encode(encoding)) <= 254 and cut[:-3] == "电" * len(cut[:-3])


def test_zipped_shapefile_in_memory_for_downloads(zhuzhou: gpd.GeoDataFrame) -> None:
    export = export_to_bytes(zhuzhou, "shp", encoding="GBK")
    assert export.filename.endswith(".zip") and export.media_type == "application/zip"
    with zipfile.ZipFile(io.BytesIO(export.data)) as archive:
        assert archive.read("carbon_peak_projects.cpg") == b"GBK"
    back = gpd.read_file(io.BytesIO(export.data), encoding="GBK")
    assert set(back["id"]) == set(zhuzhou["id"])


def test_kml_round_trip(zhuzhou: gpd.GeoDataFrame, tmp_path: Path) -> None:
    odd = zhuzhou.copy()
    odd.loc[odd.index[0], "quote"] = "<img src=x onerror=alert(1)> 加快建设"
    path = tmp_path / "z.kml"
    export_to_path(odd, path)
    back = _read(path)
    project_id = "id2" if "id2" in back.columns else "id"  # GDAL's LIBKML reader keeps "id" for the placemark's
    back = back.set_index(project_id).loc[odd["id"]]
    assert back.crs.to_epsg() == 4326 and len(back) == len(odd)
    assert back["Name"].tolist() == odd["name_zh"].tolist()
    assert back["quote"].tolist() == odd["quote"].tolist()  # every field travels as extended data
    assert back.geometry.x.round(6).tolist() == odd.geometry.x.round(6).tolist()
    assert back.geometry.y.round(6).tolist() == odd.geometry.y.round(6).tolist()
    # Google Earth renders descriptions as HTML: the markup arrives escaped, to show as text
    assert back["description"].iloc[0] == "&lt;img src=x onerror=alert(1)&gt; 加快建设"
    assert "<img" not in path.read_text(encoding="utf-8")


def test_gcj02_export_is_shifted_and_labelled(zhuzhou: gpd.GeoDataFrame, tmp_path: Path) -> None:
    path = tmp_path / "z.gpkg"
    export_to_path(zhuzhou, path, crs="GCJ-02")
    back = _read(path, layer="projects").set_index("id")
    assert "GCJ-02" in back.crs.to_wkt() and back.crs.to_epsg() is None
    info = pyogrio.read_info(path, layer="projects")
    assert "NOT an EPSG CRS" in info["layer_metadata"]["DESCRIPTION"]
    original = zhuzhou.set_index("id")
    for rid in original.index[:10]:
        g = back.loc[rid, "geometry"]
        w = original.loc[rid, "geometry"]
        assert 300 < offset_metres(g.x, g.y, w.x, w.y) < 1000
        assert offset_metres(*gcj02_to_wgs84(g.x, g.y), w.x, w.y) < 0.5


def test_filters(frame: gpd.GeoDataFrame) -> None:
    sel = select_projects(frame, Selection(categories=("pumped_storage",), statuses=("construction",)))
    expected = frame[(frame["category"] == "pumped_storage") & (frame["status"] == "construction")]
    assert list(sel["id"]) == list(expected["id"])
    due = select_projects(frame, Selection(due_by=2025))
    assert list(due["id"]) == list(frame.loc[frame["year_end"].notna() & (frame["year_end"] <= 2025), "id"])
    west, south, east, north = 110.5, 34.6, 111.5, 35.5  # a box inside Yuncheng, cutting through it
    box = select_projects(frame, Selection(bbox=(west, south, east, north)))
    x, y = frame.geometry.x, frame.geometry.y
    inside = frame[(x >= west) & (x <= east) & (y >= south) & (y <= north)]
    assert 0 < len(box) < (frame["region"] == "YUNCHENG").sum()
    assert list(box["id"]) == list(inside["id"])  # every point inside kept, none outside


@pytest.mark.parametrize(
    ("selection", "message"),
    [(Selection(categories=("windmill",)), "unknown category"), (Selection(statuses=("planned",)), "unknown status"),
     (Selection(regions=("BEIJING",)), "unknown region"), (Selection(regions=("KUNDULUN",), categories=("wind",)),
                                                          "match no project"),
     (Selection(bbox=(114.0, 27.0, 113.0, 28.0)), "bad bounding box")],
)
def test_bad_filters_are_refused(frame: gpd.GeoDataFrame, selection: Selection, message: str) -> None:
    with pytest.raises(ExportError, match=message):
        select_projects(frame, selection)


@pytest.mark.parametrize(
    ("fmt", "crs", "encoding", "message"),
    [("geojson", "EPSG:4490", "UTF-8", "RFC 7946"), ("kml", "GCJ-02", "UTF-8", "KML is WGS-84"),
     ("xlsx", "EPSG:4326", "UTF-8", "unknown format"), ("gpkg", "EPSG:3857", "UTF-8", "unsupported CRS"),
     ("shp", "EPSG:4326", "latin-1", "unknown encoding"), ("csv", "EPSG:4326", "GBK", "Shapefiles only")],
)
def test_bad_requests_are_refused(zhuzhou: gpd.GeoDataFrame, fmt: str, crs: str, encoding: str,
                                  message: str) -> None:
    with pytest.raises(ExportError, match=message):
        export_to_bytes(zhuzhou, fmt, crs=crs, encoding=encoding)


def test_text_gbk_cannot_hold_is_named(zhuzhou: gpd.GeoDataFrame) -> None:
    bad = zhuzhou.copy()
    bad.loc[bad.index[0], "name_zh"] = "株洲𠀀站"  # CJK Extension B: not in GBK
    with pytest.raises(ExportError, match=f"project {bad.iloc[0]['id']}, field name_zh"):
        shapefile_frame(bad, "GBK")


def test_gbk_writes_compatibility_equivalents_and_says_so(zhuzhou: gpd.GeoDataFrame) -> None:
    odd = zhuzhou.copy()
    first = odd.index[0]
    odd.loc[first, "notes"] = "库容1200万m³，“保护”"
    out, aliases = shapefile_frame(odd, "GBK")
    note_field = next(f.shp for f in FIELDS if f.name == "notes")
    assert out.loc[first, note_field] == "库容1200万m3，“保护”"  # only ³ changed; full-width text kept
    assert out.loc[odd.index[1], note_field] == odd.loc[odd.index[1], "notes"]
    alias = next(a for a in aliases if a["name"] == "notes")
    assert "1 value(s)" in alias["notes"] and "NFKC" in alias["notes"]
    assert shapefile_frame(odd, "UTF-8")[0].loc[first, note_field] == "库容1200万m³，“保护”"


@pytest.mark.parametrize(("crs", "epsg"), [("EPSG:4326", 4326), ("EPSG:4490", 4490)])
def test_shapefile_carries_its_crs(zhuzhou: gpd.GeoDataFrame, tmp_path: Path, crs: str, epsg: int) -> None:
    path = tmp_path / "z.shp"
    export_to_path(zhuzhou, path, crs=crs)
    back = _read(path)
    assert back.crs.to_epsg() == epsg
    moved = back.set_index("id").loc[zhuzhou["id"]].geometry.to_crs(4326)
    assert max(offset_metres(a.x, a.y, b.x, b.y) for a, b in zip(moved, zhuzhou.geometry, strict=True)) < 1.0


def test_csv_in_gcj02_holds_shifted_coordinates(zhuzhou: gpd.GeoDataFrame) -> None:
    table = pd.read_csv(io.BytesIO(export_to_bytes(zhuzhou, "csv", crs="GCJ-02").data), encoding="utf-8-sig")
    assert set(table["crs"]) == {"GCJ-02"}
    table = table.set_index("id")
    for _, row in zhuzhou.iterrows():
        lon, lat = table.loc[row["id"], ["lon", "lat"]]
        assert 300 < offset_metres(lon, lat, row.geometry.x, row.geometry.y) < 900  # shifted, as GCJ-02 is
        assert offset_metres(*gcj02_to_wgs84(lon, lat), row.geometry.x, row.geometry.y) < 1.0
        assert shapely.from_wkt(table.loc[row["id"], "wkt"]).equals_exact(shapely.Point(lon, lat), 1e-6)


def test_gbk_text_that_grows_is_still_cut_and_flagged(zhuzhou: gpd.GeoDataFrame) -> None:
    odd = zhuzhou.copy()
    odd.loc[odd.index[0], "notes"] = "电" * 125 + "㍿"  # 252 GBK bytes; ㍿ → 株式会社 makes it 258
    out, aliases = shapefile_frame(odd, "GBK")
    note_field = next(f.shp for f in FIELDS if f.name == "notes")
    value = out.loc[odd.index[0], note_field]
    assert len(value.encode("gbk")) <= 254 and value.endswith("...")
    assert "cut to 254 bytes" in next(a for a in aliases if a["name"] == "notes")["notes"]


def test_failed_export_leaves_existing_file_untouched(zhuzhou: gpd.GeoDataFrame, tmp_path: Path) -> None:
    path = tmp_path / "z.geojson"
    path.write_text("keep me", encoding="utf-8")
    with pytest.raises(ExportError):
        export_to_path(zhuzhou, path, crs="EPSG:4490")
    assert path.read_text(encoding="utf-8") == "keep me"
    assert [p.name for p in tmp_path.iterdir()] == ["z.geojson"]


def test_exports_are_deterministic(zhuzhou: gpd.GeoDataFrame) -> None:
    for fmt in (Format.GEOJSON, Format.CSV, Format.SHP):
        assert export_to_bytes(zhuzhou, fmt).data == export_to_bytes(zhuzhou, fmt).data


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "geo", "export", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, check=False)


def test_cli_exports_in_one_command(tmp_path: Path) -> None:
    out = tmp_path / "wind.gpkg"
    result = _cli(str(out), "--category", "wind", "--crs", "EPSG:4490")
    assert result.returncode == 0, result.stderr
    back = _read(out, layer="projects")
    assert set(back["category"]) == {"wind"} and back.crs.to_epsg() == 4490


@pytest.mark.parametrize(
    ("args", "message"),
    [(["--category", "windmill"], "unknown category"), (["--crs", "EPSG:9999"], "unsupported CRS"),
     (["--format", "docx"], "unknown format"), (["--region", "KUNDULUN", "--category", "wind"], "match no project"),
     (["--bbox", "1,2,3"], "bad bounding box")],
)
def test_cli_error_paths_write_nothing(tmp_path: Path, args: list[str], message: str) -> None:
    out = tmp_path / "x.gpkg"
    result = _cli(str(out), *args)
    assert result.returncode == 2 and message in result.stderr
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_cli_refuses_a_directory(tmp_path: Path) -> None:
    result = _cli(str(tmp_path))
    assert result.returncode == 2 and "is a directory" in result.stderr
