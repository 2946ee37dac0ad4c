"""Power plants of the five regions from the WRI Global Power Plant Database, and matching them
to the catalogue's power rows.

``data/plants_gppd.csv`` is derived from the GPPD's China source file (``wri-gppd/China.csv``,
WGS-84, CC BY 4.0) by :func:`plants_from_gppd`: every plant whose point lies inside one of the
regions' polygons, plus the plants within :data:`BORDER_M` outside them, kept and flagged
(``inside_region = false``) because GPPD points are often approximate and a border plant may be
one the plan names; a border plant is never proposed for a catalogue row.

:func:`match_plants` proposes, for each power row of the catalogue, the plant of the same region
(and county, when the row has one) and of a compatible fuel whose English/pinyin name or owner
shares a word with the row's Chinese name (by pinyin, syllable-aligned), English name or place
words. It says why, and reports ambiguity instead of choosing.
"""

from __future__ import annotations

import csv
import io
import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ._atomic import atomic_write_text
from ._csvio import format_number, read_rows, rows_to_csv
from .boundaries import Division, boundaries_from_dir, divisions_from_dir
from .errors import GazetteerError, Problem
from .vocabulary import Category

if TYPE_CHECKING:
    from pyproj import Transformer

    from .catalog import Project

log = logging.getLogger(__name__)

GPPD_FILE = "wri-gppd/China.csv"
PLANTS_FILE = "plants_gppd.csv"
#: plants this far outside a region's polygon are kept, flagged, for review
BORDER_M = 10_000
GPPD_ATTRIBUTION = (
    "Power plants: WRI Global Power Plant Database, China source file (raw_source_files/WRI/China.csv, commit "
    "7a91cfbb), CC BY 4.0, World Resources Institute, with each row's own Source; cut to the five regions "
    f"(and {BORDER_M // 1000} km around them, flagged), coordinates unchanged (WGS-84)."
)
GPPD_COLUMNS = ("Power Plant ID", "Name", "Fuel", "Secondary Fuel", "Capacity (MW)", "Commissioning Date", "Owner",
                "Operational Status", "Location", "Latitude", "Longitude", "Source", "URL", "Source 2", "URL 2",
                "Geolocation Source")
COLUMNS = ("gppd_id", "gppd_idnr", "source_row", "name", "fuel", "capacity_mw", "commissioning", "owner", "status",
           "lon", "lat", "region", "county_adcode", "inside_region", "outside_m", "geolocation_source", "location",
           "source", "url", "source_2", "url_2")
#: the GPPD fuels a catalogue category can be (the China file has no Biomass or Waste rows)
FUELS: dict[Category, frozenset[str]] = {
    Category.COAL_POWER: frozenset({"Coal", "Coal Mine Methane"}),
    Category.GAS_OIL: frozenset({"Natural Gas", "LNG", "Oil", "Fuel Oil", "Diesel", "Distillate Oil",
                                 "Heavy Fuel Oil"}),
    Category.HYDRO: frozenset({"Hydro"}),
    Category.PUMPED_STORAGE: frozenset({"Hydro", "Storage"}),
    Category.NUCLEAR: frozenset({"Nuclear"}),
    Category.BIOMASS_WASTE: frozenset({"Biomass", "Waste", "Landfill gas"}),
    Category.WIND: frozenset({"Wind"}),
    Category.SOLAR: frozenset({"Solar"}),
}
#: words of plant names and owners that say what a plant is, not which one
GENERIC = frozenset((
    "power", "station", "plant", "plants", "coal", "hydro", "hydropower", "wind", "solar", "farm", "phase", "co",
    "ltd", "limited", "company", "corporation", "group", "electric", "electricity", "generation", "generating",
    "energy", "cogen", "thermal", "small", "dam", "landfill", "gas", "waste", "municipal", "city", "county", "the",
    "and", "of", "project", "bundled", "unit", "units", "works", "nuclear", "pv", "rooftop", "biomass", "new",
    "fired", "coalfired", "china", "international", "hunan", "zhejiang", "shanxi", "inner", "mongolia", "neimenggu",
    "provincial", "province", "investment", "development", "industrial", "industry",
))


