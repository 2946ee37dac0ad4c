"""Typed, deterministic, self-describing GeoPackages: the published ``layers/carbon_peak.gpkg`` and
the GeoPackage exports.

Every table is written from its :class:`~geo.fields.Table` (columns typed by the registry, so a
column that is null throughout is still REAL or INTEGER), as GeoPackage 1.2 (``user_version``
10200; GDAL's ``validate_gpkg.py`` accepts 1.2 where it rejects 1.4), and then completed with
SQLite:

* ``gpkg_contents.last_change`` and every other timestamp are the dataset's release date
  (:data:`geo.fields.DATASET`), never the clock, and the file is ``VACUUM``-ed: the same inputs
  give the same bytes on any day;
* ``gpkg_data_columns`` (title with unit, English and Chinese description of every column) and
  ``gpkg_data_column_constraints`` (the vocabularies as enums), the schema extension;
* ``gpkg_metadata``: the dataset record (version, release date, licence, attribution) and the
  JSON Schema of every table, and a QGIS metadata document per layer (metadata extension);
* ``layer_styles``: QGIS's default style of the projects, lines, areas and boundaries (:mod:`geo._qgis`).
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import _qgis
from ._gdalio import verify_gpkg, write_frame
from .errors import WriteError
from .fields import DATASET, Table, json_schema, typed_columns

if TYPE_CHECKING:
    import pandas as pd

#: GeoPackage version written (``PRAGMA user_version``)
GPKG_VERSION = "1.2"
GPKG_USER_VERSION = 10200
#: every timestamp inside the file: the release date at midnight UTC
TIMESTAMP = f"{DATASET.release_date}T00:00:00.000Z"

_SPEC = "http://www.geopackage.org/spec120/"
_SCHEMA_DDL = """
CREATE TABLE IF NOT EXISTS gpkg_data_columns (
  table_name TEXT NOT NULL, column_name TEXT NOT NULL, name TEXT, title TEXT, description TEXT,
  mime_type TEXT, constraint_name TEXT,
  CONSTRAINT pk_gdc PRIMARY KEY (table_name, column_name), CONSTRAINT gdc_tn UNIQUE (table_name, name));
CREATE TABLE IF NOT EXISTS gpkg_data_column_constraints (
  constraint_name TEXT NOT NULL, constraint_type TEXT NOT NULL, value TEXT, min NUMERIC,
  min_is_inclusive BOOLEAN, max NUMERIC, max_is_inclusive BOOLEAN, description TEXT,
  CONSTRAINT gdcc_ntv UNIQUE (constraint_name, constraint_type, value));
CREATE TABLE IF NOT EXISTS gpkg_metadata (
  id INTEGER CONSTRAINT m_pk PRIMARY KEY ASC NOT NULL, md_scope TEXT NOT NULL DEFAULT 'dataset',
  md_standard_uri TEXT NOT NULL, mime_type TEXT NOT NULL DEFAULT 'text/xml', metadata TEXT NOT NULL DEFAULT '');
CREATE TABLE IF NOT EXISTS gpkg_metadata_reference (
  reference_scope TEXT NOT NULL, table_name TEXT, column_name TEXT, row_id_value INTEGER,
  timestamp DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')), md_file_id INTEGER NOT NULL,
  md_parent_id INTEGER,
  CONSTRAINT crmr_mfi_fk FOREIGN KEY (md_file_id) REFERENCES gpkg_metadata(id),
  CONSTRAINT crmr_mpi_fk FOREIGN KEY (md_parent_id) REFERENCES gpkg_metadata(id));
CREATE TABLE IF NOT EXISTS layer_styles (
  id INTEGER PRIMARY KEY AUTOINCREMENT, f_table_catalog TEXT(256), f_table_schema TEXT(256),
  f_table_name TEXT(256), f_geometry_column TEXT(256), styleName TEXT(30), styleQML TEXT, styleSLD TEXT,
  useAsDefault BOOLEAN, description TEXT, owner TEXT(30), ui TEXT(30), update_time DATETIME);
