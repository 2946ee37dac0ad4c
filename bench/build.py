"""Benchmark the layers build and every export format against plain ``GeoDataFrame.to_file``.

For the real catalogue and for a synthetic catalogue of 100,000 projects spread over the
real county polygons, prints the wall time of

* the full build (``projects.geojson`` + one GeoJSON per category + boundaries + targets),
  next to ``to_file`` (pyogrio) writing the same GeoJSON files;
* each export format, next to ``to_file`` of the same selection in the same format;

and the ratio ours / plain (aim: ≤ 1.5). Each figure is the best of ``--repeat`` runs.
Run: ``python bench/build.py [--n 100000] [--repeat 3]``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from geo.boundaries import boundaries_from_dir
from geo.export import export_to_bytes, export_to_path, shapefile_frame, targets_table
from geo.layers import FIELDS, boundaries_frame, build_layers, projects_from_layers
from geo.settings import load_settings
from geo.targets import targets_from_dir
from geo.vocabulary import Category


def best_of(repeat: int, fn: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def synthetic(real: gpd.GeoDataFrame, counties: gpd.GeoDataFrame, n: int, seed: int = 7) -> gpd.GeoDataFrame:
    """``n`` projects: attributes resampled from the real catalogue, points uniform inside real counties."""
    rng = np.random.default_rng(seed)
    rows = real.drop(columns="geometry").sample(n=n, replace=True, random_state=seed).reset_index(drop=True)
    rows["id"] = [f"SYN-{i:06d}" for i in range(n)]
    picks = rng.integers(0, len(counties), size=n)
    points = np.empty(n, dtype=object)
    for k, poly in enumerate(counties.geometry):
        idx = np.flatnonzero(picks == k)
        minx, miny, maxx, maxy = poly.bounds
        got: list[shapely.Point] = []
        while len(got) < len(idx):
            xs = rng.uniform(minx, maxx, size=2 * (len(idx) - len(got)) + 10)
            ys = rng.uniform(miny, maxy, size=xs.size)
            inside = shapely.contains_xy(poly, xs, ys)
            got.extend(shapely.points(xs[inside], ys[inside]))
        points[idx] = got[: len(idx)]
        rows.loc[idx, "county_adcode"] = counties.iloc[k]["adcode"]
    return gpd.GeoDataFrame(rows, geometry=list(points), crs="EPSG:4326")


#: layer options that make GDAL's GeoJSON what ours is: RFC 7946 (WGS-84, no crs member, right-hand
#: rule) with coordinates to 6 decimals
RFC7946 = {"RFC7946": "YES", "COORDINATE_PRECISION": 6}


def plain_build(frame: gpd.GeoDataFrame, boundaries: gpd.GeoDataFrame, targets: pd.DataFrame, out: Path) -> None:
    """The same files as our build, written by plain to_file / to_csv calls."""
    frame.to_file(out / "projects.geojson", driver="GeoJSON", engine="pyogrio", **RFC7946)
    for category in Category:
        frame[frame["category"] == category.value].to_file(out / f"{category.value}.geojson", driver="GeoJSON",
                                                            engine="pyogrio", **RFC7946)
    boundaries.to_file(out / "boundaries.geojson", driver="GeoJSON", engine="pyogrio", **RFC7946)
    targets.to_csv(out / "targets.csv", index=False)


PLAIN = {
    "geojson": ("GeoJSON", ".geojson"),
    "gpkg": ("GPKG", ".gpkg"),
    "csv": ("CSV", ".csv"),
    "shp": ("ESRI Shapefile", ".shp"),
    "kml": ("KML", ".kml"),
}


def measure(label: str, frame: gpd.GeoDataFrame, boundaries: gpd.GeoDataFrame, targets: list[object],
            targets_df: pd.DataFrame, repeat: int) -> None:
    print(f"\n## {label}: {len(frame):,} projects")
    print(f"{'step':<34}{'ours (s)':>10}{'plain (s)':>11}{'ratio':>8}")
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        (base / "ours").mkdir()
        (base / "plain").mkdir()
        ours = best_of(repeat, lambda: build_layers(frame, boundaries, targets, base / "ours"))  # type: ignore[arg-type]
        plain = best_of(repeat, lambda: plain_build(frame, boundaries, targets_df, base / "plain"))
        print(f"{'full build (all GeoJSON layers)':<34}{ours:>10.3f}{plain:>11.3f}{ours / plain:>8.2f}")
        for fmt, (driver, suffix) in PLAIN.items():
            target = base / f"ours{suffix}"
            if fmt == "shp":
                ours = best_of(repeat, lambda: export_to_path(frame, base / "ours.shp"))
                shp, _ = shapefile_frame(frame, "UTF-8")
                plain = best_of(repeat, lambda shp=shp, path=base / f"plain{suffix}", driver=driver: shp.to_file(
                    path, driver=driver, engine="pyogrio", encoding="UTF-8"))
            elif fmt == "gpkg":  # both with the boundaries and the targets layers, as the CLI writes it
                ours = best_of(repeat, lambda target=target: export_to_path(frame, target, boundaries=boundaries,
                                                                            targets=targets_df))
                plain = best_of(repeat, lambda path=base / f"plain{suffix}": _plain_gpkg(frame, boundaries, targets_df,
                                                                                         path))
            else:
                options: dict[str, object] = {"GEOMETRY": "AS_WKT"} if fmt == "csv" else \
                    dict(RFC7946) if fmt == "geojson" else {}
                ours = best_of(repeat, lambda: export_to_path(frame, target))  # noqa: B023
                plain = best_of(repeat, lambda: _fresh(frame, base / f"plain{suffix}", driver=driver,  # noqa: B023
                                                       **options))  # noqa: B023
            print(f"{'export ' + fmt:<34}{ours:>10.3f}{plain:>11.3f}{ours / plain:>8.2f}")
        ours = best_of(repeat, lambda: export_to_path(frame, base / "ours_gbk.shp", encoding="GBK"))
        gbk, _ = shapefile_frame(frame, "GBK")
        plain = best_of(repeat, lambda: gbk.to_file(base / "plain_gbk.shp", driver="ESRI Shapefile", engine="pyogrio",
                                                     encoding="GBK"))
        print(f"{'export shp (GBK)':<34}{ours:>10.3f}{plain:>11.3f}{ours / plain:>8.2f}")
        mem = best_of(repeat, lambda: export_to_bytes(frame, "geojson"))
        print(f"{'export geojson to bytes (app)':<34}{mem:>10.3f}")


def _fresh(frame: gpd.GeoDataFrame, path: Path, **kwargs: object) -> None:
    path.unlink(missing_ok=True)
    frame.to_file(path, engine="pyogrio", **kwargs)


def _plain_gpkg(frame: gpd.GeoDataFrame, boundaries: gpd.GeoDataFrame, targets: pd.DataFrame, path: Path) -> None:
    """The same GeoPackage content as ours: projects, one layer per category, boundaries, targets."""
    path.unlink(missing_ok=True)
    frame.to_file(path, layer="projects", driver="GPKG", engine="pyogrio")
    for category in sorted(set(frame["category"])):
        frame[frame["category"] == category].to_file(path, layer=category, driver="GPKG", engine="pyogrio")
    boundaries.to_file(path, layer="boundaries", driver="GPKG", engine="pyogrio")
    pyogrio.write_dataframe(targets, path, layer="targets", driver="GPKG")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=100_000, help="synthetic catalogue size")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    settings = load_settings()
    real = projects_from_layers(settings.layers_dir)
    counties = boundaries_from_dir(settings.boundaries_dir, level="county")
    regions = boundaries_from_dir(settings.boundaries_dir, level="region")
    boundaries = boundaries_frame(regions, counties)
    targets = list(targets_from_dir(settings.projects_dir))
    targets_df = targets_table(settings.layers_dir)
    print(f"python {sys.version.split()[0]}, geopandas {gpd.__version__}, shapely {shapely.__version__}; "
          f"fields {len(FIELDS)}")
    measure("real catalogue", real, boundaries, targets, targets_df, args.repeat)
    measure("synthetic catalogue", synthetic(real, counties, args.n), boundaries, targets, targets_df,
            max(1, args.repeat - 1))


if __name__ == "__main__":
    main()
