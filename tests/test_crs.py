"""Conversions at the edges, checked against published reference pairs.

References
----------
[EVIL] googollee/eviltransform, python/test.py (MIT): WGS-84 → GCJ-02 pairs for Shanghai,
       Shenzhen and Beijing, given to 1e-6 degree.
[ALIYUN] Alibaba Cloud, 地址标准化 API "TransferCoord" (help.aliyun.com, address-purification
       developer reference, coordinate-system-conversion): one point published in GCJ-02,
       WGS-84, CGCS2000 and BD-09 (Hangzhou).
[YWH] map.yiweihang.com "位置偏移服务 SE_SH" documentation: WGS-84 (116.36657, 39.95094)
       → offset (116.372789, 39.952320), Beijing.
"""

from __future__ import annotations

import math

import geopandas as gpd
import pyproj
import pytest
import shapely
from hypothesis import example, given, settings
from hypothesis import strategies as st

from geo.crs import (
    EXPORT_CRS,
    ProjectedCRS,
    TargetCRS,
    bd09_to_gcj02,
    bd09_to_wgs84,
    cgcs2000_to_wgs84,
    crs_from_name,
    export_crs_from_name,
    frame_from_wgs84,
    gauss_kruger_3deg,
    gcj02_to_bd09,
    gcj02_to_wgs84,
    geometry_from_wgs84,
    geometry_to_wgs84,
    in_gcj_domain,
    is_gcj02,
    offset_metres,
    utm_zone,
    wgs84_to_bd09,
    wgs84_to_cgcs2000,
    wgs84_to_gcj02,
)
from geo.errors import CRSError

# (wgs lon, wgs lat, gcj lon, gcj lat) from [EVIL]
EVIL_PAIRS = [
    (121.5272106, 31.1774276, 121.531541859215, 31.17530398364597),  # Shanghai
    (113.912316, 22.543847, 113.9171764808363, 22.540796131694766),  # Shenzhen
    (116.377817, 39.911954, 116.38404722455657, 39.91334545536069),  # Beijing
]
ALIYUN = {"gcj": (120.026268, 30.279164), "wgs": (120.021519, 30.281543), "cgcs": (120.021519, 30.281543),
          "bd": (120.032768, 30.285238)}


@pytest.mark.parametrize(("wlon", "wlat", "glon", "glat"), EVIL_PAIRS)
def test_wgs84_to_gcj02_matches_published_pairs(wlon: float, wlat: float, glon: float, glat: float) -> None:
    lon, lat = wgs84_to_gcj02(wlon, wlat)
    assert offset_metres(lon, lat, glon, glat) < 0.05


@pytest.mark.parametrize(("wlon", "wlat", "glon", "glat"), EVIL_PAIRS)
def test_gcj02_to_wgs84_inverse_within_a_metre(wlon: float, wlat: float, glon: float, glat: float) -> None:
    lon, lat = gcj02_to_wgs84(glon, glat)
    assert offset_metres(lon, lat, wlon, wlat) < 0.05  # well below the 1 m requirement


def test_second_published_wgs84_to_gcj02_pair() -> None:
    lon, lat = wgs84_to_gcj02(116.36657, 39.95094)  # [YWH]
    assert offset_metres(lon, lat, 116.372789, 39.952320) < 0.2  # published to 6 decimals (~0.1 m)


def test_gcj02_to_bd09_matches_aliyun() -> None:
    lon, lat = gcj02_to_bd09(*ALIYUN["gcj"])
    assert offset_metres(lon, lat, *ALIYUN["bd"]) < 0.2


def test_bd09_to_wgs84_against_aliyun() -> None:
    # independent of our forward conversions: the published BD-09 point back to the published WGS-84 one
    # (within the ~1.5 m of Aliyun's one-step inverse, as below), and to the published GCJ-02 one
    assert offset_metres(*bd09_to_wgs84(*ALIYUN["bd"]), *ALIYUN["wgs"]) < 2.0
    assert offset_metres(*bd09_to_gcj02(*ALIYUN["bd"]), *ALIYUN["gcj"]) < 0.2


def test_gcj02_to_wgs84_against_aliyun() -> None:
    # Aliyun publishes a one-step (approximate) inverse; ours iterates to the exact one, so the
    # published value differs by the known ~1.5 m error of the one-step method, no more.
    lon, lat = gcj02_to_wgs84(*ALIYUN["gcj"])
    assert offset_metres(lon, lat, *ALIYUN["wgs"]) < 2.0
    # and our WGS-84 point maps forward exactly onto the published GCJ-02 one
    assert offset_metres(*wgs84_to_gcj02(lon, lat), *ALIYUN["gcj"]) < 0.01


