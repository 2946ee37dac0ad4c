"""Region-scoped geocoding: every catalogue row gets a point it can justify.

:data:`PROVIDERS` names every provider class (:mod:`geo.providers` holds the record, the
protocol and the offline ones, :mod:`geo._online` the online services). The chain asks
the offline providers of :data:`OFFLINE_CHAIN`, then, when ``Settings.online_geocoding``
is on, the online ones of ``Settings.geocoders``; each provider says itself which
queries it answers for a row. :func:`points_from_catalog` runs the chain for every row,
checks every point against its region polygon and its declared county polygon, and never
invents a point: a row that nothing resolves falls back, honestly flagged, to its county
or region (the ``admin`` provider). :func:`geocode_from_settings` wires it all from the
settings and writes the results.

Adding a provider takes one class and one table entry: a class with a ``name``, an
``online`` flag, a ``from_context(context)`` class method (reading any data file it
needs through ``context.settings``), ``queries(project)`` and ``geocode(query, *, region,
county=None)`` (see :class:`geo.providers.Provider`); its entry in :data:`PROVIDERS`; and,
for an offline provider, its place in :data:`OFFLINE_CHAIN`. The contract test
(``tests/test_providers.py``) asks for a case for every entry of the table.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING

from ._atomic import atomic_write_text
from ._csvio import format_number, read_rows, rows_to_csv
from ._online import ArcGISProvider, BaiduProvider, NominatimProvider
from .boundaries import AdminAreas, admin_areas_from_dir
from .catalog import Project, catalog_from_dir, id_sort_key
from .errors import (
    GeocodeAmbiguous,
    GeocodeBadAnswer,
    GeocodeNotFound,
    GeocodeOutsideRegion,
    GeocoderUnavailable,
    LayerError,
    Problem,
    SettingsError,
)
from .gazetteer import gazetteer_from_csv
from .lines import LineProvider, is_linear
from .placescope import SCOPES_FILE, Scope, ScopeReading, read_place_scopes
from .providers import (
    AdminProvider,
    GazetteerProvider,
    GeocodeResult,
    OverrideProvider,
    PlantProvider,
    Provider,
    ProviderClass,
    ProviderContext,
    TownProvider,
    uncertainty_for,
)
from .vocabulary import Precision

if TYPE_CHECKING:
    from .settings import Settings

log = logging.getLogger(__name__)

#: every provider by name: the values of ``provider`` in the results and of ``CPM_GEOCODERS``
PROVIDERS: Mapping[str, ProviderClass] = MappingProxyType({
    "override": OverrideProvider,
    "gazetteer": GazetteerProvider,
    "plants": PlantProvider,
    "lines": LineProvider,
    "towns": TownProvider,
    "admin": AdminProvider,
    "nominatim": NominatimProvider,
    "arcgis": ArcGISProvider,
    "baidu": BaiduProvider,
})
#: the offline providers asked for every row, in order (the admin fallback comes after the whole chain)
#: reviewed coordinates and sourced sites first, then GPPD plants, lines of linear works, towns
OFFLINE_CHAIN = ("override", "gazetteer", "plants", "lines", "towns")
#: the providers that make requests: the names ``CPM_GEOCODERS`` accepts
ONLINE = tuple(name for name, cls in PROVIDERS.items() if cls.online)


def providers_from_settings(context: ProviderContext) -> list[Provider]:
    """The provider chain: the offline ones, then the online ones when the settings allow them.

    The admin fallback is not in the chain; :func:`points_from_catalog` applies it last.

    Raises
    ------
    SettingsError
        ``CPM_GEOCODERS`` names a service that is not an online provider, or a service
        cannot be used with the settings.
    """
    chain = [PROVIDERS[n].from_context(context) for n in OFFLINE_CHAIN]
    if context.settings.online_geocoding:
        unknown = [n for n in context.settings.geocoders if n not in ONLINE]
        if unknown:
            raise SettingsError(f"CPM_GEOCODERS names {', '.join(map(repr, unknown))}: give online services "
                                f"among {', '.join(ONLINE)}")
        chain.extend(PROVIDERS[n].from_context(context) for n in context.settings.geocoders)
    return chain


# --- the geocoding stage -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GeocodedRow:
    """The point of one catalogue row and how it was obtained.

    ``status`` is ``resolved`` (a provider finer than the admin fallback answered),
    ``fallback`` (nothing finer was found: county or region point), or ``ambiguous``
    (several candidates matched; the row fell back and ``note`` lists them).
    ``county_adcode`` is the county the point lies in, and '' for a region point: a point
    that stands for a whole region credits no county. ``gppd_id`` is the GPPD plant matched
    with confidence to the row (whichever provider placed it), for joining the GPPD.
    """

    id: str
    region: str
    result: GeocodeResult
    status: str
    county_adcode: str
    note: str = ""
    gppd_id: str = ""

    @property
    def uncertainty_m(self) -> int:
        """Darwin Core ``coordinateUncertaintyInMeters`` of the point."""
        r = self.result
        return r.uncertainty_m if r.uncertainty_m is not None else uncertainty_for(r.precision)


GEOCODED_COLUMNS = ("id", "region", "lon", "lat", "precision", "status", "provider", "place_id", "county_adcode",
                    "query", "source", "note", "uncertainty_m", "town_code", "gppd_id", "line")


def point_for_project(project: Project, providers: Sequence[Provider], fallback: Provider,
                      areas: AdminAreas) -> GeocodedRow:
    """Run the provider chain for one row and check the point against its polygons.

    Each provider is asked the queries it gives for the row, in order. A failed service or
    an unusable answer is noted on the row and counts as no answer (an online provider
    switches itself off after repeated failures, and then answers from its cache only).

    Raises
    ------
    GeocodeOutsideRegion
        A provider's point lies outside the region or the declared county.
    """
    county = project.county_adcode or None
    notes: list[str] = []
    ambiguous = False
    for provider in providers:
        for query in provider.queries(project):
            try:
                result = provider.geocode(query, region=project.region, county=county)
            except GeocodeBadAnswer as err:
                notes.append(f"{provider.name}: {err}")
                continue
            except GeocodeNotFound:
                continue
            except GeocodeAmbiguous as err:
                ambiguous = True
                notes.append(f"{provider.name}: {err}")
                continue
            except GeocoderUnavailable as err:  # a failure is a status of the row, not the end of the run
                notes.append(f"{provider.name} unavailable: {err}")
                continue  # the next query may be cached
            _check_inside(project, result, areas)
            return GeocodedRow(project.id, project.region, result, "resolved",
                               areas.county_of(project.region, result.lon, result.lat), _joined(notes))
    result = fallback.geocode(fallback.queries(project)[0], region=project.region, county=county)
    _check_inside(project, result, areas)
    status = "ambiguous" if ambiguous else "fallback"
    point_county = "" if result.precision is Precision.REGION else \
        county or areas.county_of(project.region, result.lon, result.lat)
    return GeocodedRow(project.id, project.region, result, status, point_county, _joined(notes))


def _joined(notes: list[str]) -> str:
    """The row's notes, each once ("not asked: switched off" may come for every query)."""
    return "; ".join(dict.fromkeys(notes))


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
                        progress: ProgressFn | None = None,
                        gppd_ids: Mapping[str, str] | None = None) -> tuple[GeocodedRow, ...]:
    """Geocode every row; the admin fallback guarantees each row a point.

    ``gppd_ids`` (``{project id: GPPD id}``) are the confident plant matches, kept on the rows
    whichever provider placed them.

    Raises
    ------
    LayerError
        Listing every row whose point falls outside its region or declared county.
    """
    fallback = AdminProvider(areas)
    rows: list[GeocodedRow] = []
    problems: list[Problem] = []
    for i, project in enumerate(projects, start=1):
        try:
            row = point_for_project(project, providers, fallback, areas)
            gppd = row.result.gppd_id or (gppd_ids or {}).get(project.id, "")
            rows.append(replace(row, gppd_id=gppd) if gppd else row)
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