@dataclass(frozen=True, slots=True)
class Plant:
    """A GPPD plant (one row of the China file) with where it lies.

    ``gppd_idnr`` is the id of the global database (``WRI`` + the 7-digit Power Plant ID), which
    users join on; ``inside_region`` is false for a border plant, ``outside_m`` its distance to
    the region polygon.
    """

    gppd_id: str
    gppd_idnr: str
    source_row: int
    name: str
    fuel: str
    capacity_mw: float | None
    commissioning: str
    owner: str
    status: str
    lon: float
    lat: float
    region: str
    county_adcode: str
    inside_region: bool
    outside_m: int
    geolocation_source: str
    location: str
    source: str
    url: str
    source_2: str
    url_2: str


def plants_from_gppd(path: Path, boundaries_dir: Path) -> tuple[tuple[Plant, ...], tuple[Problem, ...]]:
    """The GPPD plants inside the regions (and within :data:`BORDER_M` of them).

    Returns the plants, sorted by id and source row, and the rows that cannot be placed (no or
    bad coordinates), as problems for the build report.

    Raises
    ------
    GazetteerError
        The file is missing or lacks a GPPD column.
    """
    import geopandas as gpd
    import shapely
    from pyproj import Transformer

    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as err:
        raise GazetteerError([Problem(str(path), None, None, f"cannot read the GPPD file: {err}")]) from err
    reader = csv.DictReader(io.StringIO(text, newline=""))
    missing = [c for c in GPPD_COLUMNS if c not in (reader.fieldnames or ())]
    if missing:
        raise GazetteerError([Problem(str(path), None, ",".join(missing), "GPPD column(s) missing")])
    regions = boundaries_from_dir(boundaries_dir, level="region")
    counties = boundaries_from_dir(boundaries_dir, level="county")
    for geom in (*regions.geometry, *counties.geometry):
        shapely.prepare(geom)
    # distances in each region's UTM zone; only points within about 0.2° of a region are measured
    utm = {r.region: Transformer.from_crs("EPSG:4326", gpd.GeoSeries([r.geometry], crs="EPSG:4326").estimate_utm_crs(),
                                          always_xy=True) for r in regions.itertuples()}
    areas = {r.region: shapely.transform(r.geometry, lambda c, t=utm[r.region]: _xy(t, c))
             for r in regions.itertuples()}
    near = {r.region: shapely.box(*shapely.bounds(r.geometry)).buffer(0.2) for r in regions.itertuples()}
    plants: list[Plant] = []
    skipped: list[Problem] = []
    for i, row in enumerate(reader, start=1):
        try:
            lat, lon = float(row["Latitude"]), float(row["Longitude"])
        except ValueError:
            skipped.append(Problem(str(path), i, "Latitude", f"{row['Power Plant ID']} {row['Name']!r}: no usable "
                                   f"coordinates ({row['Latitude']!r}, {row['Longitude']!r}); not placed"))
            continue
        region, outside = "", 0
        for r in regions.itertuples():
            if shapely.intersects_xy(r.geometry, lon, lat):
                region = r.region
                break
        if not region:
            for r in regions.itertuples():
                if not shapely.intersects_xy(near[r.region], lon, lat):
                    continue
                x, y = utm[r.region].transform(lon, lat)
                gap = float(shapely.distance(areas[r.region], shapely.Point(x, y)))
                if gap <= BORDER_M:
                    region, outside = r.region, max(1, round(gap))
                    break
        if not region:
            continue
        county = next((str(c.adcode) for c in counties.itertuples()
                       if c.region == region and shapely.intersects_xy(c.geometry, lon, lat)), "")
        capacity = row["Capacity (MW)"].replace(",", "").strip()
        plants.append(Plant(
            gppd_id=row["Power Plant ID"].strip(), gppd_idnr=f"WRI{int(row['Power Plant ID']):07d}", source_row=i,
            name=row["Name"].strip(), fuel=row["Fuel"].strip(),
            capacity_mw=float(capacity) if re.fullmatch(r"\d+(\.\d+)?", capacity) else None,
            commissioning=row["Commissioning Date"].strip(), owner=row["Owner"].strip(),
            status=row["Operational Status"].strip(), lon=round(lon, 6), lat=round(lat, 6), region=region,
            county_adcode=county if not outside else "", inside_region=not outside, outside_m=outside,
            geolocation_source=row["Geolocation Source"].strip(), location=row["Location"].strip(),
            source=row["Source"].strip(), url=row["URL"].strip(), source_2=row["Source 2"].strip(),
            url_2=row["URL 2"].strip(),
        ))
    plants.sort(key=lambda p: (p.gppd_id, p.source_row))
    log.info("GPPD: %d plants inside the regions, %d within %d m outside, %d rows without coordinates",
             sum(p.inside_region for p in plants), sum(not p.inside_region for p in plants), BORDER_M, len(skipped))
    return tuple(plants), tuple(skipped)