def test_cgcs2000_equals_wgs84_at_metre_level() -> None:
    # [ALIYUN] publishes identical CGCS2000 and WGS-84 values; PROJ applies a null transformation
    lon, lat = wgs84_to_cgcs2000(*ALIYUN["wgs"])
    assert offset_metres(lon, lat, *ALIYUN["cgcs"]) < 1.0
    assert offset_metres(*cgcs2000_to_wgs84(lon, lat), *ALIYUN["wgs"]) < 1e-6


def test_cgcs2000_axis_order_is_handled() -> None:
    # EPSG:4490 declares latitude first; a frame converted to it keeps x = lon, y = lat
    gdf = gpd.GeoDataFrame(geometry=[shapely.Point(113.12, 27.86)], crs="EPSG:4326")
    out = frame_from_wgs84(gdf, "EPSG:4490")
    assert out.crs.to_epsg() == 4490
    assert out.geometry.iloc[0].x == pytest.approx(113.12, abs=1e-6)


china_points = st.tuples(st.floats(min_value=98.0, max_value=122.0), st.floats(min_value=22.8, max_value=42.0))


@settings(max_examples=300, deadline=None)
@given(china_points)
@example((122.0, 25.1953125))  # at the edge of the mainland domain (found by hypothesis)
@example((116.2421875, 22.8046875))
def test_round_trip_gcj02_below_one_metre(point: tuple[float, float]) -> None:
    lon, lat = point
    if not in_gcj_domain(lon, lat):
        return
    back = gcj02_to_wgs84(*wgs84_to_gcj02(lon, lat))
    assert offset_metres(*back, lon, lat) < 1.0


@settings(max_examples=200, deadline=None)
@given(china_points)
def test_round_trip_bd09_below_one_metre(point: tuple[float, float]) -> None:
    lon, lat = point
    if not in_gcj_domain(lon, lat):
        return
    back = bd09_to_wgs84(*wgs84_to_bd09(lon, lat))
    assert offset_metres(*back, lon, lat) < 1.0


@pytest.mark.parametrize(
    ("name", "lon", "lat"),
    [("Hong Kong", 114.17, 22.30), ("Macau", 113.54, 22.19), ("Taipei", 121.56, 25.04), ("Seoul", 126.98, 37.57),
     ("Ulaanbaatar", 106.91, 47.92), ("Hanoi", 105.85, 21.03), ("Paris", 2.35, 48.86)],
)
def test_no_offset_outside_mainland_china(name: str, lon: float, lat: float) -> None:
    assert not in_gcj_domain(lon, lat), name
    assert wgs84_to_gcj02(lon, lat) == (lon, lat)
    assert gcj02_to_wgs84(lon, lat) == (lon, lat)
    assert wgs84_to_bd09(lon, lat) == (lon, lat)


@pytest.mark.parametrize(("lon", "lat"), [(114.06, 22.54), (113.57, 22.27), (120.75, 30.75), (109.8, 40.65),
                                          (109.52, 18.25)])
def test_offset_applies_in_mainland_china(lon: float, lat: float) -> None:
    assert in_gcj_domain(lon, lat)
    glon, glat = wgs84_to_gcj02(lon, lat)
    assert 100 < offset_metres(lon, lat, glon, glat) < 1000


def test_offset_varies_across_a_region() -> None:
    # no constant shift: the GCJ-02 offset differs by tens of metres across Yuncheng
    a = wgs84_to_gcj02(110.3, 34.7)
    b = wgs84_to_gcj02(112.0, 35.7)
    da = (a[0] - 110.3, a[1] - 34.7)
    db = (b[0] - 112.0, b[1] - 35.7)
    assert math.dist(da, db) * 111_000 > 50


@pytest.mark.parametrize("name", ["EPSG:4326", "epsg:4326", "wgs84", "4490", "CGCS2000", "gcj-02", "GCJ02", "bd09"])
def test_crs_names(name: str) -> None:
    assert isinstance(crs_from_name(name), TargetCRS)


@pytest.mark.parametrize("name", ["EPSG:3857", "mars", "", "EPSG:4214"])
def test_bad_crs_name_is_refused(name: str) -> None:
    with pytest.raises(CRSError, match="unknown or unsupported CRS"):
        crs_from_name(name)


