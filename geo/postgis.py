"""The PostGIS store: ``python -m geo publish postgresql://…`` writes the published layers into a
schema of a PostgreSQL + PostGIS database, in one transaction.

The tables come from the published GeoPackage (``layers/carbon_peak.gpkg``, one build) and their
columns from the registry (:mod:`geo.fields`): typed (text, bigint, double precision, boolean),
``NOT NULL`` where the registry says so, the primary key, a typed geometry column ``geom``
(``geometry(Point, 4326)`` …) with a GiST index, and comments on every table and column (English
and Chinese descriptions, units). Each table is loaded under a staging name (``COPY``), indexed,
and only then are the old tables dropped and the new ones renamed, before one ``COMMIT``: until
then other sessions read the old tables, and a failure anywhere rolls everything back.

The app reads the store back when ``CPM_DATABASE_URL`` is set (:func:`tables_from_store`, one
repeatable-read snapshot): the same frames as the files give, so the rest of the app does not know
where they came from; :func:`store_version` is its cheap change key.

Driver: psycopg 3 (imported on first use).
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from .errors import PublishError, StoreError
from .fields import BOUNDARIES, DATASET, LINES, PROJECTS, TABLES, TARGETS, FieldType, Table, typed_columns

if TYPE_CHECKING:
    import geopandas as gpd
    import pandas as pd

log = logging.getLogger(__name__)

DEFAULT_SCHEMA = "carbon_peak"
SRID = 4326
_SQL_TYPES = {FieldType.STRING: "text", FieldType.INTEGER: "bigint", FieldType.NUMBER: "double precision",
              FieldType.BOOLEAN: "boolean"}
_STAGE = "__new"


@dataclass(frozen=True, slots=True)
class PublishResult:
    """What a publish wrote: schema and rows per table."""

    schema: str
    tables: dict[str, int]


def redacted(url: str) -> str:
    """The database URL without its password, for messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = f"{parts.username}:***@{parts.hostname}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _create_sql(schema: str, table: Table) -> list[str]:
    name = f"{schema}.{_ident(table.name + _STAGE)}"
    columns = [f"{_ident(f.name)} {_SQL_TYPES[f.type]}{'' if f.nullable else ' NOT NULL'}" for f in table.fields]
    if table.geometry:
        columns.append(f"geom geometry({table.geometry}, {SRID}) NOT NULL")
    statements = [f"CREATE TABLE {name} ({', '.join(columns)})"]
    summary = f"{table.description} / {table.description_zh}. {DATASET.title}, version {DATASET.version} " \
              f"({DATASET.release_date}). {DATASET.licence}. {DATASET.attribution}"
    statements.append(f"COMMENT ON TABLE {name} IS {_literal(summary)}")
    for f in table.fields:
        comment = f"{f.description} / {f.description_zh}" + (f" [{f.unit}]" if f.unit else "")
        if f.enum:
            comment += f" (one of: {', '.join(f.enum)})"
        statements.append(f"COMMENT ON COLUMN {name}.{_ident(f.name)} IS {_literal(comment)}")
    if table.geometry:
        statements.append(f"COMMENT ON COLUMN {name}.geom IS {_literal(f'{table.geometry}, EPSG:{SRID} (WGS 84)')}")
    return statements