def _xy(transformer: Transformer, coords: np.ndarray) -> np.ndarray:
    x, y = transformer.transform(coords[:, 0], coords[:, 1])
    return np.column_stack([x, y])


def plants_to_csv_text(plants: Iterable[Plant]) -> str:
    """The text of ``data/plants_gppd.csv``."""
    rows = []
    for p in sorted(plants, key=lambda p: (p.gppd_id, p.source_row)):
        rows.append({
            "gppd_id": p.gppd_id, "gppd_idnr": p.gppd_idnr, "source_row": str(p.source_row), "name": p.name,
            "fuel": p.fuel, "capacity_mw": format_number(p.capacity_mw), "commissioning": p.commissioning,
            "owner": p.owner, "status": p.status, "lon": f"{p.lon:.6f}", "lat": f"{p.lat:.6f}", "region": p.region,
            "county_adcode": p.county_adcode, "inside_region": "true" if p.inside_region else "false",
            "outside_m": str(p.outside_m), "geolocation_source": p.geolocation_source, "location": p.location,
            "source": p.source, "url": p.url, "source_2": p.source_2, "url_2": p.url_2,
        })
    return rows_to_csv(rows, COLUMNS)


def build_plants(sources_dir: Path, data_dir: Path) -> tuple[tuple[Plant, ...], tuple[Problem, ...]]:
    """Derive ``data/plants_gppd.csv`` from the GPPD China file and write it atomically."""
    plants, skipped = plants_from_gppd(sources_dir / GPPD_FILE, data_dir / "boundaries")
    atomic_write_text(data_dir / PLANTS_FILE, plants_to_csv_text(plants))
    return plants, skipped


def plants_from_csv(path: Path) -> tuple[Plant, ...]:
    """Read ``data/plants_gppd.csv``.

    Raises
    ------
    GazetteerError
        Every malformed row, naming file, row and field.
    """
    rows, problems = read_rows(path, COLUMNS, required=(*COLUMNS[:5], "lon", "lat", "region", "inside_region"))
    out: list[Plant] = []
    for row in rows:
        n = int(row["__row__"])
        try:
            lon, lat = float(row["lon"]), float(row["lat"])
            source_row, outside = int(row["source_row"]), int(row["outside_m"] or 0)
            capacity = float(row["capacity_mw"]) if row["capacity_mw"] else None
        except ValueError as err:
            problems.append(Problem(str(path), n, "lon", f"not a number: {err}", row["gppd_id"] or None))
            continue
        if row["inside_region"] not in ("true", "false"):
            problems.append(Problem(str(path), n, "inside_region", f"{row['inside_region']!r} is not true or false",
                                    row["gppd_id"] or None))
            continue
        out.append(Plant(
            gppd_id=row["gppd_id"], gppd_idnr=row["gppd_idnr"], source_row=source_row, name=row["name"],
            fuel=row["fuel"], capacity_mw=capacity, commissioning=row["commissioning"], owner=row["owner"],
            status=row["status"], lon=lon, lat=lat, region=row["region"], county_adcode=row["county_adcode"],
            inside_region=row["inside_region"] == "true", outside_m=outside,
            geolocation_source=row["geolocation_source"], location=row["location"], source=row["source"],
            url=row["url"], source_2=row["source_2"], url_2=row["url_2"],
        ))
    if problems:
        raise GazetteerError(problems, f"{path}: the plant list has problems")
    return tuple(out)


