"""The layers stage: catalogue + geocoding results → published layers in ``layers/``.

``python -m geo build`` writes, deterministically (sorted features, 6-decimal
coordinates, no timestamps):

* ``projects.geojson`` – every project; ``<category>.geojson`` – one per category;
* ``lines.geojson`` – the linear works drawn as schematic lines (precision ``corridor``);
* ``areas.geojson`` – the rows placed only in a county or the whole region, with that
  division's polygon;
* ``boundaries.geojson`` – regions and counties; ``targets.csv`` – the plans' targets;
* ``schema.json`` – the machine-readable schema of the project properties, and
  ``README.md`` – the same, for people.

:func:`projects_frame` is the one place where catalogue rows become shapely points
(x = lon, y = lat).
"""

from __future__ import annotations

import io
import json
import logging
import tempfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._atomic import (
    file_mode,
    folder_mode,
    old_prefix,
    publish_directory,
    read_snapshot,
    recover_directory,
    remove_stale,
    stage_prefix,
    staging_dir,
    write_new_file,
)
from ._csvio import format_number, rows_to_csv
from ._geojson import collection_to_bytes, geometry_to_mapping
from .catalog import Project, id_sort_key, owner_from_project
from .errors import LayerError, Problem
from .fields import (
    AREAS,
    BOUNDARIES,
    COUNTRY,
    DATASET,
    LINES,
    PROJECTS,
    PROVINCE_EN,
    TABLES,
    TARGETS,
    Field,
    Table,
    feature_collection_schema,
    table_schema,
    typed_columns,
    with_regions,
)
from .geocode import GeocodedRow
from .plans import PlanSource
from .targets import COLUMNS as TARGET_COLUMNS
from .targets import Target
from .vocabulary import DEFINITIONS, Action, Category, Precision, Status

if TYPE_CHECKING:
    import geopandas as gpd
    import pandas as pd

    from .boundaries import AdminAreas
    from .settings import Settings

log = logging.getLogger(__name__)


#: the project fields (see :mod:`geo.fields`, the registry every writer reads)
FIELDS: tuple[Field, ...] = PROJECTS.fields
FIELD_NAMES: tuple[str, ...] = PROJECTS.names
BOUNDARY_FIELDS: tuple[str, ...] = BOUNDARIES.names


def _property(project: Project, name: str) -> Any:
    value = getattr(project, name)
    if hasattr(value, "value"):
        return value.value
    return value


_PLAN_COLUMNS: dict[str, Any] = {
    "region_en": lambda plan: plan.region_en,
    "region_adcode": lambda plan: plan.adcode,
    "province_adcode": lambda plan: plan.adcode[:2] + "0000",
    "province_zh": lambda plan: plan.province_zh,
    "province_en": lambda plan: PROVINCE_EN[plan.adcode[:2]],
    "country_code": lambda plan: COUNTRY[0],
    "dataset_version": lambda plan: DATASET.version,
}


def project_properties(project: Project, row: GeocodedRow, plan: PlanSource, county_names: dict[str, str]
                       ) -> dict[str, Any]:
    """The layer properties of one project, in :data:`FIELDS` order."""
    out: dict[str, Any] = {}
    for f in FIELDS:
        if f.name == "region_zh":
            out[f.name] = plan.region_zh
        elif f.name == "county_zh":
            out[f.name] = county_names.get(row.county_adcode, "")
        elif f.name == "point_county_adcode":
            out[f.name] = row.county_adcode
        elif f.name == "precision":
            out[f.name] = row.result.precision.value
        elif f.name == "coord_uncertainty_m":
            out[f.name] = row.uncertainty_m
        elif f.name == "town_code":
            out[f.name] = row.result.town_code
        elif f.name == "gppd_id":
            out[f.name] = row.gppd_id
        elif f.name == "geocode_status":
            out[f.name] = row.status
        elif f.name == "geocode_provider":
            out[f.name] = row.result.provider
        elif f.name == "geocode_source":
            out[f.name] = row.result.source
        elif f.name == "plan_title":
            out[f.name] = plan.title
        elif f.name == "plan_source_url":
            out[f.name] = plan.source_url
        elif f.name == "plan_copy_url":
            out[f.name] = plan.copy_url
        elif f.name == "owner_zh":
            out[f.name] = owner_from_project(project)
        elif f.name in _PLAN_COLUMNS:
            out[f.name] = _PLAN_COLUMNS[f.name](plan)
        else:
            out[f.name] = _property(project, f.name)
    return out


