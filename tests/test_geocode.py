"""The geocoding stage: the chain over the catalogue, its results file, its wiring and the CLI."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from geo._online import ArcGISProvider
from geo.boundaries import AdminAreas, admin_areas_from_dir
from geo.catalog import catalog_from_dir
from geo.errors import LayerError, SettingsError
from geo.gazetteer import gazetteer_from_csv
from geo.geocode import (
    geocode_from_settings,
    geocoded_from_csv,
    geocoded_to_csv,
    points_from_context,
    providers_from_settings,
)
from geo.providers import ProviderContext
from geo.settings import Settings
from geo.vocabulary import Precision

from .conftest import DATA, ROOT, RowEditor
from .online_fakes import RECORDED, TEST_AGENT, Reply, ScriptedServer


@pytest.fixture(scope="module")
def areas() -> AdminAreas:
    return admin_areas_from_dir(ROOT / "data" / "boundaries")


@pytest.fixture
def gazetteer_root(project_root: Path) -> Path:
    shutil.copy(DATA / "gazetteer.csv", project_root / "data" / "gazetteer.csv")
    return project_root


def _stage(settings: Settings, areas: AdminAreas) -> tuple[Any, ...]:
    projects = catalog_from_dir(settings.projects_dir, root=settings.root)
    places = gazetteer_from_csv(settings.gazetteer_path) if settings.gazetteer_path.exists() else ()
    ctx = ProviderContext(settings, areas, tuple(places), tuple(projects))
    return points_from_context(ctx)


def test_every_row_gets_a_point_with_precision_and_source(settings: Settings, gazetteer_root: Path,
                                                          edit_catalog: RowEditor, areas: AdminAreas) -> None:
    edit_catalog(1, place_id="ZHUZHOU-P001")
    rows = {r.id: r for r in _stage(settings, areas)}
    assert rows["ZHUZHOU-001"].result.precision is Precision.TOWN  # linked to 中村瑶族乡
    assert rows["ZHUZHOU-001"].status == "resolved"
    assert rows["ZHUZHOU-002"].result.precision is Precision.REGION  # nothing finer: honest fallback
    assert rows["ZHUZHOU-002"].status == "fallback"
    for r in rows.values():
        assert r.result.source and r.result.provider and r.result.query


def test_ambiguous_row_falls_back_and_is_reported(settings: Settings, gazetteer_root: Path,
                                                  edit_catalog: RowEditor, areas: AdminAreas) -> None:
    edit_catalog(2, name_zh="白关")
    row = {r.id: r for r in _stage(settings, areas)}["ZHUZHOU-002"]
    assert row.status == "ambiguous" and "白关甲" in row.note
    assert row.result.precision is Precision.REGION


def test_point_outside_region_fails_the_run(settings: Settings, edit_catalog: RowEditor,
                                            areas: AdminAreas) -> None:
    edit_catalog(2, override_lon="120.75", override_lat="30.75", override_precision="site",
                 override_source="a point in Jiaxing, wrongly")
    with pytest.raises(LayerError) as info:
        _stage(settings, areas)
    assert info.value.problems[0].record_id == "ZHUZHOU-002"
    assert "outside the ZHUZHOU polygon" in str(info.value)


def test_point_outside_declared_county_fails_the_run(settings: Settings, gazetteer_root: Path,
                                                     edit_catalog: RowEditor, areas: AdminAreas) -> None:
    edit_catalog(1, place_id="ZHUZHOU-P002")  # the plant is in 石峰区, the row declares 炎陵县
    with pytest.raises(LayerError, match="not in the declared county 430225"):
        _stage(settings, areas)


def test_override_wins(settings: Settings, edit_catalog: RowEditor, areas: AdminAreas) -> None:
    edit_catalog(2, override_lon="113.1", override_lat="27.85", override_precision="site",
                 override_source="reviewed on a survey map")
    row = {r.id: r for r in _stage(settings, areas)}["ZHUZHOU-002"]
    assert (row.result.provider, row.result.precision) == ("override", Precision.SITE)


def test_results_round_trip_through_csv(settings: Settings, tmp_path: Path, areas: AdminAreas) -> None:
    rows = _stage(settings, areas)
    geocoded_to_csv(rows, tmp_path / "g.csv")
    back = geocoded_from_csv(tmp_path / "g.csv")
    assert [(r.id, r.result.precision, round(r.result.lon, 6)) for r in back] == \
        [(r.id, r.result.precision, round(r.result.lon, 6)) for r in rows]


def _refuse_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


def test_offline_geocoding_makes_no_network_access(settings: Settings, gazetteer_root: Path, areas: AdminAreas,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    _refuse_network(monkeypatch)
    assert len(_stage(settings, areas)) == 3


def test_the_stage_wired_from_settings_writes_the_results(settings: Settings, gazetteer_root: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    # online services configured, but online geocoding off: no request, no online file
    configured = replace(settings, geocoders=("nominatim", "arcgis"), user_agent=TEST_AGENT)
    _refuse_network(monkeypatch)
    run = geocode_from_settings(configured)
    assert run.path == settings.geocoded_path and not run.online
    assert [r.id for r in geocoded_from_csv(run.path)] == [r.id for r in run.rows] == [p.id for p in run.projects]
    assert {r.result.provider for r in run.rows} <= {"override", "gazetteer", "plants", "lines", "towns", "admin"}
    assert not settings.geocoded_online_path.exists()


def test_online_results_never_overwrite_the_published_file(settings: Settings, gazetteer_root: Path,
                                                           tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    online = replace(settings, geocoders=("arcgis",), cache_dir=tmp_path / "cache", user_agent=TEST_AGENT,
                     min_delay_seconds=0.0)
    with ScriptedServer([Reply(body=RECORDED["arcgis"]["株洲电厂"])]) as server:
        monkeypatch.setattr(ArcGISProvider, "domain", server.domain)
        monkeypatch.setattr(ArcGISProvider, "scheme", "http")
        run = geocode_from_settings(online, online=True)
        asked = len(server.requests)
        # switched on in the settings (CPM_ONLINE_GEOCODING=1) rather than by the flag: the same file
        again = geocode_from_settings(replace(online, online_geocoding=True))
        assert len(server.requests) == asked  # the rerun is answered from the cache
    assert run.online and run.path == again.path == settings.geocoded_online_path
    assert "arcgis" in {r.result.provider for r in geocoded_from_csv(run.path)}
    assert not settings.geocoded_path.exists()


def test_unknown_service_names_are_refused_with_the_variable(settings: Settings, areas: AdminAreas) -> None:
    online = replace(settings, online_geocoding=True, geocoders=("google",))
    with pytest.raises(SettingsError, match=r"CPM_GEOCODERS names 'google'.*nominatim, arcgis, baidu"):
        providers_from_settings(ProviderContext(online, areas))
    with pytest.raises(SettingsError, match="CPM_GEOCODERS"):  # an offline provider is not a service to ask
        providers_from_settings(ProviderContext(replace(online, geocoders=("admin",)), areas))


def test_online_off_builds_only_the_offline_chain(areas: AdminAreas) -> None:
    chain = providers_from_settings(ProviderContext(Settings(root=ROOT, geocoders=("google",)), areas))
    assert [p.name for p in chain] == ["override", "gazetteer", "plants", "lines", "towns"]


# --- the real catalogue ----------------------------------------------------------------------


def test_real_catalogue_points_lie_in_their_polygons(repo_settings: Settings, areas: AdminAreas) -> None:
    rows = _stage(repo_settings, areas)
    projects = {p.id: p for p in catalog_from_dir(repo_settings.projects_dir)}
    assert set(projects) == {r.id for r in rows}
    for r in rows:
        assert areas.contains(r.region, r.result.lon, r.result.lat), r.id
        declared = projects[r.id].county_adcode
        if declared:
            assert areas.county_contains(declared, r.result.lon, r.result.lat), r.id


def test_committed_results_are_current(repo_settings: Settings, areas: AdminAreas, tmp_path: Path) -> None:
    geocoded_to_csv(_stage(repo_settings, areas), tmp_path / "geocoded.csv")
    assert (tmp_path / "geocoded.csv").read_bytes() == repo_settings.geocoded_path.read_bytes(), \
        "data/geocoded.csv is stale: run python -m geo geocode"


def test_cli_geocode_prints_the_precision_table(project_root: Path) -> None:
    env = {"CPM_ROOT": str(project_root), "PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "-m", "geo", "geocode"], cwd=ROOT, capture_output=True, text=True,
                            timeout=300, check=False, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    written = {r.id: r for r in geocoded_from_csv(project_root / "data" / "geocoded.csv")}
    table = result.stdout.splitlines()
    header = next(line.split() for line in table if line.split()[:2] == ["region", "exact"])
    zhuzhou = next(line.split() for line in table if line.startswith("ZHUZHOU"))
    counts = dict(zip(header[1:], zhuzhou[1:], strict=True))
    # the printed table is the table of what was written
    for precision in ("exact", "site", "town", "county", "region"):
        assert int(counts[precision]) == sum(r.result.precision.value == precision for r in written.values())
    assert int(counts["total"]) == len(written)
    listed = [line.split()[0] for line in table if line.startswith("  ZHUZHOU-")]
    assert set(listed) == {rid for rid, r in written.items() if r.status == "fallback"}  # the unresolved rows


def test_cli_geocode_refuses_bad_online_settings_in_one_line(project_root: Path) -> None:
    env = {"CPM_ROOT": str(project_root), "PATH": "/usr/bin:/bin", "CPM_MIN_DELAY": "nan"}
    result = subprocess.run([sys.executable, "-m", "geo", "geocode", "--online"], cwd=ROOT, capture_output=True,
                            text=True, timeout=300, check=False, env=env)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "error: CPM_MIN_DELAY=nan is out of range: give a finite number of seconds from 0 to 60"]


def test_every_place_not_located_is_listed_with_what_was_searched(repo_settings: Settings) -> None:
    """A row whose place words are finer than a county ends located (town, site, exact, corridor)
    or in data/places_not_found.csv, with the searches made."""
    import csv

    from geo.towns_match import town_index_from_dir

    index = town_index_from_dir(repo_settings.data_dir)
    points = {r.id: r for r in geocoded_from_csv(repo_settings.geocoded_path)}
    projects = catalog_from_dir(repo_settings.projects_dir, root=repo_settings.root)
    unlocated = {p.id for p in projects if p.place_text and not index.names_a_division(p.place_text, p.region)
                 and points[p.id].result.precision in (Precision.COUNTY, Precision.REGION)}
    with (repo_settings.data_dir / "places_not_found.csv").open(encoding="utf-8", newline="") as fh:
        table = list(csv.DictReader(fh))
    listed = {i for row in table for i in row["catalogue_ids"].split(";")}
    assert unlocated <= listed, sorted(unlocated - listed)
    assert all(row["searched"] and row["why"] for row in table)
    assert listed <= {p.id for p in projects}


def test_aim_figures_measure_fine_places_and_drawn_lines(repo_settings: Settings) -> None:
    """The figures against the aims: rows whose place words are a division's name do not count,
    a town/site/exact point counts as located, a corridor as on a line, and the printed summary
    says the same numbers."""
    from geo._report import geocode_summary
    from geo.geocode import GeocodedRow, GeocodeRun, aim_figures
    from geo.providers import GeocodeResult

    projects = {p.id: p for p in catalog_from_dir(repo_settings.projects_dir, root=repo_settings.root)}
    chosen = {"ZHUZHOU-001": Precision.TOWN, "ZHUZHOU-002": Precision.COUNTY, "ZHUZHOU-090": Precision.CORRIDOR,
              "ZHUZHOU-091": Precision.REGION, "JINSHI-022": Precision.SITE}
    line = ((113.0, 27.0), (113.5, 27.5))
    rows = [GeocodedRow(i, projects[i].region, GeocodeResult(113.0, 27.0, p, "test", "test", i,
                                                               line=line if p is Precision.CORRIDOR else ()),
                        "resolved", "") for i, p in chosen.items()]
    division = {("炎陵龙溪", "ZHUZHOU")}   # pretend these words were only a county's name

    figures = aim_figures(rows, projects.values(), lambda words, region: (words, region) in division)

    assert set(figures.finer) == set(chosen) - {"ZHUZHOU-001"}
    assert figures.located == ("JINSHI-022",)
    assert set(figures.on_line) == {"ZHUZHOU-090"}
    assert set(figures.linear) == {"ZHUZHOU-090", "ZHUZHOU-091"}
    assert figures.drawn == ("ZHUZHOU-090",)
    text = geocode_summary(GeocodeRun(tuple(rows), Path("x.csv"), tuple(projects[i] for i in chosen), False, figures))
    assert "finer than a county: 4 rows; 1 at town, site or exact precision (25 %, aim 80 %), 1 more on a line" in text
    assert "linear works: 1 of 2 drawn as lines (50 %, aim 60 %); kept as points: ZHUZHOU-091" in text
