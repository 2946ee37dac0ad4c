"""The project catalogue: typed records and their loader (``data/projects/<REGION>.csv``).

One CSV per region, one row per project, facility, site or named programme. The
loader checks every row against the schema and the vocabularies and keeps the good
rows; :func:`catalog_from_dir` raises :class:`~geo.errors.CatalogError` listing every
problem, :func:`read_catalog` returns good rows and problems together. Rules that
need the plan texts or the boundaries live in :mod:`geo.validate`.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, cast

from ._atomic import atomic_write_text
from ._csvio import MAX_LONG_TEXT, RowParser, format_number, read_rows, rows_to_csv
from .errors import CatalogError, Problem
from .quantities import CAPACITY_FIELDS
from .vocabulary import Action, Category, Precision, Status

log = logging.getLogger(__name__)

TARGETS_FILE = "targets.csv"
RETIRED_IDS_FILE = "retired_ids.txt"
ID_PATTERN = re.compile(r"^(?P<region>[A-Z]{2,20})-(?P<num>\d{3,6})$", re.ASCII)
ADCODE_PATTERN = re.compile(r"^\d{6}$", re.ASCII)
#: the largest value each capacity field may hold: well above any single project or plan
#: (the Three Gorges are 22,500 MW; China's UHV lines run at 1,100 kV), far below nonsense
CAPACITY_MAX: dict[str, float] = {
    "power_mw": 1e6, "storage_mwh": 1e7, "voltage_kv": 1500.0, "transformer_mva": 1e6,
    "area_ha": 1e8, "throughput_t_per_yr": 1e10, "length_km": 1e5,
}
#: fields that hold long free text (the rest hold at most :data:`geo._csvio.MAX_TEXT` characters)
LONG_FIELDS = ("quote", "notes", "county_source", "override_source")


@dataclass(frozen=True, slots=True)
class Project:
    """One catalogue row: a project, facility, site or named programme of a plan.

    Identity
        ``id`` (``REGION-NNN``, stable, never reused), ``region`` (plan code),
        ``project_group`` (shared by the phases of one project), ``phase``
        (一期 / 二期 as written), ``name_zh`` (as the plan names it), ``name_en``.
    Kind
        ``category`` (:class:`~geo.vocabulary.Category`), free ``subtype``,
        ``is_programme`` (a named programme covering an area, not one facility).
    Capacity
        ``capacity_text`` verbatim, and normalised ``power_mw``, ``storage_mwh``,
        ``voltage_kv``, ``transformer_mva``, ``area_ha``, ``throughput_t_per_yr``,
        ``length_km`` (see :mod:`geo.quantities`); ``None`` where the plan gives none.
    Status
        ``status`` (:class:`~geo.vocabulary.Status`), ``status_text`` verbatim,
        ``action`` (:class:`~geo.vocabulary.Action`).
    Timeline
        ``year_start`` / ``year_end`` (``None`` = open) and ``timeline_text`` verbatim.
    Location as written
        ``place_text`` (the most specific place words of the plan), ``county_adcode``
        and ``county_source`` (``plan`` or a citation); ``place_id``, a reviewed link to
        the gazetteer place that locates the project. A reviewed coordinate may override
        geocoding: ``override_lon``, ``override_lat`` (WGS-84),
        ``override_precision``, ``override_source``.
    Provenance
        ``plan`` (code), ``quote`` (verbatim) at ``quote_offset`` (code points).
    Review
        ``reviewed``: whether a person has checked the row against the plan. The plan
        reader's candidates (``python -m geo add-region``) are ``False`` until a reviewer
        sets the cell to ``true``; an empty cell reads as ``True`` (the curated files
        predate the column), a record built in code is unreviewed unless it says so.
    """

    id: str
    region: str
    name_zh: str
    category: Category
    is_programme: bool
    status: Status
    action: Action
    plan: str
    quote: str
    quote_offset: int
    project_group: str = ""
    phase: str = ""
    name_en: str = ""
    subtype: str = ""
    capacity_text: str = ""
    power_mw: float | None = None
    storage_mwh: float | None = None
    voltage_kv: float | None = None
    transformer_mva: float | None = None
    area_ha: float | None = None
    throughput_t_per_yr: float | None = None
    length_km: float | None = None
    status_text: str = ""
    year_start: int | None = None
    year_end: int | None = None
    timeline_text: str = ""
    place_text: str = ""
    county_adcode: str = ""
    county_source: str = ""
    place_id: str = ""
    override_lon: float | None = None
    override_lat: float | None = None
    override_precision: Precision | None = None
    override_source: str = ""
    notes: str = ""
    reviewed: bool = False
    source_file: str = ""
    source_row: int = 0


#: column order of the CSV files (``source_file``/``source_row`` are not columns)
COLUMNS: tuple[str, ...] = (
    "id", "region", "project_group", "phase", "name_zh", "name_en", "category", "subtype",
    "is_programme", "capacity_text", *CAPACITY_FIELDS, "status", "status_text", "action",
    "year_start", "year_end", "timeline_text", "place_text", "county_adcode", "county_source",
    "place_id", "override_lon", "override_lat", "override_precision", "override_source",
    "plan", "quote", "quote_offset", "notes", "reviewed",
)
REQUIRED: tuple[str, ...] = (
    "id", "region", "name_zh", "category", "is_programme", "status", "action", "plan", "quote",
    "quote_offset",
)
assert set(COLUMNS) == {f.name for f in fields(Project)} - {"source_file", "source_row"}



@dataclass(frozen=True, slots=True)
class CatalogReport:
    """What a load produced: the good records and every problem found."""

    projects: tuple[Project, ...]
    problems: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        """Whether no problem was found."""
        return not self.problems


def _parse_project(file: str, row: Mapping[str, str]) -> tuple[Project | None, list[Problem]]:
    p = RowParser(file, row)
    rid = p.text("id", required=True)
    region = p.text("region", required=True)
    if rid:
        m = ID_PATTERN.match(rid)
        if not m:
            p.problem("id", f"{rid!r} does not look like REGION-NNN (e.g. ZHUZHOU-012)")
        elif region and m.group("region") != region:
            p.problem("id", f"{rid!r} does not start with the row's region {region!r}")
    category = p.choice("category", Category)
    status = p.choice("status", Status)
    action = p.choice("action", Action)
    is_programme = p.boolean("is_programme")
    offset = p.integer("quote_offset", required=True)
    reviewed = p.text("reviewed")
    if reviewed not in ("", "true", "false"):
        p.problem("reviewed", f"{reviewed!r} is not true or false (empty = reviewed)")
    if offset is not None and offset < 0:
        p.problem("quote_offset", f"{offset} is negative")
    capacities = {name: p.number(name, maximum=CAPACITY_MAX[name]) for name in CAPACITY_FIELDS}
    year_start = p.year("year_start")
    year_end = p.year("year_end")
    if year_start is not None and year_end is not None and year_start > year_end:
        p.problem("year_start", f"{year_start} is after year_end {year_end}")
    adcode = p.text("county_adcode")
    if adcode and not ADCODE_PATTERN.match(adcode):
        p.problem("county_adcode", f"{adcode!r} is not a six-digit administrative code")
    county_source = p.text("county_source", max_length=MAX_LONG_TEXT)
    if adcode and not county_source:
        p.problem("county_source", "is empty: say where the county comes from ('plan' or a citation)")
    lon = p.number("override_lon", minimum=None, maximum=1000.0)  # the range check below names the axis
    lat = p.number("override_lat", minimum=None, maximum=1000.0)
    precision = p.choice("override_precision", Precision, required=False)
    override_source = p.text("override_source", max_length=MAX_LONG_TEXT)
    given = [x is not None and x != "" for x in (lon, lat, precision, override_source)]
    if any(given) and not all(given):
        p.problem("override_lon", "a reviewed coordinate needs all of override_lon, override_lat, "
                  "override_precision and override_source")
    if lon is not None and not -180 <= lon <= 180:
        p.problem("override_lon", f"{lon} is not a longitude")
    if lat is not None and not -90 <= lat <= 90:
        p.problem("override_lat", f"{lat} is not a latitude")
    values = dict(
        id=rid, region=region, name_zh=p.text("name_zh", required=True),
        plan=p.text("plan", required=True), quote=p.row.get("quote", ""),
        project_group=p.text("project_group"), phase=p.text("phase"), name_en=p.text("name_en"),
        subtype=p.text("subtype"), capacity_text=p.text("capacity_text"),
        status_text=p.text("status_text"), timeline_text=p.text("timeline_text"),
        place_text=p.text("place_text"), county_adcode=adcode, county_source=county_source,
        place_id=p.text("place_id"),
        override_source=override_source, notes=p.text("notes", max_length=MAX_LONG_TEXT),
    )
    if len(values["quote"]) > MAX_LONG_TEXT:
        p.problem("quote", f"is {len(values['quote']):,} characters long; quote one sentence or clause "
                  f"(at most {MAX_LONG_TEXT:,})")
    elif not values["quote"]:
        p.problem("quote", "is empty but required")
    elif "\n" in values["quote"] or "\r" in values["quote"]:
        p.problem("quote", "contains a line break; quote one sentence or clause")
    if p.problems:
        return None, p.problems
    project = Project(
        **values,  # type: ignore[arg-type]
        category=category, status=status, action=action,  # type: ignore[arg-type]
        is_programme=bool(is_programme), quote_offset=int(offset or 0), reviewed=reviewed != "false",
        year_start=year_start, year_end=year_end,
        override_lon=lon, override_lat=lat, override_precision=precision,
        source_file=file, source_row=p.row_no, **cast("dict[str, Any]", capacities),
    )
    return project, []


def projects_from_csv(path: Path, *, display_name: str | None = None) -> CatalogReport:
    """Load one region's catalogue file.

    Parameters
    ----------
    path : Path
        A ``<REGION>.csv`` file.
    display_name : str, optional
        How problems name the file (default: ``str(path)``).

    Returns
    -------
    CatalogReport
        Good rows and the problems of the bad ones; a bad row never hides a good one.
    """
    name = display_name or str(path)
    rows, problems = read_rows(path, COLUMNS, required=REQUIRED)
    problems = [Problem(name, p.row, p.field, p.message, p.record_id) for p in problems]
    projects: list[Project] = []
    expected_region = path.stem
    for row in rows:
        project, row_problems = _parse_project(name, row)
        problems.extend(row_problems)
        if project is None:
            continue
        if project.region != expected_region:
            problems.append(Problem(name, project.source_row, "region",
                                    f"{project.region!r} in the file of region {expected_region!r}",
                                    project.id))
            continue
        projects.append(project)
    return CatalogReport(tuple(projects), tuple(problems))


#: a name that begins with a company or group: ``湖南中联重科车桥有限公司``, ``北汽集团新能源汽车研发中心``
_OWNER_PREFIX = re.compile(r"^(.{2,40}(?:公司|集团))")


def owner_from_project(project: Project) -> str:
    """The owner or operator the plan names for a project, by a reviewed rule: the longest start of
    the name that ends in 公司 or 集团 (a company or group), kept only if the quote holds it
    verbatim; ``''`` otherwise (the plan names no owner, or not in the name)."""
    found = _OWNER_PREFIX.match(project.name_zh)
    return found.group(1) if found and found.group(1) in project.quote else ""


def id_sort_key(project_id: str) -> tuple[str, int]:
    """Sort key of a project id: region, then the number (``ZHUZHOU-9`` before ``ZHUZHOU-10``)."""
    region, _, num = project_id.rpartition("-")
    return region, int(num) if num.isdigit() else 0


def catalog_files(projects_dir: Path) -> list[Path]:
    """The per-region catalogue files of a folder (``targets.csv`` excluded), sorted."""
    return sorted(p for p in projects_dir.glob("*.csv") if p.name != TARGETS_FILE)


def read_catalog(projects_dir: Path, *, root: Path | None = None) -> CatalogReport:
    """Load every region's catalogue, keeping good rows and collecting all problems.

    Parameters
    ----------
    projects_dir : Path
    root : Path, optional
        Problems name files relative to this folder.
    """
    projects: list[Project] = []
    problems: list[Problem] = []
    files = catalog_files(projects_dir)
    if not files:
        problems.append(Problem(str(projects_dir), None, None, "no catalogue file (<REGION>.csv) found"))
    for path in files:
        shown = str(path.relative_to(root)) if root and path.is_relative_to(root) else str(path)
        report = projects_from_csv(path, display_name=shown)
        projects.extend(report.projects)
        problems.extend(report.problems)
    log.info("catalogue: %d projects read, %d problems", len(projects), len(problems))
    return CatalogReport(tuple(projects), tuple(problems))


def catalog_from_dir(projects_dir: Path, *, root: Path | None = None) -> tuple[Project, ...]:
    """Load the whole catalogue or fail with every problem.

    Raises
    ------
    CatalogError
        Listing every problem of every file.
    """
    report = read_catalog(projects_dir, root=root)
    if report.problems:
        raise CatalogError(report.problems, "the catalogue has problems")
    return report.projects


def retired_ids_from_dir(projects_dir: Path) -> frozenset[str]:
    """Ids that were used once and must never be reused (``retired_ids.txt``, one per line).

    Raises
    ------
    CatalogError
        The file cannot be read or is not UTF-8 text.
    """
    report = read_retired_ids(projects_dir)
    if report.problems:
        raise CatalogError(report.problems, f"{projects_dir / RETIRED_IDS_FILE} is broken")
    return report.ids


@dataclass(frozen=True, slots=True)
class RetiredIds:
    """The retired ids and the problems of the file that lists them."""

    ids: frozenset[str]
    problems: tuple[Problem, ...]


def read_retired_ids(projects_dir: Path, *, root: Path | None = None) -> RetiredIds:
    """``retired_ids.txt`` read leniently: each bad line is a problem (file, line, ``id``)."""
    path = projects_dir / RETIRED_IDS_FILE
    name = str(path.relative_to(root)) if root and path.is_relative_to(root) else str(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return RetiredIds(frozenset(), ())
    except OSError as err:
        return RetiredIds(frozenset(), (Problem(name, None, None, f"cannot read: {err.strerror or err}"),))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw.count(b"\n", 0, err.start) + 1
        return RetiredIds(frozenset(), (Problem(name, line, None, f"not UTF-8 at byte {err.start}; save the "
                                                "file as UTF-8"),))
    ids: set[str] = set()
    problems: list[Problem] = []
    for number, entry in enumerate(text.splitlines(), start=1):
        value = entry.split("#", 1)[0].strip()
        if not value:
            continue
        if not ID_PATTERN.match(value) or len(value) > 40:
            shown = value if len(value) <= 40 else value[:40] + "…"
            problems.append(Problem(name, number, "id", f"{shown!r} does not look like REGION-NNN"))
            continue
        ids.add(value)
    return RetiredIds(frozenset(ids), tuple(problems))


def project_to_row(project: Project) -> dict[str, str]:
    """One record as CSV cells (the inverse of the loader)."""
    out: dict[str, str] = {}
    for name in COLUMNS:
        value = getattr(project, name)
        if value is None:
            out[name] = ""
        elif isinstance(value, bool):
            out[name] = "true" if value else "false"
        elif isinstance(value, float | int):
            out[name] = format_number(value)
        else:
            out[name] = str(value)
    return out


def catalog_to_csv(projects: Iterable[Project], path: Path, *, columns: Sequence[str] = COLUMNS) -> None:
    """Write records as a catalogue CSV, atomically."""
    atomic_write_text(path, rows_to_csv((project_to_row(p) for p in projects), columns))