# --- matching -------------------------------------------------------------------------------------


class PlantStatus(StrEnum):
    """Outcome of matching one catalogue row to the GPPD plants."""

    MATCHED = "matched"
    DOUBTFUL = "doubtful"
    AMBIGUOUS = "ambiguous"
    NOT_FOUND = "not_found"
    SKIPPED = "skipped"


@dataclass(frozen=True, slots=True)
class PlantMatch:
    """The plant proposed for a catalogue row, and why.

    ``plant`` is set for ``matched`` only; ``candidates`` holds the plants a reviewer should look at
    (``doubtful`` and ``ambiguous``); ``evidence`` is ``name``, ``owner`` or ``place`` (a word that
    is the name of the row's county) for a match.
    """

    project_id: str
    region: str
    status: PlantStatus
    plant: Plant | None = None
    candidates: tuple[Plant, ...] = ()
    evidence: str = ""
    reason: str = ""


@cache
def _pinyin(text: str) -> tuple[str, ...]:
    from pypinyin import Style, lazy_pinyin

    return tuple(s.lower() for s in lazy_pinyin(text, style=Style.NORMAL, errors="ignore") if s.isalpha())


def _syllable_words(text: str, *, longest: int = 4) -> set[str]:
    """Runs of 2 to ``longest`` consecutive syllables of the pinyin of ``text``, joined: 河津发电
    gives hejin, jinfa, fadian, hejinfa … (a GPPD word must equal one, never cut a syllable)."""
    out: set[str] = set()
    for chunk in re.split(r"[^\u4e00-\u9fff]+", text):
        syl = _pinyin(chunk)
        for i in range(len(syl)):
            for j in range(i + 2, min(len(syl), i + longest) + 1):
                out.add("".join(syl[i:j]))
    return out


def _words(text: str) -> list[str]:
    return [w for w in re.findall(r"[a-z]+", text.lower()) if len(w) >= 3 and w not in GENERIC]


def _english_hit(word: str, english: set[str]) -> bool:
    return word in english or (len(word) >= 5 and any(e.startswith(word) for e in english))


def _place_words(divisions: Sequence[Division], region: str) -> dict[str, str]:
    """``{pinyin word: division name}`` of the region and its counties (full and short names)."""
    out: dict[str, str] = {}
    for d in divisions:
        if d.region != region:
            continue
        for form in {d.name_zh, re.sub(r"(市|县|区|旗)$", "", d.name_zh)}:
            if len(form) >= 2:
                out["".join(_pinyin(form))] = d.name_zh if d.level == "county" else f"region {d.region}"
    return out


