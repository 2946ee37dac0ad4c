"""Region-scoped geocoding: providers, the stage over the catalogue, and the online contract."""

from __future__ import annotations

import contextlib
import json
import shutil
import socket
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlparse

import pytest
from geopy.adapters import BaseSyncAdapter

from geo._online import online_provider
from geo.boundaries import boundaries_from_dir
from geo.catalog import catalog_from_dir
from geo.errors import GeocodeAmbiguous, GeocodeNotFound, GeocoderUnavailable, LayerError
from geo.gazetteer import gazetteer_from_csv
from geo.geocode import (
    MAX_FAILURES,
    AdminAreas,
    AdminProvider,
    GazetteerProvider,
    GeocodeResult,
    OverrideProvider,
    Provider,
    ProviderContext,
    admin_areas_from_frames,
    geocoded_from_csv,
    geocoded_to_csv,
    points_from_catalog,
    provider_from_name,
    providers_from_settings,
)
from geo.settings import Settings
from geo.vocabulary import Precision

from .conftest import DATA, ROOT, RowEditor

RECORDED = json.loads((DATA / "recorded" / "responses.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def areas() -> AdminAreas:
    return admin_areas_from_frames(boundaries_from_dir(ROOT / "data/boundaries", level="region"),
                                   boundaries_from_dir(ROOT / "data/boundaries", level="county"))


@pytest.fixture
def places() -> tuple[Any, ...]:
    return gazetteer_from_csv(DATA / "gazetteer.csv")


@pytest.fixture
def gazetteer_root(project_root: Path) -> Path:
    shutil.copy(DATA / "gazetteer.csv", project_root / "data" / "gazetteer.csv")
    return project_root


# --- offline providers ---------------------------------------------------------------------


def test_same_name_is_scoped_to_the_region(places: tuple[Any, ...]) -> None:
    gaz = GazetteerProvider(places)
    yun = gaz.geocode("桐乡", region="YUNCHENG")
    jia = gaz.geocode("桐乡", region="JIAXING")
    assert yun.place_id == "YUNCHENG-P001" and jia.place_id == "JIAXING-P001"
    with pytest.raises(GeocodeNotFound):
        gaz.geocode("桐乡", region="ZHUZHOU")


def test_names_match_whole_not_as_substrings(places: tuple[Any, ...]) -> None:
    # 盐湖 the lake must not answer for 盐湖区 projects; likewise 桐乡 for a longer name
    gaz = GazetteerProvider(places)
    with pytest.raises(GeocodeNotFound):
        gaz.geocode("桐乡市农业园区", region="JIAXING")


def test_several_places_with_one_name_are_ambiguous(places: tuple[Any, ...]) -> None:
    with pytest.raises(GeocodeAmbiguous, match="ZHUZHOU-P003 白关甲, ZHUZHOU-P004 白关乙"):
        GazetteerProvider(places).geocode("白关", region="ZHUZHOU")


def test_place_id_query_and_region_check(places: tuple[Any, ...]) -> None:
    gaz = GazetteerProvider(places)
    assert gaz.geocode("ZHUZHOU-P002", region="ZHUZHOU").precision is Precision.EXACT
    with pytest.raises(GeocodeNotFound, match="belongs to ZHUZHOU"):
        gaz.geocode("ZHUZHOU-P002", region="JIAXING")


def test_converted_source_says_so(places: tuple[Any, ...]) -> None:
    result = GazetteerProvider(places).geocode("桐乡", region="YUNCHENG")
    assert "converted from GCJ-02" in result.source


def test_admin_points_lie_inside_their_polygons(areas: AdminAreas) -> None:
    admin = AdminProvider(areas)
    for adcode, region in areas.county_region.items():
        r = admin.geocode("x", region=region, county=adcode)
        assert r.precision is Precision.COUNTY and areas.county_contains(adcode, r.lon, r.lat)
    for region in ("JIAXING", "ZHUZHOU", "YUNCHENG"):
        r = admin.geocode("x", region=region)
        assert r.precision is Precision.REGION and areas.contains(region, r.lon, r.lat)
    # a county-level region is its own county
    assert admin.geocode("x", region="JINSHI").precision is Precision.COUNTY
    with pytest.raises(GeocodeNotFound):
        admin.geocode("x", region="JINSHI", county="430223")


def test_a_failure_is_never_a_zero_point() -> None:
    with pytest.raises(ValueError, match="not a usable"):
        GeocodeResult(0.0, 0.0, Precision.SITE, "x", "s", "q")


# --- the stage over a catalogue ---------------------------------------------------------------


def _stage(settings: Settings, areas: AdminAreas) -> tuple[Any, ...]:
    projects = catalog_from_dir(settings.projects_dir, root=settings.root)
    places = gazetteer_from_csv(settings.gazetteer_path) if settings.gazetteer_path.exists() else ()
    ctx = ProviderContext(settings, areas, tuple(places), tuple(projects))
    return points_from_catalog(projects, providers_from_settings(ctx), areas)


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


def test_offline_geocoding_makes_no_network_access(settings: Settings, gazetteer_root: Path, areas: AdminAreas,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    assert len(_stage(settings, areas)) == 3


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


# --- online providers against recorded responses -----------------------------------------------


class RecordedAdapter(BaseSyncAdapter):
    """Serves recorded bodies; counts requests; refuses anything unrecorded."""

    calls: ClassVar[list[str]] = []

    def __init__(self, *, proxies: Any = None, ssl_context: Any = None) -> None:
        super().__init__(proxies=proxies, ssl_context=ssl_context)

    def get_json(self, url: str, *, timeout: float, headers: dict[str, str]) -> Any:
        RecordedAdapter.calls.append(url)
        parsed = urlparse(url)
        params = {k: v[0] for k, v in parse_qs(parsed.query).items()}
        if "nominatim" in parsed.netloc:
            assert "carbon-peak" in headers.get("User-Agent", ""), "Nominatim needs an identifying user agent"
            assert params.get("bounded") == "1" and params.get("viewbox"), "search scoped to the region's box"
            return RECORDED["nominatim"].get(params["q"], [])
        if "arcgis" in parsed.netloc:
            assert params.get("outFields") == "Addr_type", "the answer type is asked for"
            return RECORDED["arcgis"].get(params["singleLine"], {"candidates": []})
        if "baidu" in parsed.netloc:
            return RECORDED["baidu"].get(params["address"], {"status": 0, "result": None})
        raise AssertionError(f"unexpected request {url}")

    def get_text(self, url: str, *, timeout: float, headers: dict[str, str]) -> str:
        return json.dumps(self.get_json(url, timeout=timeout, headers=headers))


TEST_AGENT = "carbon-peak-project-map/test (tests@example.org)"


@pytest.fixture
def online(tmp_path: Path) -> Settings:
    RecordedAdapter.calls = []
    return Settings(root=ROOT, online_geocoding=True, min_delay_seconds=0.0, cache_dir=tmp_path / "cache",
                    baidu_key="test-key", user_agent=TEST_AGENT)


@pytest.mark.parametrize("service", ["nominatim", "arcgis", "baidu"])
def test_online_provider_contract(service: str, online: Settings, areas: AdminAreas) -> None:
    provider = online_provider(service, online, areas, adapter_factory=RecordedAdapter)
    result = provider.geocode("株洲电厂", region="ZHUZHOU")
    # every service answers with the plant; Baidu's BD-09 answer comes back to WGS-84 within a metre
    from geo.crs import offset_metres

    assert offset_metres(result.lon, result.lat, 113.1199491, 27.8580888) < 1.0
    assert result.provider == service and result.query == "株洲电厂"
    assert result.precision in (Precision.SITE, Precision.TOWN)
    if service == "baidu":
        assert "converted from BD-09" in result.source
    # the Changsha decoy was outside the region and was dropped, not picked


def test_online_answers_outside_the_region_are_rejected(online: Settings, areas: AdminAreas) -> None:
    provider = online_provider("nominatim", online, areas, adapter_factory=RecordedAdapter)
    with pytest.raises(GeocodeNotFound):
        provider.geocode("桐乡", region="YUNCHENG")  # 桐乡市 is in Jiaxing


def test_online_ambiguity_is_reported(online: Settings, areas: AdminAreas) -> None:
    provider = online_provider("nominatim", online, areas, adapter_factory=RecordedAdapter)
    with pytest.raises(GeocodeAmbiguous, match="2 candidates"):
        provider.geocode("新马", region="ZHUZHOU")
    # scoped to a county, one candidate remains
    assert provider.geocode("新马", region="ZHUZHOU", county="430211").precision is Precision.TOWN


def test_disk_cache_makes_reruns_request_free(online: Settings, areas: AdminAreas) -> None:
    first = online_provider("nominatim", online, areas, adapter_factory=RecordedAdapter)
    first.geocode("株洲电厂", region="ZHUZHOU")
    assert len(RecordedAdapter.calls) == 1
    second = online_provider("nominatim", online, areas, adapter_factory=RecordedAdapter)
    second.geocode("株洲电厂", region="ZHUZHOU")
    assert len(RecordedAdapter.calls) == 1


def test_rate_limiter_spaces_requests(tmp_path: Path, areas: AdminAreas) -> None:
    import time

    RecordedAdapter.calls = []
    # a configured delay of 0 does not lift Nominatim's one request per second
    settings = Settings(root=ROOT, online_geocoding=True, min_delay_seconds=0.0, cache_dir=tmp_path,
                        user_agent=TEST_AGENT)
    provider = online_provider("nominatim", settings, areas, adapter_factory=RecordedAdapter)
    start = time.monotonic()
    for query in ("株洲电厂", "桐乡", "新马"):
        with contextlib.suppress(GeocodeNotFound, GeocodeAmbiguous):
            provider.geocode(query, region="ZHUZHOU")
    assert len(RecordedAdapter.calls) == 3
    assert time.monotonic() - start >= 2.0  # two gaps of at least a second


def test_online_off_by_default_and_keys_required(areas: AdminAreas, tmp_path: Path) -> None:
    with pytest.raises(GeocoderUnavailable, match="off"):
        online_provider("nominatim", Settings(root=ROOT), areas)
    with pytest.raises(GeocoderUnavailable, match="BAIDU_MAPS_AK"):
        online_provider("baidu", Settings(root=ROOT, online_geocoding=True, cache_dir=tmp_path), areas)
    assert [p.name for p in providers_from_settings(ProviderContext(Settings(root=ROOT), areas))] == \
        ["override", "gazetteer"]


def test_service_errors_become_geocoder_unavailable(online: Settings, areas: AdminAreas) -> None:
    from geopy.exc import GeocoderServiceError

    class Broken(RecordedAdapter):
        def get_json(self, url: str, *, timeout: float, headers: dict[str, str]) -> Any:
            raise GeocoderServiceError("HTTP 503")

    provider = online_provider("arcgis", replace(online, cache_dir=online.cache_dir / "b"), areas,
                               adapter_factory=Broken, error_wait_seconds=0.0)
    with pytest.raises(GeocoderUnavailable, match="503"):
        provider.geocode("株洲电厂", region="ZHUZHOU")


def test_answers_coarser_than_a_county_point_are_refused(online: Settings, areas: AdminAreas) -> None:
    nominatim = online_provider("nominatim", online, areas, adapter_factory=RecordedAdapter)
    with pytest.raises(GeocodeNotFound):
        nominatim.geocode("株洲市", region="ZHUZHOU")  # a city answer is no better than the admin fallback
    baidu = online_provider("baidu", online, areas, adapter_factory=RecordedAdapter)
    with pytest.raises(GeocodeNotFound):
        baidu.geocode("攸县广寒坪", region="ZHUZHOU")  # a county-level guess
    with pytest.raises(GeocodeNotFound):
        baidu.geocode("株洲西站", region="ZHUZHOU")  # a site type, but Baidu marks it not precise


@pytest.mark.parametrize(
    ("service", "kind", "exact", "expected"),
    [("nominatim", "power", True, Precision.SITE), ("nominatim", "village", True, Precision.TOWN),
     ("nominatim", "county", True, None), ("nominatim", "", True, None), ("arcgis", "POI", True, Precision.SITE),
     ("arcgis", "Subregion", True, None), ("baidu", "工厂", True, Precision.SITE),
     ("baidu", "乡镇", True, Precision.TOWN), ("baidu", "工厂", False, None), ("baidu", "UNKNOWN", True, None)],
)
def test_answer_types_map_to_precision(service: str, kind: str, exact: bool, expected: Precision | None) -> None:
    from geo._online import answer_precision

    assert answer_precision(service, kind, exact) == expected


def test_nominatim_needs_an_identifying_user_agent(areas: AdminAreas, tmp_path: Path) -> None:
    placeholder = Settings(root=ROOT, online_geocoding=True, cache_dir=tmp_path)  # the default agent
    with pytest.raises(GeocoderUnavailable, match="CPM_USER_AGENT"):
        online_provider("nominatim", placeholder, areas)


def test_a_failing_service_is_a_row_status_and_is_dropped_after_repeated_failures(
        online: Settings, areas: AdminAreas, settings: Settings) -> None:
    from geopy.exc import GeocoderServiceError

    class Down(RecordedAdapter):
        def get_json(self, url: str, *, timeout: float, headers: dict[str, str]) -> Any:
            RecordedAdapter.calls.append(url)
            raise GeocoderServiceError("HTTP 503")

    projects = catalog_from_dir(settings.projects_dir, root=settings.root)
    many = [replace(projects[0], id=f"ZHUZHOU-{900 + i}", is_programme=False) for i in range(5)]
    provider = online_provider("arcgis", online, areas, adapter_factory=Down, error_wait_seconds=0.0)
    rows = points_from_catalog(many, [provider], areas)
    assert len(rows) == 5 and all(r.status == "fallback" for r in rows)  # every row still has its point
    assert all("arcgis unavailable" in r.note and "503" in r.note for r in rows[:MAX_FAILURES])
    assert rows[-1].note == ""  # no longer asked after MAX_FAILURES failures
    assert len(RecordedAdapter.calls) == MAX_FAILURES * 3  # each failure: one request and two retries


def test_programmes_are_not_searched_online(online: Settings, areas: AdminAreas, settings: Settings) -> None:
    projects = catalog_from_dir(settings.projects_dir, root=settings.root)
    programme = replace(projects[0], is_programme=True, name_zh="株洲电厂")
    provider = online_provider("nominatim", online, areas, adapter_factory=RecordedAdapter)
    (row,) = points_from_catalog([programme], [provider], areas)
    assert row.status == "fallback" and RecordedAdapter.calls == []


# --- one contract for every registered provider --------------------------------------------------


def test_every_registered_provider_honours_the_protocol(online: Settings, areas: AdminAreas,
                                                       places: tuple[Any, ...], settings: Settings,
                                                       edit_catalog: RowEditor) -> None:
    edit_catalog(1, override_lon="113.76", override_lat="26.21", override_precision="town", override_source="r")
    projects = catalog_from_dir(settings.projects_dir, root=settings.root)
    ctx = ProviderContext(online, areas, places, projects)
    queries = {"override": "ZHUZHOU-001", "gazetteer": "株洲电厂", "admin": "x",
               "nominatim": "株洲电厂", "arcgis": "株洲电厂", "baidu": "株洲电厂"}
    from geo import _online

    for name, query in queries.items():
        if name in _online.SERVICES:
            provider: Provider = online_provider(name, online, areas, adapter_factory=RecordedAdapter)
        else:
            provider = provider_from_name(name, ctx)
        assert isinstance(provider, Provider) and provider.name == name
        result = provider.geocode(query, region="ZHUZHOU")
        assert isinstance(result.precision, Precision)
        assert areas.contains("ZHUZHOU", result.lon, result.lat), name
        assert result.provider == name and result.source
        with pytest.raises(GeocodeNotFound):
            provider.geocode(query, region="KUNDULUN") if name != "admin" else provider.geocode(
                query, region="NOWHERE")


def test_cli_geocode_prints_the_precision_table(project_root: Path) -> None:
    env = {"CPM_ROOT": str(project_root), "PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "-m", "geo", "geocode"], cwd=ROOT, capture_output=True, text=True,
                            timeout=300, check=False, env=env)
    assert result.returncode == 0, result.stderr
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


def test_unknown_provider_name_is_refused(areas: AdminAreas) -> None:
    from geo.errors import GeocodeError

    with pytest.raises(GeocodeError, match="unknown geocoding provider"):
        provider_from_name("google", ProviderContext(Settings(root=ROOT), areas))


def test_override_provider_ignores_rows_without_review(settings: Settings) -> None:
    projects = catalog_from_dir(settings.projects_dir, root=settings.root)
    with pytest.raises(GeocodeNotFound):
        OverrideProvider(projects).geocode("ZHUZHOU-001", region="ZHUZHOU")
