"""Exports read back with geopandas / pyogrio holding the same features, values and CRS."""

from __future__ import annotations

import html
import io
import json
import os
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
from geo.errors import ExportError, WriteError
from geo.export import (
    Format,
    export_to_bytes,
    export_to_path,
    related_to,
    select_projects,
    selection_export,
    shapefile_frame,
    targets_table,
)
from geo.layers import FIELDS, boundaries_frame, projects_from_layers
from geo.query import Filters

from .conftest import ROOT

LAYERS = ROOT / "layers"


@pytest.fixture(scope="module")
def frame() -> gpd.GeoDataFrame:
    return projects_from_layers(LAYERS)


@pytest.fixture(scope="module")
def zhuzhou(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    return select_projects(frame, Filters(regions=("ZHUZHOU",)))


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
    # every project once (a stored style colours the categories): loading all layers does not double-count
    assert layers == {"projects", "boundaries", "targets", "layer_styles"}
    back = _read(path, layer="projects")
    assert len(back) == len(zhuzhou)
    targets = pyogrio.read_info(path, layer="targets")
    types = dict(zip(targets["fields"], targets["dtypes"], strict=True))
    assert (types["value"], types["year"], types["baseline_year"], types["quote_offset"]) == \
        ("float64", "int64", "int64", "int64")
    assert back.crs.to_epsg() == 4490
    _same_values(back, zhuzhou)
    assert len(_read(path, layer="boundaries")) == len(bounds)
    assert "尧" not in "".join(_read(path, layer="targets")["quote"])  # real quotes, not heading debris


def test_csv_has_lon_lat_and_wkt(zhuzhou: gpd.GeoDataFrame, tmp_path: Path) -> None:
    path = tmp_path / "z.csv"
    export_to_path(zhuzhou, path)
    codes = {"county_adcode": str, "point_county_adcode": str, "town_code": str}
    table = pd.read_csv(path, encoding="utf-8-sig", dtype=codes)
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
    assert (tmp_path / "z.cpg").read_text() == {"UTF-8": "UTF-8", "GBK": "936"}[encoding]  # ESRI's code page
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
        assert archive.read("carbon_peak_projects.cpg") == b"936"  # the code page ESRI tools read
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
    # every field travels as extended data, HTML-escaped as Google Earth shows it as HTML
    assert back["quote"].map(html.unescape).tolist() == odd["quote"].tolist()
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
    sel = select_projects(frame, Filters(categories=("pumped_storage",), statuses=("construction",)))
    expected = frame[(frame["category"] == "pumped_storage") & (frame["status"] == "construction")]
    assert list(sel["id"]) == list(expected["id"])
    due = select_projects(frame, Filters(year=2025, phases=("due",)))
    assert list(due["id"]) == list(frame.loc[frame["year_end"].notna() & (frame["year_end"] <= 2025), "id"])
    west, south, east, north = 110.5, 34.6, 111.5, 35.5  # a box inside Yuncheng, cutting through it
    box = select_projects(frame, Filters(bbox=(west, south, east, north)))
    x, y = frame.geometry.x, frame.geometry.y
    inside = frame[(x >= west) & (x <= east) & (y >= south) & (y <= north)]
    assert 0 < len(box) < (frame["region"] == "YUNCHENG").sum()
    assert list(box["id"]) == list(inside["id"])  # every point inside kept, none outside


@pytest.mark.parametrize(
    ("selection", "message"),
    [(Filters(categories=("windmill",)), "unknown category"), (Filters(statuses=("planned",)), "unknown status"),
     (Filters(regions=("BEIJING",)), "unknown region"), (Filters(regions=("KUNDULUN",), categories=("wind",)),
                                                          "match no project"),
     (Filters(bbox=(114.0, 27.0, 113.0, 28.0)), "bad bounding box")],
)
def test_bad_filters_are_refused(frame: gpd.GeoDataFrame, selection: Filters, message: str) -> None:
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


# --- nothing cut, nothing mixed, nothing left behind -------------------------------------------------

def _cli_limited(limit: int, *args: str) -> subprocess.CompletedProcess[str]:
    """``python -m geo export`` in a process whose files may not grow past ``limit`` bytes (RLIMIT_FSIZE:
    the kernel refuses the write, as a full small disk does)."""
    import resource

    def limit_size() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run([sys.executable, "-m", "geo", "export", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=300, check=False, preexec_fn=limit_size, env=env)


@pytest.mark.parametrize("name", ["full.kml", "full.gpkg", "full.shp", "full.zip", "full.csv", "full.geojson"])
def test_a_full_disk_is_a_clear_error_and_leaves_nothing_cut(tmp_path: Path, name: str) -> None:
    out = tmp_path / name
    result = _cli_limited(100_000, str(out))
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr and result.stderr.startswith("error: ")
    assert str(out) in result.stderr and ("disk" in result.stderr or "could not write" in result.stderr)
    assert list(tmp_path.iterdir()) == []  # no cut file, no temporary file or folder


def test_a_full_disk_keeps_the_previous_export(tmp_path: Path) -> None:
    out = tmp_path / "full.kml"
    assert _cli(str(out)).returncode == 0
    before = out.read_bytes()
    assert len(before) > 100_000
    result = _cli_limited(100_000, str(out))
    assert result.returncode == 2 and out.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["full.kml"]


@pytest.mark.parametrize(("suffix", "part", "words"), [
    (".gpkg", "export.gpkg", "GeoPackage"),
    (".shp", "export.dbf", "Shapefile GDAL wrote is not complete")])
def test_a_file_gdal_cut_short_is_caught_before_publishing(zhuzhou: gpd.GeoDataFrame, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch, suffix: str, part: str,
                                                           words: str) -> None:
    """GDAL reports success but the file is short, as its KML writer did on a full disk."""
    import geo._gdalio as gdalio

    real = gdalio.write_frame

    def cut(frame: gpd.GeoDataFrame, path: Path, shown: Path, **kwargs: object) -> None:
        real(frame, path, shown, **kwargs)
        victim = path.with_name(part)
        data = victim.read_bytes()
        victim.write_bytes(data[: len(data) * 2 // 3])

    for module in ("geo.gpkg", "geo._shapefile"):  # before gdalio: importing them binds its write_frame
        monkeypatch.setattr(f"{module}.write_frame", cut)
    monkeypatch.setattr(gdalio, "write_frame", cut)
    out = tmp_path / f"z{suffix}"
    out.write_bytes(b"previous")
    with pytest.raises(WriteError, match=words):
        export_to_path(zhuzhou, out)
    assert out.read_bytes() == b"previous" and [p.name for p in tmp_path.iterdir()] == [out.name]


def _shp_parts(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.name.startswith("z.") or p.name.startswith("z_")}


def _export_in_child(selection: gpd.GeoDataFrame, out: Path, kill_at: int) -> int:
    """Export in a forked child that dies (``os._exit``: no clean-up) at its ``kill_at``-th rename."""
    pid = os.fork()
    if pid == 0:
        try:
            steps = [0]
            real = os.replace

            def dying(a: object, b: object) -> None:
                steps[0] += 1
                if steps[0] == kill_at:
                    os._exit(77)
                real(a, b)  # type: ignore[arg-type]

            os.replace = dying  # type: ignore[assignment]
            os.rename = dying  # type: ignore[assignment]
            export_to_path(selection, out)
            os._exit(0)
        except BaseException:
            os._exit(3)
    return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])


def test_a_shapefile_export_killed_at_any_rename_is_complete_or_absent(frame: gpd.GeoDataFrame,
                                                                       tmp_path: Path) -> None:
    out = tmp_path / "z.shp"
    jinshi = select_projects(frame, Filters(regions=("JINSHI",)))
    zhuzhou = select_projects(frame, Filters(regions=("ZHUZHOU",)))
    export_to_path(jinshi, out)
    old = _shp_parts(tmp_path)
    (tmp_path / "ref").mkdir()
    export_to_path(zhuzhou, tmp_path / "ref" / "z.shp")
    new = _shp_parts(tmp_path / "ref")
    kill_at, outcomes = 1, []
    while (status := _export_in_child(zhuzhou, out, kill_at)) != 0:
        assert status == 77
        parts = _shp_parts(tmp_path)
        if "z.shp" in parts:  # a reader can open the set: every part from one export
            assert parts in (old, new), f"killed at rename {kill_at}: a mixed Shapefile set"
            outcomes.append("old" if parts == old else "new")
        else:
            outcomes.append("absent")
        export_to_path(zhuzhou, out)  # the next run cleans up and publishes
        assert _shp_parts(tmp_path) == new
        assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
        export_to_path(jinshi, out)
        kill_at += 1
    assert "absent" in outcomes and len(outcomes) >= len(new)


def test_leftovers_of_killed_exports_are_removed(zhuzhou: gpd.GeoDataFrame, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    import tempfile

    for name in (".cpm-shp-dead", ".cpm-export-dead"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "export.shp").write_bytes(b"half")
    (tmp_path / ".z.csv.x1y2z3.tmp").write_bytes(b"half")
    export_to_path(zhuzhou, tmp_path / "z.shp")
    export_to_path(zhuzhou, tmp_path / "z.gpkg")
    export_to_path(zhuzhou, tmp_path / "z.csv")
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]
    temp = tmp_path / "tmp"
    (temp / "cpm-export-dead").mkdir(parents=True)
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    export_to_bytes(zhuzhou, "gpkg")  # the app's downloads use $TMPDIR, and clean it the same way
    assert list(temp.iterdir()) == []


def test_a_backslash_in_a_name_never_leaves_files_outside(zhuzhou: gpd.GeoDataFrame, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    import tempfile

    temp = tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    export = export_to_bytes(zhuzhou, "shp", basename="..\\..\\evil")
    assert list(temp.iterdir()) == []
    with zipfile.ZipFile(io.BytesIO(export.data)) as archive:
        names = archive.namelist()
    assert names and all("\\" not in n and "/" not in n and not n.startswith(".") for n in names)
    out = tmp_path / "out"
    out.mkdir()
    written = export_to_path(zhuzhou, out / "a\\b.shp")  # a legal file name on Linux: kept, nothing elsewhere
    assert {p.parent for p in written} == {out} and (out / "a\\b.shp").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "tmp"]


@pytest.mark.parametrize("kind", ["symlink", "fifo", "device"])
def test_cli_refuses_outputs_that_are_not_regular_files(tmp_path: Path, kind: str) -> None:
    real = tmp_path / "real.kml"
    real.write_bytes(b"keep")
    out = Path("/dev/null") if kind == "device" else tmp_path / "out.kml"
    if kind == "symlink":
        out.symlink_to(real)
    elif kind == "fifo":
        os.mkfifo(out)
    result = _cli(str(out))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert {"symlink": "symbolic link", "fifo": "FIFO", "device": "device node"}[kind] in result.stderr
    assert real.read_bytes() == b"keep"
    if kind != "device":
        assert out.is_symlink() if kind == "symlink" else out.is_fifo()


def test_cli_never_writes_into_data(tmp_path: Path) -> None:
    plan = ROOT / "data" / "plans" / "JINSHI.txt"
    before = plan.read_bytes()
    result = _cli(str(plan.with_suffix(".kml")))
    assert result.returncode == 2 and "source data" in result.stderr
    assert not plan.with_suffix(".kml").exists() and plan.read_bytes() == before


PAYLOADS = ["{{7*7}}", "{% if %}", "{# x", "{{ 'x' }", "<img src=x onerror=alert(1)>", "<script>alert(1)</script>",
            "=1+1", "+SUM(A1:A2)", "-2+3", "@cmd", "\tTAB", "\rCR", "a\rb", '"quoted", comma', "&amp; &lt;"]


def test_payloads_in_every_text_field_read_back_literally(zhuzhou: gpd.GeoDataFrame, tmp_path: Path) -> None:
    import csv as csvlib
    import xml.etree.ElementTree as ET

    odd = zhuzhou.head(len(PAYLOADS)).copy()
    vocabularies = {f.name for f in FIELDS if f.enum}  # vocabularies stay
    text = [f.name for f in FIELDS if f.type == "string" and f.name != "id" and f.name not in vocabularies]
    for i, index in enumerate(odd.index):
        for j, name in enumerate(text):
            odd.loc[index, name] = PAYLOADS[(i + j) % len(PAYLOADS)]
    want = odd.set_index("id")

    def check(back: pd.DataFrame, fmt: str, decode: object = lambda v: v, short: bool = False) -> None:
        back = back.set_index("id2" if "id2" in back.columns else "id")
        column = {f.name: f.shp if short else f.name for f in FIELDS}
        for rid, row in want.iterrows():
            for name in text:
                got = back.loc[rid, column[name]]
                assert decode(got) == row[name], (fmt, rid, name, got)  # type: ignore[operator]

    check(_read(_export(odd, tmp_path / "p.geojson")), "geojson")
    check(_read(_export(odd, tmp_path / "p.gpkg"), layer="projects"), "gpkg")
    check(_read(_export(odd, tmp_path / "p.shp")), "shp", short=True)
    # CSV: formula starts neutralised with an apostrophe; CR inside a cell quoted, so the row stays whole
    with (_export(odd, tmp_path / "p.csv")).open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csvlib.DictReader(fh))
    assert len(rows) == len(odd)
    check(pd.DataFrame(rows), "csv",
          lambda v: v[1:] if v.startswith("'") and v[1:2] in ("=", "+", "-", "@", "\t", "\r") else v)
    # KML: no markup reaches Google Earth; un-escaped once, the text is the payload (up to white space:
    # XML reads CR as LF, and GDAL's reader trims it at the ends)
    kml = _export(odd, tmp_path / "p.kml")
    for element in ET.parse(kml).iter():
        assert "<" not in (element.text or ""), element.text
    want = want.apply(lambda col: col.map(lambda v: " ".join(v.split())) if col.name in text else col)
    check(_read(kml), "kml", lambda v: " ".join(html.unescape(v).split()))


def _export(frame: gpd.GeoDataFrame, path: Path) -> Path:
    export_to_path(frame, path)
    return path


def _boundaries() -> gpd.GeoDataFrame:
    folder = ROOT / "data" / "boundaries"
    return boundaries_frame(boundaries_from_dir(folder, level="region"), boundaries_from_dir(folder, level="county"))


def test_a_filtered_download_carries_only_its_regions_boundaries_and_targets(frame: gpd.GeoDataFrame,
                                                                              tmp_path: Path) -> None:
    boundaries, targets = _boundaries(), targets_table(LAYERS)
    ids = list(frame.loc[frame["region"].isin(["KUNDULUN", "JINSHI"]), "id"])
    export = selection_export(frame, ids, Format.GPKG, boundaries=boundaries, targets=targets)
    path = tmp_path / export.filename
    path.write_bytes(export.data)
    assert len(_read(path, layer="projects")) == len(ids)
    own = _read(path, layer="boundaries")
    assert set(own["region"]) == {"KUNDULUN", "JINSHI"}
    assert len(own) == int(boundaries["region"].isin(["KUNDULUN", "JINSHI"]).sum()) < len(boundaries)
    own_targets = pyogrio.read_dataframe(path, layer="targets")
    assert sorted(own_targets["id"]) == sorted(targets.loc[targets["region"].isin(["KUNDULUN", "JINSHI"]), "id"])
    # the helper itself: regions of the selection, both levels
    b, t = related_to(frame[frame["region"] == "YUNCHENG"], boundaries, targets)
    assert set(b["region"]) == {"YUNCHENG"} and set(b["level"]) == {"region", "county"}
    assert set(t["region"]) == {"YUNCHENG"}


@pytest.mark.parametrize("fmt", list(Format))
def test_every_format_of_the_app_downloads_the_chosen_projects(frame: gpd.GeoDataFrame, fmt: Format,
                                                               tmp_path: Path) -> None:
    ids = list(frame.loc[frame["region"] == "KUNDULUN", "id"])[:5]
    export = selection_export(frame, ids, fmt, boundaries=_boundaries(), targets=targets_table(LAYERS))
    assert export.filename.endswith(fmt.suffix) and export.media_type == fmt.media_type
    path = tmp_path / export.filename
    path.write_bytes(export.data)
    if fmt is Format.CSV:
        back = pd.read_csv(path, encoding="utf-8-sig")
    elif fmt is Format.SHP:
        back = _read(f"zip://{path}")
    else:
        back = _read(path, layer="projects") if fmt is not Format.GEOJSON else _read(path)
    if fmt is Format.KML:  # KML names its placemarks; GDAL reads its own ids into "id"
        names = frame.loc[frame["id"].isin(ids), "name_zh"]
        assert sorted(back["Name"]) == sorted(names)
        return
    assert sorted(back["id"]) == sorted(ids)


def test_an_empty_selection_is_refused(frame: gpd.GeoDataFrame) -> None:
    with pytest.raises(ExportError, match="no project"):
        selection_export(frame, [], Format.CSV, boundaries=_boundaries(), targets=targets_table(LAYERS))


def test_shapefile_flags_each_row_whose_text_was_cut(zhuzhou: gpd.GeoDataFrame) -> None:
    shp, aliases = shapefile_frame(zhuzhou, "GBK")
    assert "group" not in shp.columns and "proj_group" in shp.columns  # not an SQL reserved word
    quote = next(f.shp for f in FIELDS if f.name == "quote")
    for original, row in zip(zhuzhou["quote"], shp.itertuples(index=False), strict=True):
        cut = len(original.encode("gbk")) > 254
        assert (quote in row.cut_fields.split(",")) == cut
        assert getattr(row, quote) == original if not cut else getattr(row, quote).endswith("...")
    assert (shp["cut_fields"] != "").sum() > 0
    assert any(a["shapefile_name"] == "cut_fields" for a in aliases)


def test_gbk_shapefile_opens_as_chinese_from_its_code_page(zhuzhou: gpd.GeoDataFrame, tmp_path: Path) -> None:
    export_to_path(zhuzhou, tmp_path / "z.shp", encoding="GBK")
    back = _read(tmp_path / "z.shp")  # no encoding given: GDAL reads the .cpg's 936
    assert back["name_zh"].tolist() == zhuzhou["name_zh"].tolist()


def test_dbf_header_date_is_the_release_date(zhuzhou: gpd.GeoDataFrame, tmp_path: Path) -> None:
    from geo.fields import DATASET

    export_to_path(zhuzhou, tmp_path / "z.shp")
    year, month, day = (int(p) for p in DATASET.release_date.split("-"))
    assert (tmp_path / "z.dbf").read_bytes()[1:4] == bytes((year - 1900, month, day))


def test_kml_placemarks_are_projects_styled_and_typed(zhuzhou: gpd.GeoDataFrame) -> None:
    import xml.etree.ElementTree as ET

    ns = {"k": "http://www.opengis.net/kml/2.2"}
    root = ET.fromstring(export_to_bytes(zhuzhou, "kml").data)
    placemarks = root.findall(".//k:Placemark", ns)
    assert [p.get("id") for p in placemarks] == zhuzhou["id"].tolist()
    styles = {s.get("id") for s in root.findall(".//k:Style", ns)}
    types = {f.get("name"): f.get("type") for f in root.findall(".//k:Schema/k:SimpleField", ns)}
    assert (types["power_mw"], types["year_end"], types["is_programme"], types["name_zh"]) == \
        ("double", "int", "bool", "string")
    for placemark, row in zip(placemarks, zhuzhou.itertuples(index=False), strict=True):
        url = placemark.findtext("k:styleUrl", namespaces=ns)
        assert url in {f"#{s}" for s in styles} and url.startswith(f"#{row.category}-")
        assert url.endswith("-approximate") == (row.precision in ("county", "region"))
        data = {d.get("name"): d.text or "" for d in placemark.findall(".//k:SimpleData", ns)}
        assert data["year_end"] == ("" if pd.isna(row.year_end) else str(int(row.year_end)))
    back = _read(io.BytesIO(export_to_bytes(zhuzhou, "kml").data))
    assert len(back) == len(zhuzhou)


def test_geojson_export_features_carry_the_project_id(zhuzhou: gpd.GeoDataFrame) -> None:
    doc = json.loads(export_to_bytes(zhuzhou, "geojson").data)
    assert [f["id"] for f in doc["features"]] == zhuzhou["id"].tolist()


def test_gk3_export_is_in_the_zone_of_the_selection(zhuzhou: gpd.GeoDataFrame, tmp_path: Path) -> None:
    export_to_path(zhuzhou, tmp_path / "z.gpkg", crs="GK3")
    back = _read(tmp_path / "z.gpkg", layer="projects")
    assert back.crs.to_epsg() == 4547  # CGCS2000 / 3-degree Gauss-Kruger CM 114E: Zhuzhou lies at 113°E
    assert back.geometry.x.between(300_000, 700_000).all()  # metres about the central meridian


def test_the_export_takes_the_apps_filter_record(frame: gpd.GeoDataFrame) -> None:
    """Any filter of the app (capacity range, search, phase in a year) selects the same projects for export."""
    from geo.query import filter_projects

    for filters in (Filters(power_mw=(100.0, 1200.0), include_no_capacity=False), Filters(search="抽水蓄能"),
                    Filters(year=2030, phases=("under_way",), regions=("ZHUZHOU", "YUNCHENG"))):
        chosen = select_projects(frame, filters)
        assert 0 < len(chosen) < len(frame)
        assert list(chosen["id"]) == list(filter_projects(frame, filters)["id"])
    with pytest.raises(ExportError, match=r"power 5000–6000 MW"):
        select_projects(frame, Filters(power_mw=(5000.0, 6000.0), include_no_capacity=False))
