"""``python -m geo publish``: the published layers in PostGIS, typed, indexed, commented, in one transaction."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pyogrio
import pytest
from geopandas.testing import assert_geodataframe_equal

from geo.appdata import app_data_from_settings
from geo.errors import PublishError, StoreError
from geo.fields import BOUNDARIES, LINES, PROJECTS, TABLES, TARGETS, FieldType
from geo.layers import GPKG_NAME
from geo.postgis import publish_frames, publish_from_layers, redacted, store_version, tables_from_store
from geo.settings import Settings

from .conftest import ROOT, TOTAL, ZHUZHOU
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
    assert f"published {len(TABLES)} tables" in result.stdout
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
    assert geometry == {"projects": "POINT,4326", "boundaries": "MULTIPOLYGON,4326", "lines": "LINESTRING,4326",
                        "areas": "MULTIPOLYGON,4326"}


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


# --- the app's database source: the store read back gives the frames the files give ------------


def _store_settings(url: str, schema: str = "cpm") -> Settings:
    return Settings(root=ROOT, database_url=url, database_schema=schema)


def test_app_data_from_the_store_equals_the_files(published: str) -> None:
    from_files = app_data_from_settings(Settings(root=ROOT))
    from_store = app_data_from_settings(_store_settings(published))
    assert from_store.source.startswith("PostGIS postgresql://") and from_files.source == "files layers/"
    assert len(from_store.projects) == len(from_files.projects) > 0
    assert_geodataframe_equal(from_store.projects, from_files.projects)
    pd.testing.assert_frame_equal(from_store.targets, from_files.targets)
    assert from_store.lines is not None and from_files.lines is not None and len(from_files.lines) > 0
    assert_geodataframe_equal(from_store.lines.reset_index(drop=True), from_files.lines.reset_index(drop=True))
    ours, theirs = from_store.boundaries, from_files.boundaries
    pd.testing.assert_frame_equal(ours.drop(columns="geometry"), theirs.drop(columns="geometry"))
    assert ours.crs == theirs.crs and ours.geom_type.eq("MultiPolygon").all()
    assert bool(ours.geometry.geom_equals(theirs.geometry).all())  # a Polygon is published as a MultiPolygon


def test_the_store_version_changes_when_a_publish_replaces_the_tables(published: str) -> None:
    data = LAYERS / GPKG_NAME
    frames = [(t, pyogrio.read_dataframe(data, layer=t.name)) for t in TABLES]
    publish_frames(published, frames, schema="again")
    before = store_version(published, schema="again")
    assert [name for name, _, _ in before] == sorted(t.name for t in TABLES)
    assert store_version(published, schema="again") == before
    publish_frames(published, frames, schema="again")
    assert store_version(published, schema="again") != before


def test_a_missing_schema_or_table_is_a_clear_error(published: str) -> None:
    with pytest.raises(StoreError, match="schema nothing_here has no table projects; publish it with"):
        tables_from_store(published, schema="nothing_here")
    with psycopg.connect(published) as conn:  # a table of an older version: a column missing
        conn.execute("CREATE SCHEMA IF NOT EXISTS stale")
        conn.execute("CREATE TABLE IF NOT EXISTS stale.projects (id text)")
    with pytest.raises(StoreError, match=r"stale\.projects lacks a column of this version"):
        tables_from_store(published, schema="stale")


def test_an_unreachable_database_is_a_clear_error_without_the_password(database: str) -> None:
    url = database.replace("postgres@", "postgres:secret@").rsplit(":", 1)[0] + ":1/postgres"
    with pytest.raises(StoreError) as caught:
        app_data_from_settings(_store_settings(url))
    assert "secret" not in str(caught.value) and "cannot connect" in str(caught.value)
    assert "unset it to read the files" in str(caught.value)


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_the_app_reads_the_store_and_says_so(published: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("CPM_DATABASE_URL", published)
    monkeypatch.setenv("CPM_DATABASE_SCHEMA", "cpm")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    assert not at.exception, at.exception
    assert str(at.metric[0].value) == f"{TOTAL} / {TOTAL}"
    assert any(t.value == f"数据来源: PostGIS {published} schema cpm" for t in at.text)
    at.multiselect(key="regions").set_value(["ZHUZHOU"]).run()
    assert str(at.metric[0].value) == f"{ZHUZHOU} / {TOTAL}"


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@pytest.mark.parametrize(("url", "schema", "shown"), [
    ("postgresql://postgres:secret@127.0.0.1:1/postgres", "cpm", "cannot connect"),
    ("mysql://127.0.0.1/x", "cpm", "CPM_DATABASE_URL has the scheme 'mysql'"),
    (None, "nothing_here", "schema nothing_here has no table projects"),
])
def test_the_app_shows_a_database_problem_on_the_page(published: str, monkeypatch: pytest.MonkeyPatch,
                                                      url: str | None, schema: str, shown: str) -> None:
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("CPM_DATABASE_URL", url or published)
    monkeypatch.setenv("CPM_DATABASE_SCHEMA", schema)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    assert not at.exception, at.exception
    assert at.error[0].value == "无法读取数据 / The data cannot be read"
    assert any(shown in t.value for t in at.text) and not any("secret" in t.value for t in at.text)
    assert not at.metric  # nothing else drawn


def test_texts_with_tabs_newlines_and_backslashes_round_trip(published: str) -> None:
    """COPY's text format escapes: a cell holding them comes back unchanged; nulls stay null, '' stays ''."""
    data = LAYERS / GPKG_NAME
    projects = pyogrio.read_dataframe(data, layer="projects").head(3)
    projects.loc[0, "notes"] = "tab\there\nnew line\r\\N back\\slash \"quoted\""
    projects.loc[1, "notes"] = ""
    projects.loc[2, "power_mw"] = float("nan")
    frames = [(PROJECTS, projects), (BOUNDARIES, pyogrio.read_dataframe(data, layer="boundaries")),
              (TARGETS, pyogrio.read_dataframe(data, layer="targets")),
              (LINES, pyogrio.read_dataframe(data, layer="lines"))]
    publish_frames(published, frames, schema="escapes")
    back = tables_from_store(published, schema="escapes").projects.set_index("id")
    assert back.loc[projects.loc[0, "id"], "notes"] == "tab\there\nnew line\r\\N back\\slash \"quoted\""
    assert back.loc[projects.loc[1, "id"], "notes"] == ""
    assert _query(published, "SELECT power_mw IS NULL FROM escapes.projects WHERE id = %s",
                  projects.loc[2, "id"])[0][0] is True