def match_plant(project: Project, plants: Sequence[Plant], divisions: Sequence[Division]) -> PlantMatch:
    """The GPPD plant a power row of the catalogue names, if the evidence allows one.

    Only plants inside the row's region polygon (and its county, when the row has one) and of a
    fuel its category allows are considered. A plant word (ASCII words of the GPPD name, generic
    words such as *power* or *station* left out) must equal a run of whole pinyin syllables of the
    row's ``name_zh`` or ``place_text``, or an English word of ``name_en``; owner words count the
    same way. A word that is only the name of the row's region (*Zhuzhou* for 株洲电厂) makes a
    candidate ``doubtful``, never a match.
    """
    fuels = FUELS.get(project.category)
    if fuels is None:
        return PlantMatch(project.id, project.region, PlantStatus.SKIPPED, reason=f"{project.category.value} is "
                          "not a power category")
    if project.is_programme:
        return PlantMatch(project.id, project.region, PlantStatus.SKIPPED,
                          reason="a programme covers an area, not one plant")
    pool = [p for p in plants if p.region == project.region and p.inside_region and p.fuel in fuels]
    scoped = [p for p in pool if not project.county_adcode or p.county_adcode == project.county_adcode]
    syllables = _syllable_words(f"{project.name_zh} {project.place_text}")
    english = set(re.findall(r"[a-z]+", project.name_en.lower()))
    places = _place_words(divisions, project.region)
    county_name = next((d.name_zh for d in divisions if d.adcode == project.county_adcode and d.level == "county"),
                       "")

    def evidence(p: Plant) -> tuple[str, list[str]]:
        said: list[str] = []
        kind = ""
        for field, words in (("name", _words(p.name)), ("owner", _words(p.owner))):
            for w in words:
                if w in syllables or _english_hit(w, english):
                    place = places.get(w)
                    if place is None:
                        kind = kind or field
                        said.append(f"{field} word {w!r} ({'pinyin' if w in syllables else 'name_en'})")
                    else:
                        kind = kind or ("place" if place != f"region {project.region}" else "region")
                        said.append(f"{field} word {w!r} = {place}")
        return kind, said

    scored = [(p, *evidence(p)) for p in scoped]
    strong = [(p, k, s) for p, k, s in scored if k in ("name", "owner")]
    place = [(p, k, s) for p, k, s in scored if k == "place"]
    weak = [(p, k, s) for p, k, s in scored if k == "region"]
    where = f"{project.region}" + (f" / {county_name or project.county_adcode}" if project.county_adcode else "")
    for group in (strong, place):
        if len(group) == 1:
            p, k, said = group[0]
            return PlantMatch(project.id, project.region, PlantStatus.MATCHED, p, (p,), k,
                              f"{p.gppd_idnr} {p.name!r} ({p.fuel}, {where}): {'; '.join(said)}")
        if len(group) > 1:
            return PlantMatch(project.id, project.region, PlantStatus.AMBIGUOUS, None, tuple(p for p, _, _ in group),
                              "", f"{len(group)} plants of {where} share words with the row: " + "; ".join(
                                  f"{p.gppd_idnr} {p.name!r} ({', '.join(s)})" for p, _, s in group))
    if weak:
        return PlantMatch(project.id, project.region, PlantStatus.DOUBTFUL, None, tuple(p for p, _, _ in weak), "",
                          "only the region's name is shared: " + "; ".join(
                              f"{p.gppd_idnr} {p.name!r} ({p.fuel})" for p, _, _ in weak))
    elsewhere = [p for p in pool if p not in scoped and evidence(p)[0] in ("name", "owner", "place")]
    if elsewhere:
        return PlantMatch(project.id, project.region, PlantStatus.DOUBTFUL, None, tuple(elsewhere), "",
                          f"a plant named like it lies outside the row's county {county_name}: " + "; ".join(
                              f"{p.gppd_idnr} {p.name!r} in {p.county_adcode}" for p in elsewhere))
    border = [p for p in plants if p.region == project.region and not p.inside_region and p.fuel in fuels
              and evidence(p)[0] in ("name", "owner", "place")]
    if border:
        return PlantMatch(project.id, project.region, PlantStatus.DOUBTFUL, None, tuple(border), "",
                          "a plant named like it lies outside the region polygon (never proposed): " + "; ".join(
                              f"{p.gppd_idnr} {p.name!r}, {p.outside_m} m outside" for p in border))
    return PlantMatch(project.id, project.region, PlantStatus.NOT_FOUND,
                      reason=f"none of the {len(scoped)} {'/'.join(sorted(fuels))} plant(s) of {where} in the GPPD "
                             "shares a word with the row")


def match_plants(projects: Iterable[Project], plants: Sequence[Plant],
                 divisions: Sequence[Division]) -> tuple[PlantMatch, ...]:
    """:func:`match_plant` for every power row (categories of :data:`FUELS`) of the catalogue."""
    return tuple(match_plant(p, plants, divisions) for p in projects if p.category in FUELS)


def plant_matches_from_root(root: Path) -> tuple[PlantMatch, ...]:
    """Match the committed catalogue against the committed plant list (for the CLI's review table)."""
    from .catalog import catalog_from_dir

    projects = catalog_from_dir(root / "data" / "projects", root=root)
    return match_plants(projects, plants_from_csv(root / "data" / PLANTS_FILE),
                        divisions_from_dir(root / "data" / "boundaries"))