def points_from_context(context: ProviderContext, *, progress: ProgressFn | None = None
                        ) -> tuple[GeocodedRow, ...]:
    """The chain of :func:`providers_from_settings` run over the context's catalogue, with the GPPD id
    of every confident plant match kept on its row (even where a reviewed place answered first).

    Raises
    ------
    LayerError, SettingsError, GazetteerError
        As :func:`points_from_catalog` and :func:`providers_from_settings`; a data file of a
        provider (``data/lines.csv``, ``data/towns.csv``) is malformed.
    """
    chain = providers_from_settings(context)
    plants = next(p for p in chain if isinstance(p, PlantProvider))  # always in the offline chain
    gppd_ids = {pid: hit[1].gppd_idnr for pid, hit in plants.matched.items()}
    return points_from_catalog(context.projects, chain, context.areas, progress=progress, gppd_ids=gppd_ids)


@dataclass(frozen=True, slots=True)
class AimFigures:
    """How the points measure against the aims of issue 12 (re-measured on every run).

    Attributes
    ----------
    finer : tuple of str
        Rows whose ``place_text`` names something finer than a county: words that are not only
        the name of the region or of one of its counties (``TownIndex.names_a_division``).
    located : tuple of str
        Those of ``finer`` placed at ``exact``, ``site`` or ``town`` precision (aim: 80 %).
    on_line : tuple of str
        Those of ``finer`` placed on their line (``corridor``).
    linear : tuple of str
        The linear works (:func:`geo.lines.is_linear`).
    drawn : tuple of str
        Those of ``linear`` drawn as lines (aim: 60 %).
    read_as : tuple of (str, Scope)
        Rows left out of ``finer`` by a reviewed reading of their place words
        (``data/place_scopes.csv``, :mod:`geo.placescope`): a wide area, an urban area, kinds of
        places, a place outside the region, or a division in other words.
    """

    finer: tuple[str, ...]
    located: tuple[str, ...]
    on_line: tuple[str, ...]
    linear: tuple[str, ...]
    drawn: tuple[str, ...]
    read_as: tuple[tuple[str, Scope], ...] = ()