def projects_frame(projects: Sequence[Project], geocoded: Sequence[GeocodedRow], plans: dict[str, PlanSource],
                   county_names: dict[str, str]) -> gpd.GeoDataFrame:
    """Join the catalogue with its geocoding results into a WGS-84 point frame, sorted by id.

    Raises
    ------
    LayerError
        A project has no geocoding result (run ``python -m geo geocode``) or a result has no project.
    """
    import geopandas as gpd
    import shapely

    points = {r.id: r for r in geocoded}
    problems = [Problem(p.source_file, p.source_row, "id", "has no geocoding result: run python -m geo geocode",
                        p.id) for p in projects if p.id not in points]
    known = {p.id for p in projects}
    problems += [Problem("data/geocoded.csv", None, "id", f"{rid} is not in the catalogue: rerun the geocoding")
                 for rid in points if rid not in known]
    problems += [Problem("data/geocoded.csv", None, "id", f"{rid} has {n} points: rerun the geocoding", rid)
                 for rid, n in Counter(r.id for r in geocoded).items() if n > 1]
    seen: set[str] = set()
    for p in projects:
        if p.id in seen:
            problems.append(Problem(p.source_file, p.source_row, "id", f"{p.id!r} is used twice", p.id))
        seen.add(p.id)
        if p.plan not in plans:
            problems.append(Problem(p.source_file, p.source_row, "plan", f"{p.plan!r} is not a registered plan "
                                    f"({', '.join(plans)})", p.id))
        elif plans[p.plan].adcode[:2] not in PROVINCE_EN:
            problems.append(Problem(p.source_file, p.source_row, "plan", f"the province of plan {p.plan} "
                                    f"({plans[p.plan].adcode[:2]}0000) has no English name in "
                                    "geo.fields.PROVINCE_EN: add it", p.id))
    if problems:
        raise LayerError(problems, "the geocoding results do not match the catalogue")
    ordered = sorted(projects, key=lambda p: id_sort_key(p.id))
    records = [project_properties(p, points[p.id], plans[p.plan], county_names) for p in ordered]
    lon = [points[p.id].result.lon for p in ordered]
    lat = [points[p.id].result.lat for p in ordered]
    frame = gpd.GeoDataFrame(records, columns=list(FIELD_NAMES),
                             geometry=shapely.points(lon, lat), crs="EPSG:4326")
    return typed_frame(frame)


def lines_frame(frame: gpd.GeoDataFrame, geocoded: Sequence[GeocodedRow], areas: AdminAreas) -> gpd.GeoDataFrame:
    """The projects that have a schematic line (``corridor``), with the line as geometry and
    ``outside_region`` true where a part of it lies outside the region."""
    import geopandas as gpd
    import shapely

    lines = {r.id: r.result.line for r in geocoded if len(r.result.line) >= 2}
    part = frame[frame["id"].isin(list(lines))]
    geoms = [shapely.LineString(lines[i]) for i in part["id"]]
    out = gpd.GeoDataFrame(part.drop(columns=part.geometry.name), geometry=geoms, crs="EPSG:4326")
    out["outside_region"] = [not shapely.covers(areas.regions[r], g) for r, g in zip(out["region"], geoms,
                                                                                     strict=True)]
    return out.reset_index(drop=True)


#: tolerance (degrees, about 100 m) of the polygons of ``areas.geojson``: every row repeats its
#: division's polygon, so the layer carries them simplified (boundaries.geojson has them whole)
AREA_SIMPLIFY_DEG = 0.001


def areas_frame(frame: gpd.GeoDataFrame, areas: AdminAreas) -> gpd.GeoDataFrame:
    """The projects placed only in a county or the whole region (``county`` / ``region`` precision),
    with that division's polygon (simplified by :data:`AREA_SIMPLIFY_DEG`, topology kept) as
    geometry and ``area_level`` / ``area_code`` saying which."""
    import geopandas as gpd
    import shapely

    simple: dict[str, shapely.Geometry] = {}

    def polygon(code: str, geom: shapely.Geometry) -> shapely.Geometry:
        if code not in simple:
            simple[code] = shapely.simplify(geom, AREA_SIMPLIFY_DEG, preserve_topology=True)
        return simple[code]

    part = frame[frame["precision"].isin([Precision.COUNTY.value, Precision.REGION.value])]
    levels, codes, geoms = [], [], []
    for region, county, precision in zip(part["region"], part["point_county_adcode"], part["precision"],
                                         strict=True):
        if precision == Precision.COUNTY.value and county in areas.counties:
            levels.append("county")
            codes.append(county)
            geoms.append(polygon(county, areas.counties[county]))
        else:
            levels.append("region")
            codes.append(region)
            geoms.append(polygon(region, areas.regions[region]))
    out = gpd.GeoDataFrame(part.drop(columns=part.geometry.name), geometry=geoms, crs="EPSG:4326")
    out["area_level"] = levels
    out["area_code"] = codes
    return out.reset_index(drop=True)