def _copy_csv(frame: pd.DataFrame, table: Table) -> bytes:
    """The rows of ``frame`` as the body of ``COPY … FROM STDIN (FORMAT csv)``, in the registry's
    column order, the geometry last as hex EWKB. Written by Arrow's CSV writer in one piece (not
    row by row): every text quoted, a null an unquoted empty cell (so ``''`` stays a text and a
    missing number is ``NULL``)."""
    import pyarrow as pa
    import pyarrow.csv as pacsv
    import shapely

    typed = typed_columns(frame, table)
    columns: dict[str, pa.Array] = {}
    for f in table.fields:
        values = typed[f.name]
        if f.type is FieldType.STRING:
            columns[f.name] = pa.array(values, type=pa.string(), from_pandas=True)  # Arrow strings: no copy
        elif f.type is FieldType.BOOLEAN:
            columns[f.name] = pa.array(values.to_numpy(dtype=bool))
        elif f.type is FieldType.INTEGER:
            columns[f.name] = pa.array(values, type=pa.int64(), from_pandas=True)  # NA → null
        else:
            columns[f.name] = pa.array(values.to_numpy(dtype="float64"), from_pandas=True)  # NaN → null
    if table.geometry:
        geoms = typed.geometry.to_numpy()
        if table.geometry == "MultiPolygon":
            single = shapely.get_type_id(geoms) == shapely.GeometryType.POLYGON
            geoms = geoms.copy()
            geoms[single] = [shapely.MultiPolygon([g]) for g in geoms[single]]
        columns["geom"] = pa.array(shapely.to_wkb(shapely.set_srid(geoms, SRID), hex=True, include_srid=True),
                                   type=pa.string())
    sink = pa.BufferOutputStream()
    pacsv.write_csv(pa.table(columns), sink, pacsv.WriteOptions(include_header=False, quoting_style="needed"))
    return bytes(sink.getvalue())


def _swap_sql(schema: str, table: Table) -> list[str]:
    final = f"{schema}.{_ident(table.name)}"
    staged = f"{schema}.{_ident(table.name + _STAGE)}"
    statements = [f"DROP TABLE IF EXISTS {final}", f"ALTER TABLE {staged} RENAME TO {_ident(table.name)}",
                  f"ALTER INDEX {schema}.{_ident(table.name + _STAGE + '_pkey')} RENAME TO "
                  f"{_ident(table.name + '_pkey')}"]
    if table.geometry:
        statements.append(f"ALTER INDEX {schema}.{_ident(table.name + _STAGE + '_geom_idx')} RENAME TO "
                          f"{_ident(table.name + '_geom_idx')}")
    return statements


def publish_frames(url: str, frames: Sequence[tuple[Table, pd.DataFrame]], *,
                   schema: str = DEFAULT_SCHEMA) -> PublishResult:
    """Write ``frames`` (registry table, rows) as tables of ``schema``, in one transaction.

    Raises
    ------
    PublishError
        No connection, PostGIS missing and not installable, or any statement failed; nothing changed.
    """
    try:
        import psycopg
    except ModuleNotFoundError as err:
        raise PublishError("publishing to PostGIS needs the package 'psycopg', a dependency of this project "
                           "that this Python lacks: set up with `make test`") from err
    quoted = _ident(schema)
    counts: dict[str, int] = {}
    try:
        with psycopg.connect(url, connect_timeout=10) as conn, conn.cursor() as cur:
            if cur.execute("SELECT 1 FROM pg_extension WHERE extname = 'postgis'").fetchone() is None:
                cur.execute("CREATE EXTENSION postgis")
            cur.execute(f"CREATE SCHEMA IF NOT EXISTS {quoted}")
            for table, frame in frames:
                for statement in _create_sql(quoted, table):
                    cur.execute(statement.encode())
                names = [*table.names, *(["geom"] if table.geometry else [])]
                target = f"{quoted}.{_ident(table.name + _STAGE)}"
                with cur.copy(f"COPY {target} ({', '.join(map(_ident, names))}) FROM STDIN (FORMAT csv)"
                              .encode()) as copy:
                    copy.write(_copy_csv(frame, table))
                # indexes after the load (one bulk build each, not one insertion per row); no ANALYZE
                # here (it samples every text column: seconds for 100k rows): autovacuum does it
                cur.execute(f"ALTER TABLE {target} ADD CONSTRAINT {_ident(table.name + _STAGE + '_pkey')} "
                            f"PRIMARY KEY ({_ident(table.primary_key)})".encode())
                if table.geometry:
                    cur.execute(f"CREATE INDEX {_ident(table.name + _STAGE + '_geom_idx')} ON {target} "
                                "USING gist (geom)".encode())
                counts[table.name] = len(frame)
            for table, _ in frames:
                for statement in _swap_sql(quoted, table):
                    cur.execute(statement.encode())
            # the with-block commits here; an exception above rolls everything back
    except psycopg.Error as err:
        raise PublishError(f"{redacted(url)}: could not publish to schema {schema} ({err}); the previous "
                           "tables are unchanged") from err
    log.info("postgis: %s in schema %s of %s", ", ".join(f"{n} {c}" for n, c in counts.items()), schema,
             redacted(url))
    return PublishResult(schema, counts)


