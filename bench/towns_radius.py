"""Measure what the uncertainty radii of data/towns.csv cover.

A town's point is AMap's centre of the 乡/镇/街道; a project placed there may lie anywhere in the
town. The town's village points (AMap points of its 村/社区, inside the same town) sample its
territory, so the distance from a town's point to each of its villages' points shows how far the
territory reaches. For villages, the distance from each village point to the nearest other village
point shows how large a village's own territory is. Distances are geodesic (WGS-84). Prints the
figures used in data/GAZETTEER.md; run ``python bench/towns_radius.py``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
from pyproj import Geod

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from geo.boundaries import boundaries_from_dir
from geo.towns import TOWN_UNCERTAINTY_M, VILLAGE_UNCERTAINTY_M, TownLevel, towns_from_csv


def main() -> None:
    towns = towns_from_csv(ROOT / "data" / "towns.csv")
    geod = Geod(ellps="WGS84")
    seats = {t.source_code: t for t in towns if t.level is TownLevel.TOWN and t.has_point}
    villages = [t for t in towns if t.level is TownLevel.VILLAGE and t.has_point]
    pairs = [(seats[v.town_source_code], v) for v in villages if v.town_source_code in seats]
    d = np.array([geod.inv(s.lon, s.lat, v.lon, v.lat)[2] for s, v in pairs])
    farthest: dict[str, float] = {}
    for (s, _), dist in zip(pairs, d, strict=True):
        farthest[s.source_code] = max(farthest.get(s.source_code, 0.0), float(dist))
    print(f"{len(seats)} town points, {len(villages)} village points, {len(pairs)} village points with their town's")
    q = np.percentile(d, [50, 75, 90, 95])
    print("village point to its town's point, m: median {:.0f}, p75 {:.0f}, p90 {:.0f}, p95 {:.0f}".format(*q))
    print(f"  within TOWN_UNCERTAINTY_M = {TOWN_UNCERTAINTY_M} m: {np.mean(d <= TOWN_UNCERTAINTY_M):.1%}")
    f = np.array(list(farthest.values()))
    print("farthest village point of each town ({} towns), m: median {:.0f}, p75 {:.0f}, p90 {:.0f}".format(
        len(f), *np.percentile(f, [50, 75, 90])))
    lon = np.array([v.lon for v in villages])
    lat = np.array([v.lat for v in villages])
    nearest = []
    for i in range(len(villages)):
        _, _, dist = geod.inv(np.full(len(villages) - 1, lon[i]), np.full(len(villages) - 1, lat[i]),
                              np.delete(lon, i), np.delete(lat, i))
        nearest.append(float(np.min(dist)))
    n = np.array(nearest)
    print("village point to the nearest other village point, m: median {:.0f}, p75 {:.0f}, p90 {:.0f}".format(
        *np.percentile(n, [50, 75, 90])))
    print(f"  within VILLAGE_UNCERTAINTY_M = {VILLAGE_UNCERTAINTY_M} m: {np.mean(n <= VILLAGE_UNCERTAINTY_M):.1%}")
    # the size of a village's territory: county area shared among its units, as an equal-area circle
    counties = boundaries_from_dir(ROOT / "data" / "boundaries", level="county").to_crs("EPSG:6933")
    area = dict(zip(counties["adcode"], counties.geometry.area, strict=True))
    for level in (TownLevel.TOWN, TownLevel.VILLAGE):
        radii = []
        for adcode, km2 in area.items():
            count = sum(1 for t in towns if t.county_adcode == adcode and t.level is level)
            if count:
                radii.append(float(np.sqrt(km2 / count / np.pi)))
        r = np.array(radii)
        print(f"equal-area radius of a mean {level.value} per county, m: median {np.median(r):.0f}, "
              f"max {r.max():.0f} (the farthest point of a round territory; real ones reach further)")


if __name__ == "__main__":
    main()
