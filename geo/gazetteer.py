"""The gazetteer: sub-county places the catalogue refers to, with sourced WGS-84 coordinates.

``data/gazetteer.csv`` holds one row per place (town, lake, reservoir, river, port, park,
plant, substation site ...): WGS-84 ``lon``/``lat``, a precision (``exact`` / ``site`` /
``town``), the coordinate exactly as the source published it (``source_lon``/
``source_lat`` in ``source_datum``) and the citation. Coordinates published in GCJ-02 or
BD-09 are converted to WGS-84 and the row says so; the loader recomputes the conversion
and refuses rows where ``lon``/``lat`` do not follow from the source coordinate.
"""

from __future__ import annotations

import contextlib
import logging
import math
import re
from dataclasses import dataclass
from pathlib import Path

from ._csvio import read_rows
from .crs import TargetCRS, crs_from_name, offset_metres, point_to_wgs84
from .errors import CRSError, GazetteerError, Problem
from .vocabulary import Precision

log = logging.getLogger(__name__)

COLUMNS = (
    "place_id", "region", "name_zh", "alt_names", "kind", "lon", "lat", "precision", "county_adcode",
    "source_datum", "source_lon", "source_lat", "source", "notes",
)
REQUIRED = ("place_id", "region", "name_zh", "kind", "lon", "lat", "precision", "source_datum", "source_lon",
            "source_lat", "source")
PLACE_ID = re.compile(r"^(?P<region>[A-Z]+)-P(?P<num>\d{3,})$")
KINDS = ("town", "subdistrict", "village", "lake", "reservoir", "river", "wetland", "mountain", "forest", "port",
         "channel", "airport", "station", "road", "park", "plant", "substation", "mine", "company", "campus",
         "site")
GAZETTEER_PRECISIONS = (Precision.EXACT, Precision.SITE, Precision.TOWN)
#: how far lon/lat may sit from the converted source coordinate (rounding to 6 decimals)
TOLERANCE_M = 1.0


@dataclass(frozen=True, slots=True)
class Place:
    """A sourced place.

    Attributes
    ----------
    place_id : str
        ``REGION-Pnnn``.
    region : str
        Plan code the place belongs to (places are always scoped to a region).
    name_zh : str
    alt_names : tuple of str
        Other names and the catalogue's spellings (``|``-separated in the file).
    kind : str
        One of :data:`KINDS`.
    lon, lat : float
        WGS-84.
    precision : Precision
        ``exact``, ``site`` or ``town``.
    county_adcode : str
        County-level division the point lies in ('' if not stated).
    source_datum : TargetCRS
        Datum of the published coordinate.
    source_lon, source_lat : float
        The coordinate as published.
    source : str
        Citation (title and URL, or dataset and record).
    notes : str
    """

    place_id: str
    region: str
    name_zh: str
    alt_names: tuple[str, ...]
    kind: str
    lon: float
    lat: float
    precision: Precision
    county_adcode: str
    source_datum: TargetCRS
    source_lon: float
    source_lat: float
    source: str
    notes: str = ""
    source_row: int = 0

    @property
    def names(self) -> tuple[str, ...]:
        """The name and every alternate name."""
        return (self.name_zh, *self.alt_names)


@dataclass(frozen=True, slots=True)
class GazetteerReport:
    """Good places and every problem found."""

    places: tuple[Place, ...]
    problems: tuple[Problem, ...]