def publish_from_layers(url: str, layers_dir: Path, *, schema: str = DEFAULT_SCHEMA) -> PublishResult:
    """Publish the tables of ``layers/carbon_peak.gpkg`` (projects, boundaries, targets, lines, areas).

    Raises
    ------
    LayerError
        The GeoPackage is missing or unreadable (run ``python -m geo build``).
    PublishError
    """
    import io

    import pyogrio

    from .errors import LayerError, Problem
    from .layers import GPKG_NAME, read_layer_files

    path = layers_dir / GPKG_NAME
    data = read_layer_files(layers_dir, [GPKG_NAME])[GPKG_NAME]  # every table from one build
    frames = []
    for table in TABLES:
        try:
            with warnings.catch_warnings():  # GDAL notes that an in-memory file has no .gpkg suffix
                warnings.filterwarnings("ignore", message=".*non conformant file extension", category=RuntimeWarning)
                frame = pyogrio.read_dataframe(io.BytesIO(data), layer=table.name, use_arrow=True)
        except Exception as err:  # pyogrio's DataSourceError and friends
            raise LayerError([Problem(str(path), None, None, f"cannot read layer {table.name}: {err}; "
                                      "run python -m geo build")]) from err
        frames.append((table, frame))
    return publish_frames(url, frames, schema=schema)


# --- reading the store back (the app's database source) ------------------------------------------


@dataclass(frozen=True, slots=True)
class StoreTables:
    """The published tables read back from the store, shaped like the app's file loaders return them.

    Attributes
    ----------
    projects : GeoDataFrame
        Like :func:`geo.layers.projects_from_layers`: registry types, sorted by id, EPSG:4326.
    targets : DataFrame
        Like :func:`geo.layers.targets_from_layers`: every cell the text ``targets.csv`` holds.
    boundaries : GeoDataFrame
        Like :func:`geo.layers.boundaries_frame`: regions then counties, full resolution.
    lines : GeoDataFrame
        Like the lines of :func:`geo.layers.layer_set_with_lines_from_dir`: ``id`` and the LineString.
    """

    projects: gpd.GeoDataFrame
    targets: pd.DataFrame
    boundaries: gpd.GeoDataFrame
    lines: gpd.GeoDataFrame


def _connect(url: str, timeout: float) -> Any:
    try:
        import psycopg
    except ModuleNotFoundError as err:
        raise StoreError("reading from PostGIS needs the package 'psycopg', a dependency of this project that "
                         "this Python lacks: set up with `make test`, or unset CPM_DATABASE_URL") from err
    try:
        return psycopg.connect(url, connect_timeout=max(1, round(timeout)))
    except psycopg.Error as err:
        raise StoreError(f"{redacted(url)}: cannot connect ({str(err).strip()}); check CPM_DATABASE_URL, or "
                         "unset it to read the files in layers/") from err


def store_version(url: str, *, schema: str = DEFAULT_SCHEMA, timeout: float = 5.0) -> tuple[tuple[str, int, int], ...]:
    """A key that changes when ``python -m geo publish`` replaces the tables: each table's name and
    object id (a publish creates new tables). One catalogue query, no rows read.

    Raises
    ------
    StoreError
        No connection.
    """
    import psycopg

    with _connect(url, timeout) as conn:
        try:
            rows = conn.execute("SELECT c.relname, c.oid::bigint FROM pg_class c JOIN pg_namespace n ON n.oid = "
                                "c.relnamespace WHERE n.nspname = %s AND c.relname = ANY(%s) ORDER BY 1",
                                (schema, [t.name for t in TABLES])).fetchall()
        except psycopg.Error as err:
            raise StoreError(f"{redacted(url)}: cannot read the catalogue ({err})") from err
    return tuple((str(name), int(oid), 0) for name, oid in rows)