def typed_frame(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Give every project column its type (:func:`geo.fields.typed_columns`)."""
    out: gpd.GeoDataFrame = typed_columns(frame, PROJECTS)
    return out


def _column_values(series: Any) -> list[Any]:
    """A column as JSON-ready Python values (missing → None, numbers rounded to 6 decimals)."""
    import numpy as np
    import pandas as pd

    if pd.api.types.is_bool_dtype(series.dtype):
        return [bool(v) for v in series.tolist()]
    if pd.api.types.is_integer_dtype(series.dtype):
        return [None if v is pd.NA or v is None else int(v) for v in series.astype(object).tolist()]
    if pd.api.types.is_float_dtype(series.dtype):
        values = np.round(series.to_numpy(dtype="float64"), 6)
        return [None if v != v else v for v in values.tolist()]
    obj = series.astype(object)
    return obj.where(series.notna(), None).tolist()  # type: ignore[no-any-return]


def frame_to_geojson(frame: gpd.GeoDataFrame, *, name: str, id_field: str | None = None,
                     web_gcj02: bool = False) -> bytes:
    """RFC 7946 bytes of a WGS-84 frame (deterministic; see :mod:`geo._geojson`).

    ``web_gcj02=True`` also takes a GCJ-02 frame (:data:`geo.crs.GCJ02_WKT`): the overlay of a
    web map on GCJ-02 tiles, which is never published as a file.

    ``id_field`` names the column whose value becomes each Feature's ``id`` (RFC 7946 §3.2);
    it stays a property too.

    Raises
    ------
    LayerError
        The frame is not in EPSG:4326.
    """
    import numpy as np
    import shapely

    from .crs import is_gcj02

    web = web_gcj02 and is_gcj02(frame.crs)
    if not web and (frame.crs is None or frame.crs.to_epsg() != 4326):
        raise LayerError([Problem(name, None, "crs", f"GeoJSON must be EPSG:4326 (RFC 7946), got {frame.crs}")])
    columns = [c for c in frame.columns if c != frame.geometry.name]
    values = [_column_values(frame[c]) for c in columns]
    geoms = frame.geometry.to_numpy()
    points = len(geoms) and bool((shapely.get_type_id(geoms) == 0).all())
    if points:
        xy = np.round(shapely.get_coordinates(geoms), 6).tolist()
        geometries: list[Any] = [{"type": "Point", "coordinates": c} for c in xy]
    else:
        geometries = [geometry_to_mapping(g) if g is not None else None for g in geoms]
    rows = zip(*values, strict=True) if columns else [()] * len(geoms)
    if id_field is None:
        features = [{"type": "Feature", "properties": dict(zip(columns, row, strict=True)), "geometry": geometry}
                    for row, geometry in zip(rows, geometries, strict=True)]
    else:
        ids = values[columns.index(id_field)]
        features = [{"type": "Feature", "id": fid, "properties": dict(zip(columns, row, strict=True)),
                     "geometry": geometry} for fid, row, geometry in zip(ids, rows, geometries, strict=True)]
    return collection_to_bytes(features, name=name)


def targets_to_csv(targets: Sequence[Target]) -> str:
    """The targets table, sorted by id."""
    rows = []
    for t in sorted(targets, key=lambda t: (t.region, t.id)):
        row = {c: getattr(t, c) for c in TARGET_COLUMNS}
        row["value"] = format_number(t.value)
        row["unit"] = t.unit.value
        row["comparator"] = t.comparator.value
        row["year"] = "" if t.year is None else str(t.year)
        row["baseline_year"] = "" if t.baseline_year is None else str(t.baseline_year)
        row["quote_offset"] = str(t.quote_offset)
        rows.append(row)
    return rows_to_csv(rows, TARGET_COLUMNS)


#: the published GeoPackage
GPKG_NAME = "carbon_peak.gpkg"
#: the JSON Schema of each published table's file
SCHEMA_FILES = {PROJECTS.name: "projects.schema.json", BOUNDARIES.name: "boundaries.schema.json",
                TARGETS.name: "targets.schema.json", LINES.name: "lines.schema.json", AREAS.name: "areas.schema.json"}


def registered_tables(regions: Sequence[str] | None = None) -> tuple[Table, ...]:
    """The published tables with the ``region`` vocabulary of the plan register (by default the
    registry's own list)."""
    return TABLES if regions is None else tuple(with_regions(t, tuple(regions)) for t in TABLES)


def schema_document(regions: Sequence[str] | None = None) -> dict[str, Any]:
    """``schema.json``: the data dictionary of every published table (fields, types, units,
    descriptions in English and Chinese, vocabularies, Shapefile names) and the dataset record;
    ``regions``: the region codes of the plan register, in its order."""
    tables = []
    for table in registered_tables(regions):
        fields = []
        for f in table.fields:
            entry: dict[str, Any] = {"name": f.name, "type": f.type.value, "description": f.description,
                                     "description_zh": f.description_zh, "nullable": f.nullable,
                                     "shapefile_name": f.shp}
            if f.unit:
                entry["unit"] = f.unit
            if f.enum:
                entry["constraints"] = {"enum": list(f.enum)}
            fields.append(entry)
        tables.append({"name": table.name, "description": table.description, "description_zh": table.description_zh,
                       "primaryKey": table.primary_key, "geometry": table.geometry or None,
                       "jsonSchema": SCHEMA_FILES[table.name], "fields": fields})
    return {
        "name": "carbon-peak-projects",
        "title": DATASET.title,
        "version": DATASET.version,
        "release_date": DATASET.release_date,
        "licence": DATASET.licence,
        "licenses": [{"name": DATASET.licence_id, "path": DATASET.licence_url,
                      "title": "Creative Commons Attribution 4.0 International"}],
        "attribution": DATASET.attribution,
        "crs": "EPSG:4326 (RFC 7946 GeoJSON; the GeoPackage too); geometry: Point (lon, lat) / MultiPolygon",
        "tables": tables,
        "vocabularies": {
            vocab.__name__.lower(): {v.value: DEFINITIONS[v] for v in vocab}
            for vocab in (Category, Status, Action, Precision)
        },
    }


def _json_bytes(doc: dict[str, Any]) -> bytes:
    return (json.dumps(doc, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def gpkg_to_bytes(frame: gpd.GeoDataFrame, boundaries: gpd.GeoDataFrame, targets: pd.DataFrame,
                  regions: Sequence[str] | None = None, *, lines: gpd.GeoDataFrame | None = None,
                  areas: gpd.GeoDataFrame | None = None) -> bytes:
    """The published GeoPackage (:func:`geo.gpkg.write_gpkg`), EPSG:4326: projects, boundaries,
    targets, and the lines and areas where given."""
    from .crs import TargetCRS
    from .gpkg import GpkgLayer, write_gpkg

    with staging_dir(Path(tempfile.gettempdir()), "cpm-export-") as folder:
        path = folder / GPKG_NAME
        projects, bounds, goals, line_table, area_table = registered_tables(regions)
        layers = [GpkgLayer(projects, frame), GpkgLayer(bounds, boundaries), GpkgLayer(goals, targets)]
        layers += [GpkgLayer(t, f) for t, f in ((line_table, lines), (area_table, areas)) if f is not None]
        write_gpkg(path, layers, shown=Path("layers") / GPKG_NAME, crs_description=TargetCRS.WGS84.description)
        return path.read_bytes()


def targets_frame(targets: Sequence[Target]) -> pd.DataFrame:
    """The targets as a typed table (registry types), sorted like ``targets.csv``."""
    import pandas as pd

    rows = [{c: getattr(t, c) for c in TARGET_COLUMNS} for t in sorted(targets, key=lambda t: (t.region, t.id))]
    for row in rows:
        row["unit"] = row["unit"].value
        row["comparator"] = row["comparator"].value
    frame: pd.DataFrame = typed_columns(pd.DataFrame(rows, columns=list(TARGET_COLUMNS)), TARGETS)
    return frame


def readme_text(counts: dict[str, int], regions: Sequence[str] | None = None) -> str:
    """``layers/README.md``: what each file is, every field of every table with type and unit,
    the vocabularies, licence and attribution."""
    lines = [
        "# Published layers",
        "",
        "Built by `python -m geo build` from `data/projects/` (catalogue), `data/geocoded.csv` (points) and",
        "`data/boundaries/`. Do not edit by hand: rebuild. Rebuilding from the same inputs gives byte-identical",
        "files on any day (features sorted by id, coordinates to 6 decimals, every timestamp inside the",
        f"GeoPackage the release date {DATASET.release_date}).",
        "",
        f"Dataset version {DATASET.version}, released {DATASET.release_date}. Licence: {DATASET.licence}.",
        "",
        f"Attribution: {DATASET.attribution}",
        "",
        "| file | what |",
        "|---|---|",
        f"| `{GPKG_NAME}` | **the file for desktop GIS**: GeoPackage 1.2, EPSG:4326, typed columns; tables "
        "`projects` (points), `lines` (schematic lines of linear works), `areas` (county- and region-wide "
        "projects with their division's polygon), `boundaries` (full-resolution polygons) and `targets` "
        "(attribute table); each project once in `projects` (lines and areas are other geometries of some of "
        "them, keyed by the same `id`); field "
        "descriptions and units in `gpkg_data_columns`, vocabularies in `gpkg_data_column_constraints`, licence "
        "and attribution in `gpkg_metadata`, QGIS default styles in `layer_styles` (categories coloured, county "
        "and region points hollow dashed rings, Chinese labels): open it in QGIS and the map is styled |",
        f"| `projects.geojson` | every project ({counts.get('projects', 0)} points), RFC 7946, EPSG:4326; each "
        "Feature's `id` is the project id |",
        "| `<category>.geojson` | the projects of one category (one file per category of the vocabulary, "
        "empty ones included) |",
        "| `lines.geojson` | the linear works drawn as schematic lines through the places the plan names "
        "or along the route a cited source gives "
        f"({counts.get('lines', 0)}; precision `corridor`, `outside_region` true where an end lies outside) |",
        f"| `areas.geojson` | the projects placed only in a county or the whole region "
        f"({counts.get('areas', 0)}), with that division's polygon (`area_level`, `area_code`) |",
        "| `boundaries.geojson` | the regions of the plan register (`level` = region) and their county-level divisions "
        "(`level` = county); Feature `id` = `id` (`region-<adcode>`, `county-<adcode>`) |",
        f"| `{WEB_BOUNDARIES}` | the same, light for web maps (the app's): counties simplified together as one "
        f"coverage (`shapely.coverage_simplify`, tolerance {WEB_TOLERANCE}°, about 100 m) so shared borders stay "
        "shared, each region the union of its counties; full resolution in `boundaries.geojson` and the "
        "GeoPackage |",
        "| `targets.csv` | the plans' quantitative targets (see `data/projects/README.md`) |",
        "| `projects.schema.json`, `boundaries.schema.json` | JSON Schemas (draft 2020-12) of the GeoJSON files: "
        "every property's type, nullability and vocabulary |",
        "| `targets.schema.json` | JSON Schema of the targets table's rows (cells typed by the schema; '' in "
        "`targets.csv` is null) |",
        "| `schema.json` | the data dictionary of every table, machine-readable (fields, types, units, English "
        "and Chinese descriptions, vocabularies, Shapefile names) |",
        "",
        "GDAL types a GeoJSON property from its values: a property that is null in every feature of a file",
        "(`storage_mwh` in all of them, `year_end` in some category files) reads as String there. Open the",
        "GeoPackage for typed columns; the JSON Schemas state the types for the GeoJSON files.",
        "",
        "Every point carries its `precision` — `exact`, `site`, `town`, `county`, `region` — and the source of",
        "its coordinate. A `county` or `region` point is a representative point of the polygon, **not a site**.",
    ]
    for table in registered_tables(regions):
        lines += ["", f"## `{table.name}`", "", f"{table.description} ({table.description_zh}); primary key "
                  f"`{table.primary_key}`" + (f", geometry {table.geometry}" if table.geometry else "") + ".", "",
                  "| field | type | null | unit | Shapefile | description | 说明 |", "|---|---|---|---|---|---|---|"]
        for f in table.fields:
            desc = f.description + (f" — one of: {', '.join(f'`{v}`' for v in f.enum)}" if f.enum else "")
            lines.append(f"| `{f.name}` | {f.type.value} | {'yes' if f.nullable else 'no'} | {f.unit} | "
                         f"`{f.shp}` | {desc} | {f.description_zh} |")
    lines += ["", "## Vocabularies", ""]
    for vocab in (Category, Status, Action, Precision):
        lines += [f"### {vocab.__name__.lower()}", "", "| value | meaning |", "|---|---|"]
        lines += [f"| `{v.value}` | {DEFINITIONS[v]} |" for v in vocab]
        lines.append("")
    lines += [
        "## Exports",
        "",
        "`python -m geo export` writes a filtered selection as GeoJSON, GeoPackage, CSV, Shapefile or KML in",
        "EPSG:4326, EPSG:4490 (CGCS2000) or GCJ-02 (for Gaode / Tencent basemaps). See the main README.",
        "",
        "In an exported CSV, a text cell that starts with `=`, `+`, `-`, `@`, TAB or CR gets a leading apostrophe",
        "(`'=…`), so that a spreadsheet shows it as text instead of running it as a formula (OWASP's advice on CSV",
        "injection). `targets.csv` here is not changed that way: it is data that the project reads back, verbatim",
        "and validated; open an export in a spreadsheet rather than this file. KML exports HTML-escape every text.",
        "",
        "## One set",
        "",
        "A build writes every file into a staged folder beside this one and swaps the two in one step: a reader",
        "sees the files of one build, never a mix, and a failed or killed build leaves the previous set as it",
        "was (the next build removes what it left). The build replaces the folder as a whole: it refuses to run",
        "while the folder holds a file it does not write.",
        "",
    ]
    return "\n".join(lines)


@dataclass(frozen=True, slots=True)
class BuildResult:
    """What a build wrote: file name → number of features (or rows)."""

    files: dict[str, int]


def render_layers(frame: gpd.GeoDataFrame, boundaries: gpd.GeoDataFrame, targets: Sequence[Target], *,
                  regions: Sequence[str] | None = None, lines: gpd.GeoDataFrame | None = None,
                  areas: gpd.GeoDataFrame | None = None) -> tuple[dict[str, bytes], dict[str, int]]:
    """Every published file as bytes, and its feature (row) count: ``(files, counts)``.

    ``regions``: the region codes of the plan register, in its order, for the vocabularies; by
    default the regions of ``boundaries`` in the order they come. ``lines`` (:func:`lines_frame`)
    and ``areas`` (:func:`areas_frame`) are written as ``lines.geojson`` and ``areas.geojson``.
    """
    if regions is None:
        regions = tuple(dict.fromkeys(boundaries["region"]))
    projects_table, boundaries_table, targets_table_ = registered_tables(regions)[:3]
    rendered: dict[str, bytes] = {"projects.geojson": frame_to_geojson(frame, name="projects", id_field="id")}
    files: dict[str, int] = {"projects.geojson": len(frame)}
    for table, extra in ((LINES, lines), (AREAS, areas)):
        if extra is not None:
            rendered[f"{table.name}.geojson"] = frame_to_geojson(extra, name=table.name, id_field="id")
            files[f"{table.name}.geojson"] = len(extra)
            rendered[SCHEMA_FILES[table.name]] = _json_bytes(feature_collection_schema(
                table if regions is None else with_regions(table, tuple(regions))))
    for category in Category:
        part = frame[frame["category"] == category.value]
        rendered[f"{category.value}.geojson"] = frame_to_geojson(part, name=category.value, id_field="id")
        files[f"{category.value}.geojson"] = len(part)
    rendered["boundaries.geojson"] = frame_to_geojson(boundaries, name="boundaries", id_field="id")
    files["boundaries.geojson"] = len(boundaries)
    rendered[WEB_BOUNDARIES] = frame_to_geojson(web_boundaries(boundaries), name="boundaries", id_field="id")
    files[WEB_BOUNDARIES] = len(boundaries)
    rendered["targets.csv"] = targets_to_csv(targets).encode("utf-8")
    files["targets.csv"] = len(targets)
    rendered[GPKG_NAME] = gpkg_to_bytes(frame, boundaries, targets_frame(targets), regions, lines=lines, areas=areas)
    files[GPKG_NAME] = len(frame) + len(boundaries) + len(targets) + files.get("lines.geojson", 0) \
        + files.get("areas.geojson", 0)
    rendered["schema.json"] = _json_bytes(schema_document(regions))
    for table in (projects_table, boundaries_table):
        rendered[SCHEMA_FILES[table.name]] = _json_bytes(feature_collection_schema(table))
    rendered[SCHEMA_FILES[TARGETS.name]] = _json_bytes(table_schema(targets_table_))
    rendered["README.md"] = readme_text({"projects": len(frame), "lines": files.get("lines.geojson", 0),
                                         "areas": files.get("areas.geojson", 0)}, regions).encode("utf-8")
    return rendered, files


def _own_entry(name: str, rendered: dict[str, bytes]) -> bool:
    """Whether an entry of a published folder is the build's own: a file it writes, a layer of a
    category it no longer writes (``*.geojson``), or a temporary file of an older version."""
    return name in rendered or name.endswith((".geojson", ".gpkg", ".schema.json")) \
        or (name.startswith(".") and name.endswith(".tmp"))


def publish_layers(rendered: dict[str, bytes], out_dir: Path) -> None:
    """Publish rendered files (name → bytes) as the folder ``out_dir``, as one set.

    See :func:`build_layers`, which renders and calls this.
    """
    target = Path(out_dir).resolve() if Path(out_dir).is_symlink() else Path(out_dir).absolute()
    if target.exists() and not target.is_dir():
        raise NotADirectoryError(f"{out_dir} is a file, not a folder for the layers")
    recover_directory(target)  # a killed fallback swap may have left the old folder aside
    remove_stale(target.parent, old_prefix(target))
    if target.is_dir():
        foreign = sorted(p.name for p in target.iterdir() if not _own_entry(p.name, rendered) or p.is_dir())
        if foreign:
            raise LayerError([Problem(str(out_dir / name), None, None, "is not a file the build writes; move it "
                                      "out of the folder (a build replaces the folder as a whole)")
                              for name in foreign], f"{out_dir} holds files that are not layers")
    mode = folder_mode(target)
    with staging_dir(target.parent, stage_prefix(target)) as staged:
        for name, data in rendered.items():
            write_new_file(staged / name, data, mode=file_mode(target / name))
        staged.chmod(mode)
        publish_directory(staged, target)


def build_layers(frame: gpd.GeoDataFrame, boundaries: gpd.GeoDataFrame, targets: Sequence[Target],
                 out_dir: Path, *, regions: Sequence[str] | None = None, lines: gpd.GeoDataFrame | None = None,
                 areas: gpd.GeoDataFrame | None = None) -> BuildResult:
    """Publish every layer into ``out_dir`` as one set: readers see the old set or the new one.

    Every file is rendered first, then written into a staged folder beside ``out_dir`` (each
    write checked to be complete and fsynced), and the staged folder is swapped in for ``out_dir``
    in one step (:func:`geo._atomic.publish_directory`). A bad input, a full disk or a killed run
    leaves the previous layers as they were; the next build removes what a killed one left.

    Parameters
    ----------
    frame : GeoDataFrame
        From :func:`projects_frame`.
    boundaries : GeoDataFrame
        Regions and counties (``level`` tells which), EPSG:4326.
    targets : sequence of Target
    out_dir : Path
        The published folder (a symbolic link to a folder is followed: the folder it names is swapped).
    regions : sequence of str, optional, keyword-only
        The region codes of the plan register (see :func:`render_layers`).

    Raises
    ------
    LayerError
        An input cannot be rendered, or ``out_dir`` holds files the build does not write (the build
        replaces the folder as a whole and never deletes what is not its own).
    NotADirectoryError
        ``out_dir`` is a file.
    WriteError
        A file could not be written completely.
    """
    rendered, files = render_layers(frame, boundaries, targets, regions=regions, lines=lines, areas=areas)
    publish_layers(rendered, out_dir)
    log.info("layers: %d projects in %d files published to %s", len(frame), len(files), out_dir)
    return BuildResult(files)


def boundaries_frame(regions: gpd.GeoDataFrame, counties: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Regions then counties, one frame, sorted (region, level, adcode)."""
    import pandas as pd

    both = pd.concat([regions, counties], ignore_index=True)
    both = both.sort_values(["region", "level", "adcode"], key=lambda s: s.map(_level_order) if s.name == "level"
                            else s).reset_index(drop=True)
    both["id"] = both["level"] + "-" + both["adcode"]
    return both[[*BOUNDARY_FIELDS, "geometry"]]


#: tolerance of the web copy of the boundaries, in degrees (about 100 m): coverage_simplify
WEB_TOLERANCE = 0.001
WEB_BOUNDARIES = "boundaries_web.geojson"


def web_boundaries(boundaries: gpd.GeoDataFrame, *, tolerance: float = WEB_TOLERANCE) -> gpd.GeoDataFrame:
    """A light copy of the boundaries for the web map: the counties simplified together as one
    coverage (``shapely.coverage_simplify``: a border two counties share is simplified once, so
    it stays shared: no gaps, no overlaps), each region the union of its simplified counties.

    A region without counties is simplified on its own. The full resolution stays in
    ``boundaries.geojson`` and the GeoPackage.
    """
    import numpy as np
    import shapely

    out = boundaries.copy()
    counties = (out["level"] == "county").to_numpy()
    geoms = out.geometry.to_numpy().copy()
    geoms[counties] = shapely.coverage_simplify(geoms[counties], tolerance)
    for i in np.flatnonzero(~counties).tolist():
        own = counties & (out["region"] == out["region"].iloc[i]).to_numpy()
        geoms[i] = shapely.union_all(geoms[own]) if own.any() else shapely.coverage_simplify(geoms[i], tolerance)
    return out.set_geometry(list(geoms), crs=out.crs)


def _level_order(level: str) -> int:
    return 0 if level == "region" else 1


def points_outside(geocoded: Sequence[GeocodedRow], areas: AdminAreas) -> list[Problem]:
    """Geocoded points that do not lie in their region's polygon (a ``0, 0`` typed by hand ...)."""
    return [Problem("data/geocoded.csv", None, "lon", f"({r.result.lon:g}, {r.result.lat:g}) lies outside the "
                    f"{r.region} polygon: rerun python -m geo geocode", r.id)
            for r in geocoded if not areas.contains(r.region, r.result.lon, r.result.lat)]


def build_from_settings(settings: Settings, *, out_dir: Path | None = None) -> BuildResult:
    """Check the catalogue (every rule of ``python -m geo validate``), load the geocoding results,
    boundaries and targets, then :func:`build_layers`.

    Raises
    ------
    CatalogError, LayerError, BoundaryError, PlanError
        When an input is broken (the catalogue does not validate, a geocoded point lies outside its
        region ...); nothing is written then.
    """
    from .boundaries import admin_areas_from_frames, boundaries_from_dir
    from .geocode import geocoded_from_csv
    from .plans import sources_from_dir
    from .targets import targets_from_dir
    from .validate import require_valid

    report = require_valid(settings)
    projects = report.projects
    targets = targets_from_dir(settings.projects_dir, root=settings.root)
    geocoded = geocoded_from_csv(settings.geocoded_path)
    regions = boundaries_from_dir(settings.boundaries_dir, level="region")
    counties = boundaries_from_dir(settings.boundaries_dir, level="county")
    admin = admin_areas_from_frames(regions, counties)
    outside = points_outside(geocoded, admin)
    if outside:
        raise LayerError(outside, "geocoded points lie outside their regions; nothing was published")
    names = dict(zip(counties["adcode"], counties["name_zh"], strict=True))
    sources = sources_from_dir(settings.plans_dir)
    frame = projects_frame(projects, geocoded, sources, names)
    return build_layers(frame, boundaries_frame(regions, counties), targets, out_dir or settings.layers_dir,
                        regions=tuple(sources), lines=lines_frame(frame, geocoded, admin),
                        areas=areas_frame(frame, admin))


def read_layer_files(layers_dir: Path, names: Sequence[str]) -> dict[str, bytes]:
    """The bytes of published files, all from one build (see :func:`geo._atomic.read_snapshot`).

    Raises
    ------
    LayerError
        A file is missing or unreadable (run ``python -m geo build``).
    """
    try:
        return read_snapshot(layers_dir, names)
    except OSError as err:
        missing = err.filename if isinstance(err.filename, str) else str(layers_dir)
        raise LayerError([Problem(str(layers_dir / Path(missing).name) if missing in names else missing, None, None,
                                  f"cannot read: {err.strerror or err}; run python -m geo build")]) from err


def _projects_from_bytes(data: bytes, shown: str) -> gpd.GeoDataFrame:
    import geopandas as gpd

    try:
        frame = gpd.read_file(io.BytesIO(data), engine="pyogrio")
    except Exception as err:  # pyogrio's DataSourceError and friends
        raise LayerError([Problem(shown, None, None, f"cannot read layer: {err}; run python -m geo build")]) \
            from err
    return typed_frame(frame)


def _targets_from_bytes(data: bytes, shown: str) -> pd.DataFrame:
    import pandas as pd

    from ._csvio import rows_from_bytes

    rows, problems = rows_from_bytes(data, shown, TARGET_COLUMNS, required=TARGET_COLUMNS[:8])
    if problems:
        raise LayerError(problems, f"{shown} is broken; run python -m geo build")
    return pd.DataFrame([{c: row[c] for c in TARGET_COLUMNS} for row in rows], columns=list(TARGET_COLUMNS))


def projects_from_layers(layers_dir: Path) -> gpd.GeoDataFrame:
    """Read the published ``projects.geojson`` back into a frame with the schema's column types.

    Raises
    ------
    LayerError
        The file is missing or unreadable (run ``python -m geo build``).
    """
    data = read_layer_files(layers_dir, ["projects.geojson"])["projects.geojson"]
    return _projects_from_bytes(data, str(layers_dir / "projects.geojson"))


def targets_from_layers(layers_dir: Path) -> pd.DataFrame:
    """The published targets table (``targets.csv``), every cell a string.

    Raises
    ------
    LayerError
        The file is missing, not UTF-8 or not the table the build writes.
    """
    data = read_layer_files(layers_dir, ["targets.csv"])["targets.csv"]
    return _targets_from_bytes(data, str(layers_dir / "targets.csv"))


def boundaries_from_layers(layers_dir: Path) -> gpd.GeoDataFrame:
    """The web copy of the boundaries (``boundaries_web.geojson``, :func:`web_boundaries`), typed.

    Raises
    ------
    LayerError
        The file is missing or unreadable (run ``python -m geo build``).
    """
    import geopandas as gpd

    shown = str(layers_dir / WEB_BOUNDARIES)
    data = read_layer_files(layers_dir, [WEB_BOUNDARIES])[WEB_BOUNDARIES]
    try:
        frame = gpd.read_file(io.BytesIO(data), engine="pyogrio")
    except Exception as err:  # pyogrio's DataSourceError and friends
        raise LayerError([Problem(shown, None, None, f"cannot read layer: {err}; run python -m geo build")]) \
            from err
    typed: gpd.GeoDataFrame = typed_columns(frame, BOUNDARIES)
    return typed


def layer_set_from_dir(layers_dir: Path) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    """The projects and the targets of one build, read together: never two builds mixed.

    Raises
    ------
    LayerError
    """
    files = read_layer_files(layers_dir, ["projects.geojson", "targets.csv"])
    return (_projects_from_bytes(files["projects.geojson"], str(layers_dir / "projects.geojson")),
            _targets_from_bytes(files["targets.csv"], str(layers_dir / "targets.csv")))


def layer_set_with_lines_from_dir(layers_dir: Path) -> tuple[gpd.GeoDataFrame, pd.DataFrame, gpd.GeoDataFrame]:
    """The projects, the targets and the schematic lines (``lines.geojson``: ``id`` and the
    LineString of each linear work drawn as a line) of one build, read together.

    Raises
    ------
    LayerError
    """
    import geopandas as gpd

    names = ["projects.geojson", "targets.csv", "lines.geojson"]
    files = read_layer_files(layers_dir, names)
    shown = str(layers_dir / "lines.geojson")
    try:
        lines = gpd.read_file(io.BytesIO(files["lines.geojson"]), engine="pyogrio")
    except Exception as err:  # pyogrio's DataSourceError and friends
        raise LayerError([Problem(shown, None, None, f"cannot read layer: {err}; run python -m geo build")]) \
            from err
    if "id" not in lines.columns:
        raise LayerError([Problem(shown, None, "id", "missing; run python -m geo build")])
    return (_projects_from_bytes(files["projects.geojson"], str(layers_dir / "projects.geojson")),
            _targets_from_bytes(files["targets.csv"], str(layers_dir / "targets.csv")),
            gpd.GeoDataFrame({"id": lines["id"].astype(str)}, geometry=lines.geometry, crs=lines.crs))