#: the precisions that place a row at its town, site or exact facility
FINE = frozenset({Precision.EXACT, Precision.SITE, Precision.TOWN})


def aim_figures(rows: Iterable[GeocodedRow], projects: Iterable[Project],
                names_a_division: Callable[[str, str], bool],
                readings: Mapping[tuple[str, str], ScopeReading] | None = None) -> AimFigures:
    """The figures of :class:`AimFigures` for the rows of one geocoding run.

    ``names_a_division(words, region)`` says whether place words are only a division's name
    (:meth:`geo.towns_match.TownIndex.names_a_division`); ``readings`` are the reviewed readings
    of words no finer than a county (:func:`geo.placescope.read_place_scopes`).
    """
    precision = {r.id: r.result.precision for r in rows}
    projects = [p for p in projects if p.id in precision]
    readings = readings or {}
    named = [p for p in projects if p.place_text.strip() and not names_a_division(p.place_text, p.region)]
    read_as = tuple((p.id, readings[key].scope) for p in named if (key := (p.region, p.place_text.strip())) in readings)
    left_out = {i for i, _ in read_as}
    finer = tuple(p.id for p in named if p.id not in left_out)
    linear = tuple(p.id for p in projects if is_linear(p))
    return AimFigures(finer, tuple(i for i in finer if precision[i] in FINE),
                      tuple(i for i in finer if precision[i] is Precision.CORRIDOR), linear,
                      tuple(i for i in linear if precision[i] is Precision.CORRIDOR), read_as)


@dataclass(frozen=True)
class GeocodeRun:
    """What :func:`geocode_from_settings` did.

    Attributes
    ----------
    rows : tuple of GeocodedRow
        One per catalogue row, sorted by id.
    path : Path
        Where they were written: ``data/geocoded.csv``, or with online geocoding
        ``data/geocoded_online.csv`` (for review, never published).
    projects : tuple of Project
        The catalogue that was geocoded.
    online : bool
        Whether online providers were asked.
    figures : AimFigures or None
        The figures against the aims (``None`` without ``data/towns.csv``, which tells place
        words finer than a county from a division's name).
    """

    rows: tuple[GeocodedRow, ...]
    path: Path
    projects: tuple[Project, ...]
    online: bool
    figures: AimFigures | None = None