def test_gcj02_frame_says_what_it_is() -> None:
    gdf = gpd.GeoDataFrame({"name": ["a"]}, geometry=[shapely.Point(120.75, 30.75)], crs="EPSG:4326")
    out = frame_from_wgs84(gdf, "GCJ-02")
    assert out.attrs["crs_name"] == "GCJ-02"
    assert not TargetCRS.GCJ02.is_epsg and "NOT an EPSG" in TargetCRS.GCJ02.description
    assert gdf.geometry.iloc[0].x == 120.75  # input untouched
    assert out.geometry.iloc[0].x != 120.75


def test_frame_without_crs_is_refused() -> None:
    gdf = gpd.GeoDataFrame(geometry=[shapely.Point(120.75, 30.75)])
    with pytest.raises(CRSError, match="no CRS"):
        frame_from_wgs84(gdf, "GCJ-02")


def test_geometry_round_trip_keeps_polygon_shape() -> None:
    poly = shapely.box(120.7, 30.7, 120.8, 30.8)
    back = geometry_to_wgs84(geometry_from_wgs84(poly, TargetCRS.GCJ02), TargetCRS.GCJ02)
    assert shapely.hausdorff_distance(poly, back) < 1e-6


def test_gcj_without_its_library_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from geo import crs

    crs._prcoords.cache_clear()
    monkeypatch.setitem(sys.modules, "prcoords", None)
    try:
        with pytest.raises(CRSError, match=r"need the package 'prcoords'.*make test"):
            wgs84_to_gcj02(112.0, 29.0)
        assert wgs84_to_cgcs2000(112.0, 29.0) == pytest.approx((112.0, 29.0))  # the rest still works
    finally:
        crs._prcoords.cache_clear()


def test_gcj02_frames_are_never_labelled_epsg4326() -> None:
    gdf = gpd.GeoDataFrame({"name": ["a"]}, geometry=[shapely.Point(120.75, 30.75)], crs="EPSG:4326")
    out = frame_from_wgs84(gdf, "GCJ-02")
    assert out.crs.to_epsg() is None and is_gcj02(out.crs) and "GCJ-02" in out.crs.name
    assert out.geometry.iloc[0].x != 120.75  # shifted
    assert gdf.crs.to_epsg() == 4326  # the input is untouched


def test_the_export_crs_error_lists_only_what_exports_accept() -> None:
    with pytest.raises(CRSError) as caught:
        export_crs_from_name("BD-09")
    message = str(caught.value)
    assert "BD-09" in message.split(";")[0]  # names what was asked ...
    offered = message.split(";", 1)[1]
    assert "BD-09" not in offered and all(c.value in offered for c in EXPORT_CRS)  # ... and offers only these
    for name in offered.split("use one of: ")[1].split(", or")[0].split(", "):
        assert export_crs_from_name(name) in EXPORT_CRS


@pytest.mark.parametrize(("lon", "gk3", "utm"), [(113.13, 4547, 32649), (110.99, 4546, 32649), (121.0, 4549, 32651),
                                                 (75.0, 4534, 32643), (135.0, 4554, 32653)])
def test_projected_zone_for_a_longitude(lon: float, gk3: int, utm: int) -> None:
    assert gauss_kruger_3deg(lon) == ProjectedCRS(gk3) == export_crs_from_name("GK3", lon=lon)
    assert utm_zone(lon) == ProjectedCRS(utm) == export_crs_from_name(f"EPSG:{utm}")
    params = pyproj.CRS.from_epsg(gk3).coordinate_operation.params
    central = next(p.value for p in params if p.name == "Longitude of natural origin")
    assert abs(central - lon) <= 1.5  # the zone's central meridian is the nearest


@pytest.mark.parametrize("name", ["EPSG:32654", "EPSG:4533", "EPSG:3857"])
def test_projected_crs_outside_the_offer_is_refused(name: str) -> None:
    with pytest.raises(CRSError, match="projected CRS for measuring"):
        export_crs_from_name(name)


def test_projected_frames_measure_metres() -> None:
    a, b = (113.10, 27.80), (113.20, 27.85)
    gdf = gpd.GeoDataFrame({"n": [1, 2]}, geometry=[shapely.Point(*a), shapely.Point(*b)], crs="EPSG:4326")
    for crs in (gauss_kruger_3deg(113.15), utm_zone(113.15)):
        out = frame_from_wgs84(gdf, crs)
        assert out.crs.to_epsg() == crs.epsg and out.attrs["crs_name"] == crs.value
        planar = out.geometry.iloc[0].distance(out.geometry.iloc[1])
        assert planar == pytest.approx(offset_metres(*a, *b), rel=1e-3)  # scale error inside a zone < 0.1 %