def _float(raw: str) -> float | None:
    """A finite decimal number, or ``None`` (``inf``, ``nan``, ``1_0`` and 40-digit texts are not coordinates)."""
    if len(raw) > 32 or "_" in raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def read_gazetteer(path: Path, *, display_name: str | None = None) -> GazetteerReport:
    """Load the gazetteer, keeping good rows and collecting every problem.

    Checks: schema, ids, vocabularies, number formats, and that ``lon``/``lat`` equal
    the source coordinate converted from its datum to WGS-84 (within 1 m).
    """
    name = display_name or str(path)
    rows, problems = read_rows(path, COLUMNS, required=REQUIRED)
    problems = [Problem(name, p.row, p.field, p.message, p.record_id) for p in problems]
    places: list[Place] = []
    seen: set[str] = set()
    for row in rows:
        row_no = int(row["__row__"])
        pid = row["place_id"].strip()
        bad: list[Problem] = []

        def add(field_name: str, message: str, row_no: int = row_no, pid: str = pid,
                bad: list[Problem] = bad) -> None:
            bad.append(Problem(name, row_no, field_name, message, pid or None))

        for col in REQUIRED:
            if not row[col].strip():
                add(col, "is empty but required")
        m = PLACE_ID.match(pid)
        if pid and not m:
            add("place_id", f"{pid!r} does not look like REGION-Pnnn")
        elif m and m.group("region") != row["region"].strip():
            add("place_id", f"{pid!r} does not start with the row's region {row['region']!r}")
        if pid in seen:
            add("place_id", f"{pid!r} is used twice")
        seen.add(pid)
        if row["kind"].strip() and row["kind"].strip() not in KINDS:
            add("kind", f"{row['kind']!r} is not one of: {', '.join(KINDS)}")
        precision = None
        with contextlib.suppress(ValueError):
            precision = Precision(row["precision"].strip()) if row["precision"].strip() else None
        if row["precision"].strip() and precision not in GAZETTEER_PRECISIONS:
            add("precision", f"{row['precision']!r} is not one of exact, site, town")
        datum = None
        if row["source_datum"].strip():
            try:
                datum = crs_from_name(row["source_datum"])
            except CRSError as err:
                add("source_datum", str(err))
        numbers = {c: _float(row[c].strip()) for c in ("lon", "lat", "source_lon", "source_lat")}
        for col, value in numbers.items():
            if row[col].strip() and value is None:
                add(col, f"{row[col]!r} is not a number (decimal degrees)")
        lon, lat, slon, slat = (numbers[c] for c in ("lon", "lat", "source_lon", "source_lat"))
        if lon is not None and not 70 <= lon <= 140:
            add("lon", f"{lon} is not a longitude in China (did lon and lat swap?)")
        if lat is not None and not 15 <= lat <= 55:
            add("lat", f"{lat} is not a latitude in China (did lon and lat swap?)")
        if not bad and lon is not None and lat is not None and slon is not None and slat is not None \
                and datum is not None:
            ex, ey = point_to_wgs84(slon, slat, datum)
            gap = offset_metres(ex, ey, lon, lat)
            if gap > TOLERANCE_M:
                add("lon", f"({lon}, {lat}) is {gap:.0f} m from the source coordinate ({slon}, {slat}) converted "
                    f"from {datum.value} to WGS-84 ({ex:.6f}, {ey:.6f})")
        if bad:
            problems.extend(bad)
            continue
        places.append(Place(
            place_id=pid, region=row["region"].strip(), name_zh=row["name_zh"].strip(),
            alt_names=tuple(a.strip() for a in row["alt_names"].split("|") if a.strip()),
            kind=row["kind"].strip(), lon=float(lon), lat=float(lat),  # type: ignore[arg-type]
            precision=precision, county_adcode=row["county_adcode"].strip(),  # type: ignore[arg-type]
            source_datum=datum, source_lon=float(slon), source_lat=float(slat),  # type: ignore[arg-type]
            source=row["source"].strip(), notes=row["notes"].strip(), source_row=row_no,
        ))
    log.info("gazetteer: %d places, %d problems", len(places), len(problems))
    return GazetteerReport(tuple(places), tuple(problems))


def gazetteer_from_csv(path: Path, *, display_name: str | None = None) -> tuple[Place, ...]:
    """Load the gazetteer or fail with every problem.

    Raises
    ------
    GazetteerError
    """
    report = read_gazetteer(path, display_name=display_name)
    if report.problems:
        raise GazetteerError(report.problems, "the gazetteer has problems")
    return report.places


def wgs84_from_source(lon: float, lat: float, datum: str) -> tuple[float, float]:
    """The WGS-84 lon/lat of a coordinate published in ``datum``, rounded to 6 decimals."""
    x, y = point_to_wgs84(lon, lat, datum)
    return round(x, 6), round(y, 6)