def geocode_from_settings(settings: Settings, *, online: bool = False,
                          progress: ProgressFn | None = None) -> GeocodeRun:
    """Load the catalogue, the gazetteer and the polygons, geocode every row and write the results.

    Parameters
    ----------
    settings : Settings
    online : bool, keyword-only
        Ask the online providers too, whatever ``settings.online_geocoding`` says.
    progress : callable, optional
        ``progress(done, total, project_id)`` after each row.

    Raises
    ------
    CatalogError, GazetteerError, BoundaryError, PlanError
        An input is broken or breaks a rule of ``python -m geo validate``; nothing is written then.
    LayerError
        A point falls outside its polygons; nothing is written then.
    SettingsError
        The online settings do not allow a requested service.
    """
    from .validate import require_valid

    require_valid(settings)  # the validator's rules first: nothing it refuses is ever geocoded
    if online:
        settings = replace(settings, online_geocoding=True)
    projects = tuple(catalog_from_dir(settings.projects_dir, root=settings.root))
    places = gazetteer_from_csv(settings.gazetteer_path) if settings.gazetteer_path.exists() else ()
    areas = admin_areas_from_dir(settings.boundaries_dir)
    context = ProviderContext(settings, areas, tuple(places), projects)
    rows = points_from_context(context, progress=progress)
    # online answers are for review, never published as they are: they go to a file of their own
    # (git-ignored); a confirmed answer becomes a gazetteer place or an override with its citation
    path = settings.geocoded_online_path if settings.online_geocoding else settings.geocoded_path
    geocoded_to_csv(rows, path)
    figures = None
    if context.towns is not None:  # read once for the providers and the figures
        readings = read_place_scopes(settings.data_dir / SCOPES_FILE).readings  # validated above
        figures = aim_figures(rows, projects, context.towns.names_a_division, readings)
    return GeocodeRun(rows, path, projects, settings.online_geocoding, figures)


def geocoded_to_csv(rows: Iterable[GeocodedRow], path: Path) -> None:
    """Write the geocoding results atomically (sorted, 6-decimal coordinates)."""
    out = []
    for r in rows:
        out.append({
            "id": r.id, "region": r.region, "lon": format_number(round(r.result.lon, 6)),
            "lat": format_number(round(r.result.lat, 6)), "precision": r.result.precision.value,
            "status": r.status, "provider": r.result.provider, "place_id": r.result.place_id,
            "county_adcode": r.county_adcode, "query": r.result.query, "source": r.result.source, "note": r.note,
            "uncertainty_m": str(r.uncertainty_m), "town_code": r.result.town_code, "gppd_id": r.gppd_id,
            "line": line_to_text(r.result.line),
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
            line = line_from_text(row["line"])
        except ValueError as err:
            problems.append(Problem(str(path), n, "line", f"not a line: {err}", row["id"]))
            continue
        try:
            radius = int(row["uncertainty_m"])
        except ValueError:
            problems.append(Problem(str(path), n, "uncertainty_m", f"{row['uncertainty_m']!r} is not a whole number "
                                    "of metres", row["id"]))
            continue
        try:
            result = GeocodeResult(float(row["lon"]), float(row["lat"]), Precision(row["precision"]),
                                   row["provider"], row["source"], row["query"], row["place_id"], radius,
                                   row["town_code"], row["gppd_id"], line)
        except ValueError as err:
            problems.append(Problem(str(path), n, "lon", f"not a usable point: {err}", row["id"]))
            continue
        if row["status"] not in ("resolved", "fallback", "ambiguous"):
            problems.append(Problem(str(path), n, "status", f"{row['status']!r} is not a geocoding status", row["id"]))
            continue
        out.append(GeocodedRow(row["id"], row["region"], result, row["status"], row["county_adcode"], row["note"],
                               row["gppd_id"]))
    if problems:
        raise LayerError(problems, f"{path}: geocoding results are broken; rerun python -m geo geocode")
    return tuple(out)


def line_to_text(line: Sequence[tuple[float, float]]) -> str:
    """A line's vertices as ``lon lat,lon lat,…`` (6 decimals); '' for none."""
    return ",".join(f"{format_number(round(x, 6))} {format_number(round(y, 6))}" for x, y in line)


def line_from_text(text: str) -> tuple[tuple[float, float], ...]:
    """The inverse of :func:`line_to_text`.

    Raises
    ------
    ValueError
        A vertex is not two numbers.
    """
    out = []
    for vertex in filter(None, (v.strip() for v in text.split(","))):
        parts = vertex.split()
        if len(parts) != 2:
            raise ValueError(f"{vertex!r} is not 'lon lat'")
        out.append((float(parts[0]), float(parts[1])))
    return tuple(out)


__all__ = [
    "FINE",
    "OFFLINE_CHAIN",
    "ONLINE",
    "PROVIDERS",
    "AimFigures",
    "GeocodeRun",
    "GeocodedRow",
    "aim_figures",
    "geocode_from_settings",
    "geocoded_from_csv",
    "geocoded_to_csv",
    "line_from_text",
    "line_to_text",
    "point_for_project",
    "points_from_catalog",
    "points_from_context",
    "providers_from_settings",
]