def _select(cur: Any, url: str, schema: str, table: Table) -> list[tuple[Any, ...]]:
    import psycopg

    columns = [*map(_ident, table.names), *(["ST_AsBinary(geom)"] if table.geometry else [])]
    try:
        return list(cur.execute(f"SELECT {', '.join(columns)} FROM {_ident(schema)}.{_ident(table.name)}".encode())
                    .fetchall())
    except psycopg.errors.UndefinedTable as err:
        raise StoreError(f"{redacted(url)}: schema {schema} has no table {table.name}; publish it with "
                         f"python -m geo publish URL --schema {schema}") from err
    except psycopg.errors.UndefinedColumn as err:
        raise StoreError(f"{redacted(url)}: table {schema}.{table.name} lacks a column of this version "
                         f"({str(err).strip()}); publish again with python -m geo publish") from err
    except psycopg.Error as err:
        raise StoreError(f"{redacted(url)}: cannot read {schema}.{table.name} ({str(err).strip()})") from err


def _geo_frame(rows: list[tuple[Any, ...]], table: Table) -> Any:
    import geopandas as gpd
    import pandas as pd
    import shapely

    records = pd.DataFrame([r[:-1] for r in rows], columns=list(table.names))
    geoms = shapely.from_wkb([bytes(r[-1]) for r in rows]) if rows else []
    frame = gpd.GeoDataFrame(records, geometry=list(geoms), crs=f"EPSG:{SRID}")
    return typed_columns(frame, table)


def _as_published_text(frame: Any) -> Any:
    """The typed targets as ``targets.csv`` writes them: numbers without float noise, '' for null."""
    import pandas as pd

    from ._csvio import format_number

    out = frame.copy()
    for f in TARGETS.fields:
        values = frame[f.name].astype(object).tolist()
        if f.type is FieldType.INTEGER:
            out[f.name] = ["" if pd.isna(v) else str(int(v)) for v in values]
        elif f.type is FieldType.NUMBER:
            out[f.name] = ["" if pd.isna(v) else format_number(float(v)) for v in values]
        else:
            out[f.name] = [str(v) for v in values]
    return out


def tables_from_store(url: str, *, schema: str = DEFAULT_SCHEMA, timeout: float = 5.0) -> StoreTables:
    """Read projects, targets, boundaries and lines from one snapshot of the store (one repeatable-read
    transaction: a publish in between is not seen half).

    Raises
    ------
    StoreError
        No connection, no such schema or table, or columns of another version.
    """
    import pandas as pd
    import psycopg

    from .catalog import id_sort_key

    with _connect(url, timeout) as conn:
        conn.read_only = True
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        with conn.transaction(), conn.cursor() as cur:
            projects = _select(cur, url, schema, PROJECTS)
            boundaries = _select(cur, url, schema, BOUNDARIES)
            targets = _select(cur, url, schema, TARGETS)
            lines = _select(cur, url, schema, LINES)
    projects.sort(key=lambda r: id_sort_key(r[0]))
    lines.sort(key=lambda r: id_sort_key(r[0]))
    boundaries.sort(key=lambda r: (r[1], 0 if r[4] == "region" else 1, r[2]))  # region, level, adcode
    targets.sort(key=lambda r: (r[1], r[0]))  # region, id: the order of targets.csv
    typed_targets = typed_columns(pd.DataFrame(targets, columns=list(TARGETS.names)), TARGETS)
    log.info("postgis: read %d projects, %d boundaries, %d targets from schema %s of %s", len(projects),
             len(boundaries), len(targets), schema, redacted(url))
    return StoreTables(projects=_geo_frame(projects, PROJECTS), targets=_as_published_text(typed_targets),
                       boundaries=_geo_frame(boundaries, BOUNDARIES),
                       lines=_geo_frame(lines, LINES)[["id", "geometry"]])