"""
_EXTENSIONS = (
    ("gpkg_data_columns", "gpkg_schema", _SPEC + "#extension_schema"),
    ("gpkg_data_column_constraints", "gpkg_schema", _SPEC + "#extension_schema"),
    ("gpkg_metadata", "gpkg_metadata", _SPEC + "#extension_metadata"),
    ("gpkg_metadata_reference", "gpkg_metadata", _SPEC + "#extension_metadata"),
)


@dataclass(frozen=True, slots=True)
class GpkgLayer:
    """One table of a GeoPackage: a registry table and its rows (a GeoDataFrame for a
    geometry table, a DataFrame for an attribute table)."""

    table: Table
    frame: pd.DataFrame


def write_gpkg(path: Path, layers: Sequence[GpkgLayer], *, shown: Path, crs_description: str) -> None:
    """Write a new GeoPackage at ``path`` (which must not exist) holding ``layers``, complete it
    (timestamps, data columns, metadata, styles), compact it and check it.

    Raises
    ------
    WriteError
        GDAL or SQLite could not write the file, or it does not read back.
    """
    counts: dict[str, int] = {}
    with _gdal_config({"OGR_CURRENT_DATE": TIMESTAMP}):
        for layer in layers:
            frame = typed_columns(layer.frame, layer.table)
            options: dict[str, Any] = {"FID": "fid", "DESCRIPTION": layer.table.description,
                                       "IDENTIFIER": layer.table.name}
            if layer.table.geometry:
                options["DESCRIPTION"] = f"{layer.table.description}; coordinates: {crs_description}"
                options["GEOMETRY_NAME"] = "geom"
                options["SPATIAL_INDEX"] = "YES"
            write_frame(frame, path, shown, layer=layer.table.name, driver="GPKG",
                        dataset_options={"VERSION": GPKG_VERSION}, layer_options=options,
                        promote_to_multi=layer.table.geometry == "MultiPolygon")
            counts[layer.table.name] = len(frame)
    try:
        with contextlib.closing(sqlite3.connect(path, isolation_level=None)) as db:
            db.executescript(_SCHEMA_DDL)  # executescript commits: before the transaction
            db.execute("BEGIN")
            _complete(db, [layer.table for layer in layers], crs_description)
            db.execute("COMMIT")
            db.execute("VACUUM")
    except sqlite3.Error as err:
        raise WriteError(f"{shown}: could not complete the GeoPackage ({err}); is the disk full?") from err
    verify_gpkg(path, counts, shown)


@contextlib.contextmanager
def _gdal_config(options: dict[str, str]) -> Iterator[None]:
    import pyogrio

    old = {key: pyogrio.get_gdal_config_option(key) for key in options}
    pyogrio.set_gdal_config_options(options)
    try:
        yield
    finally:
        pyogrio.set_gdal_config_options(old)


def _complete(db: sqlite3.Connection, tables: Sequence[Table], crs_description: str) -> None:
    db.execute("UPDATE gpkg_contents SET last_change = ?", (TIMESTAMP,))
    for table_name, extension, definition in _EXTENSIONS:
        found = db.execute("SELECT 1 FROM gpkg_extensions WHERE table_name = ? AND extension_name = ?",
                           (table_name, extension)).fetchone()
        if not found:
            db.execute("INSERT INTO gpkg_extensions (table_name, column_name, extension_name, definition, scope) "
                       "VALUES (?, NULL, ?, ?, 'read-write')", (table_name, extension, definition))
    constraints: set[str] = set()
    for table in tables:
        for f in table.fields:
            constraint = None
            if f.enum:
                constraint = f.name  # a vocabulary shared by tables (region) is one constraint
                if constraint not in constraints:
                    db.executemany("INSERT INTO gpkg_data_column_constraints (constraint_name, constraint_type, "
                                   "value, description) VALUES (?, 'enum', ?, NULL)",
                                   [(constraint, v) for v in f.enum])
                    constraints.add(constraint)
            db.execute("INSERT OR REPLACE INTO gpkg_data_columns (table_name, column_name, name, title, description, "
                       "mime_type, constraint_name) VALUES (?, ?, ?, ?, ?, NULL, ?)",
                       (table.name, f.name, f.name, f.title, f"{f.description} / {f.description_zh}", constraint))
    dataset = {"title": DATASET.title, "title_zh": DATASET.title_zh, "version": DATASET.version,
               "release_date": DATASET.release_date, "licence": DATASET.licence, "licence_id": DATASET.licence_id,
               "licence_url": DATASET.licence_url, "attribution": DATASET.attribution,
               "coordinates": crs_description, "tables": {t.name: json_schema(t) for t in tables}}
    cursor = db.execute("INSERT INTO gpkg_metadata (md_scope, md_standard_uri, mime_type, metadata) "
                        "VALUES ('dataset', 'https://json-schema.org/draft/2020-12/schema', 'application/json', ?)",
                        (json.dumps(dataset, ensure_ascii=False, indent=1, sort_keys=True),))
    db.execute("INSERT INTO gpkg_metadata_reference (reference_scope, table_name, column_name, row_id_value, "
               "timestamp, md_file_id, md_parent_id) VALUES ('geopackage', NULL, NULL, NULL, ?, ?, NULL)",
               (TIMESTAMP, cursor.lastrowid))
    for table in tables:
        cursor = db.execute("INSERT INTO gpkg_metadata (md_scope, md_standard_uri, mime_type, metadata) "
                            "VALUES ('dataset', ?, 'text/xml', ?)",
                            (_qgis.QGIS_DTD, _qgis.layer_qmd(table, crs_description=crs_description)))
        db.execute("INSERT INTO gpkg_metadata_reference (reference_scope, table_name, column_name, row_id_value, "
                   "timestamp, md_file_id, md_parent_id) VALUES ('table', ?, NULL, NULL, ?, ?, NULL)",
                   (table.name, TIMESTAMP, cursor.lastrowid))
    styles = {"projects": _qgis.projects_qml(), "boundaries": _qgis.boundaries_qml(), "lines": _qgis.lines_qml(),
              "areas": _qgis.areas_qml()}
    # registered as an attribute table, as QGIS does, so that GDAL (and QGIS through it) lists it
    db.execute("INSERT INTO gpkg_contents (table_name, data_type, identifier, description, last_change) "
               "VALUES ('layer_styles', 'attributes', 'layer_styles', 'QGIS layer styles', ?)", (TIMESTAMP,))
    for table in tables:
        if table.name in styles:
            db.execute("INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name, f_geometry_column, "
                       "styleName, styleQML, styleSLD, useAsDefault, description, owner, ui, update_time) "
                       "VALUES ('', '', ?, 'geom', ?, ?, '', 1, ?, '', '', ?)",
                       (table.name, f"{table.name} ({DATASET.version})", styles[table.name],
                        f"default style of {table.name}: {table.description}", TIMESTAMP))


def gpkg_tables(path: Path) -> dict[str, str]:
    """The tables of a GeoPackage's ``gpkg_contents``: name → data type (``features``, ``attributes``)."""
    with contextlib.closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as db:
        return dict(db.execute("SELECT table_name, data_type FROM gpkg_contents ORDER BY table_name").fetchall())
