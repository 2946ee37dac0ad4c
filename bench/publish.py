"""``python -m geo publish`` against ``ogr2ogr -f PostgreSQL``: the same GeoPackage into one throwaway cluster.

Builds a GeoPackage like ``layers/carbon_peak.gpkg`` whose ``projects`` table holds ``--projects``
synthetic rows (the real projects repeated with new ids and points moved by up to 0.05°, seeded;
the real boundaries and targets), then, against one PostgreSQL + PostGIS cluster started in a
temporary folder (``tests/postgis_server.py``), times ``--repeat`` runs of each, alternating:

* ``python -m geo publish URL --schema geo_publish`` (reads the GeoPackage, typed tables with
  NOT NULL, primary keys, comments, COPY, GiST index, ANALYZE, swap in one transaction);
* ``ogr2ogr -f PostgreSQL PG:… the.gpkg -lco SCHEMA=ogr -overwrite`` (its defaults: COPY, spatial
  index, one transaction per 100,000 features per layer).

Both are timed as whole commands (process start included) and checked afterwards for the row
counts. Prints each run, the medians and the ratio publish / ogr2ogr (aim: at most 1.5×).

Run: ``python bench/publish.py`` (``--projects 100000 --repeat 3``). Needs PostgreSQL 15 +
PostGIS 3 and ``ogr2ogr`` (gdal-bin).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def synthetic_gpkg(path: Path, n: int, *, seed: int = 14) -> None:
    """A GeoPackage of ``n`` projects (the real ones repeated, new ids, moved points) with the real
    boundaries and targets, written by the project's own writer."""
    import numpy as np
    import pandas as pd
    import pyogrio
    import shapely

    from geo.crs import TargetCRS
    from geo.fields import BOUNDARIES, PROJECTS, TARGETS
    from geo.gpkg import GpkgLayer, write_gpkg
    from geo.layers import GPKG_NAME

    source = ROOT / "layers" / GPKG_NAME
    real = pyogrio.read_dataframe(source, layer="projects")
    frame = real.iloc[np.arange(n) % len(real)].reset_index(drop=True)
    frame["id"] = [f"SYN-{i:06d}" for i in range(n)]
    rng = np.random.default_rng(seed)
    xy = shapely.get_coordinates(frame.geometry.to_numpy()) + rng.uniform(-0.05, 0.05, size=(n, 2))
    frame = frame.set_geometry(list(shapely.points(xy)), crs=real.crs)
    boundaries = pyogrio.read_dataframe(source, layer="boundaries")
    targets = pd.DataFrame(pyogrio.read_dataframe(source, layer="targets", read_geometry=False))
    write_gpkg(path, [GpkgLayer(PROJECTS, frame), GpkgLayer(BOUNDARIES, boundaries), GpkgLayer(TARGETS, targets)],
               shown=path, crs_description=TargetCRS.WGS84.description)


def timed(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{command[0]} failed ({done.returncode}): {done.stderr[-2000:]}")
    return elapsed


def count(url: str, table: str) -> int:
    import psycopg

    with psycopg.connect(url) as conn:
        row = conn.execute(f"SELECT count(*) FROM {table}").fetchone()
        return int(row[0]) if row else -1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--projects", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    ogr2ogr = shutil.which("ogr2ogr")
    if ogr2ogr is None:
        raise SystemExit("ogr2ogr is missing: apt-get install gdal-bin")
    from geo.layers import GPKG_NAME
    from tests.postgis_server import server

    base = Path(tempfile.mkdtemp(prefix="cpm-bench-pg-"))
    base.chmod(0o755)  # as root the cluster runs as the user postgres, who must enter the folder
    try:
        root = base / "root"
        (root / "layers").mkdir(parents=True)
        gpkg = root / "layers" / GPKG_NAME
        start = time.perf_counter()
        synthetic_gpkg(gpkg, args.projects)
        print(f"synthetic GeoPackage: {args.projects} projects, {gpkg.stat().st_size / 1e6:.1f} MB "
              f"({time.perf_counter() - start:.1f} s to write)")
        runs = server(base / "pg")
        (base / "pg").mkdir()
        url = next(runs)
        env = {**os.environ, "CPM_ROOT": str(root), "PGCLIENTENCODING": "UTF8"}
        host, port = url.rsplit("@", 1)[1].split("/")[0].split(":")
        pg = f"PG:host={host} port={port} user=postgres dbname=postgres"
        setup_sql = "CREATE EXTENSION IF NOT EXISTS postgis; CREATE SCHEMA IF NOT EXISTS ogr"
        subprocess.run(["psql", url, "-qc", setup_sql], check=True, capture_output=True)
        publish = [sys.executable, "-m", "geo", "publish", url, "--schema", "geo_publish"]
        ogr = [ogr2ogr, "-f", "PostgreSQL", pg, str(gpkg), "-lco", "SCHEMA=ogr", "-lco", "OVERWRITE=YES", "-overwrite",
               "projects", "boundaries", "targets"]
        times: dict[str, list[float]] = {"geo publish": [], "ogr2ogr": []}
        for i in range(args.repeat):
            for name, command in (("geo publish", publish), ("ogr2ogr", ogr)):
                times[name].append(timed(command, env))
                print(f"run {i + 1}: {name:12s} {times[name][-1]:6.2f} s")
        for schema in ("geo_publish", "ogr"):
            rows = count(url, f"{schema}.projects")
            if rows != args.projects:
                raise SystemExit(f"{schema}.projects holds {rows} rows, not {args.projects}")
        medians = {name: statistics.median(t) for name, t in times.items()}
        for name, value in medians.items():
            print(f"median {name:12s} {value:6.2f} s  ({args.projects / value:,.0f} projects/s)")
        print(f"ratio geo publish / ogr2ogr: {medians['geo publish'] / medians['ogr2ogr']:.2f}x (aim <= 1.5x)")
        runs.close()
    finally:
        shutil.rmtree(base, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
