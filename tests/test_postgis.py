"""``python -m geo publish``: the published layers in PostGIS, typed, indexed, commented, in one transaction."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pyogrio
import pytest

from geo.errors import PublishError
from geo.fields import BOUNDARIES, PROJECTS, TABLES, TARGETS, FieldType
from geo.layers import GPKG_NAME
from geo.postgis import publish_frames, publish_from_layers, redacted

from .conftest import ROOT
from .postgis_server import server

psycopg = pytest.importorskip("psycopg")

LAYERS = ROOT / "layers"
_PG_TYPES = {FieldType.STRING: "text", FieldType.INTEGER: "bigint", FieldType.NUMBER: "double precision",
             FieldType.BOOLEAN: "boolean"}


@pytest.fixture(scope="module")
def database() -> Iterator[str]:
    base = Path(tempfile.mkdtemp(prefix="cpm-pg-"))  # not under pytest's 0700 folders: postgres must enter it
    try:
        yield from server(base)
    finally:
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="module")
def published(database: str) -> str:
    result = subprocess.run([sys.executable, "-m", "geo", "publish", database, "--schema", "cpm"], cwd=ROOT,
                            capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr
    assert "published 3 tables" in result.stdout
    return database


def _query(url: str, sql: str, *args: object) -> list[tuple[object, ...]]:
    with psycopg.connect(url) as conn:
        return conn.execute(sql, args).fetchall()


def test_every_table_holds_the_published_rows(published: str) -> None:
    for table in TABLES:
        expected = pyogrio.read_info(LAYERS / GPKG_NAME, layer=table.name)["features"]
        assert _query(published, f"SELECT count(*) FROM cpm.{table.name}")[0][0] == expected > 0


def test_columns_are_typed_and_commented_from_the_registry(published: str) -> None:
    for table in TABLES:
        rows = _query(published, "SELECT column_name, data_type, is_nullable, col_description("
                      "('cpm.' || table_name)::regclass, ordinal_position) FROM information_schema.columns "
                      "WHERE table_schema = 'cpm' AND table_name = %s ORDER BY ordinal_position", table.name)
        columns = {name: (kind, nullable, comment) for name, kind, nullable, comment in rows}
        assert [r[0] for r in rows] == [*table.names, *(["geom"] if table.geometry else [])]
        for f in table.fields:
            kind, nullable, comment = columns[f.name]
            assert kind == _PG_TYPES[f.type] and (nullable == "YES") == f.nullable, (table.name, f.name)
            assert f.description in str(comment) and f.description_zh in str(comment)
        (comment,) = _query(published, "SELECT obj_description(%s::regclass)", f"cpm.{table.name}")[0]
        assert "CC BY 4.0" in str(comment) and table.description in str(comment)


def test_primary_keys_and_spatial_indexes(published: str) -> None:
    keys = dict(_query(published, "SELECT tc.table_name, kcu.column_name FROM information_schema.table_constraints "
                       "tc JOIN information_schema.key_column_usage kcu USING (constraint_schema, constraint_name) "
                       "WHERE tc.table_schema = 'cpm' AND tc.constraint_type = 'PRIMARY KEY'"))
    assert keys == {t.name: t.primary_key for t in TABLES}
    indexes = {r[0]: r[1] for r in _query(published, "SELECT indexname, indexdef FROM pg_indexes "
                                          "WHERE schemaname = 'cpm'")}
    for table in (PROJECTS, BOUNDARIES):
        assert "USING gist (geom)" in indexes[f"{table.name}_geom_idx"]
    geometry = dict(_query(published, "SELECT f_table_name, type || ',' || srid FROM geometry_columns "
                           "WHERE f_table_schema = 'cpm'"))
    assert geometry == {"projects": "POINT,4326", "boundaries": "MULTIPOLYGON,4326"}


def test_points_and_values_match_the_geopackage(published: str) -> None:
    frame = pyogrio.read_dataframe(LAYERS / GPKG_NAME, layer="projects")
    rows = _query(published, "SELECT id, ST_X(geom), ST_Y(geom), power_mw, year_end, is_programme FROM cpm.projects")
    back = {r[0]: r[1:] for r in rows}
    for row in frame.itertuples(index=False):
        x, y, power, year, programme = back[row.id]
        assert (x, y) == pytest.approx((row.geometry.x, row.geometry.y), abs=1e-9)
        assert (power is None) == (row.power_mw != row.power_mw) and programme == row.is_programme
        assert (year is None) if row.year_end is None or row.year_end != row.year_end else year == row.year_end
    assert _query(published, "SELECT count(*) FROM cpm.projects p JOIN cpm.boundaries b ON b.level = 'region' "
                  "AND b.region = p.region AND ST_Intersects(b.geom, p.geom)")[0][0] == len(frame)
    (value,) = _query(published, "SELECT value FROM cpm.targets WHERE id = 'JIAXING-T01'")[0]
    assert value == pytest.approx(0.52)


def test_a_failed_publish_leaves_the_old_tables(published: str) -> None:
    """A failure after some tables are loaded rolls all back: the old tables stay, no staging tables."""
    import geopandas as gpd

    before = _query(published, "SELECT count(*) FROM cpm.projects")[0][0]
    data = (LAYERS / GPKG_NAME)
    projects = pyogrio.read_dataframe(data, layer="projects").head(3)
    targets = pyogrio.read_dataframe(data, layer="targets")
    broken = gpd.GeoDataFrame(pyogrio.read_dataframe(data, layer="boundaries").head(2))
    broken["id"] = "same"  # a duplicate primary key fails the last table
    with pytest.raises(PublishError, match="previous tables are unchanged"):
        publish_frames(published, [(PROJECTS, projects), (TARGETS, targets), (BOUNDARIES, broken)], schema="cpm")
    assert _query(published, "SELECT count(*) FROM cpm.projects")[0][0] == before
    assert _query(published, "SELECT count(*) FROM pg_tables WHERE schemaname = 'cpm' AND tablename LIKE "
                  "'%%\\_\\_new'")[0][0] == 0


def test_republishing_replaces_the_tables_while_readers_see_the_old(published: str) -> None:
    data = LAYERS / GPKG_NAME
    frames = [(PROJECTS, pyogrio.read_dataframe(data, layer="projects").head(5)),
              (BOUNDARIES, pyogrio.read_dataframe(data, layer="boundaries")),
              (TARGETS, pyogrio.read_dataframe(data, layer="targets"))]
    with psycopg.connect(published) as reader:
        old = reader.execute("SELECT count(*) FROM cpm.projects").fetchone()
        reader.commit()
        result = publish_frames(published, frames, schema="other")  # another schema: no lock taken on cpm
        assert reader.execute("SELECT count(*) FROM cpm.projects").fetchone() == old
    assert result.tables["projects"] == 5
    assert _query(published, "SELECT count(*) FROM other.projects")[0][0] == 5
    publish_frames(published, frames, schema="other")  # again: the old tables are replaced, not duplicated
    assert _query(published, "SELECT count(*) FROM other.projects")[0][0] == 5


def test_a_bad_url_is_a_clear_error_without_the_password(database: str) -> None:
    url = database.replace("postgres@", "postgres:secret@").rsplit(":", 1)[0] + ":1/postgres"
    with pytest.raises(PublishError) as caught:
        publish_from_layers(url, LAYERS)
    assert "secret" not in str(caught.value) and "previous tables are unchanged" in str(caught.value)
    assert redacted(url).startswith("postgresql://postgres:***@127.0.0.1:1")
