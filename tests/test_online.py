"""The online geocoders: scoping, the cache, unusable answers, timeouts, retries, budget, switch-off.

Offline only: recorded answers served through the real geopy geocoder classes, and local
servers on 127.0.0.1 (one that answers as scripted, one that accepts and never answers).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from geopy.exc import GeocoderServiceError, GeocoderTimedOut

from geo._online import (
    ArcGISProvider,
    BaiduProvider,
    DiskCache,
    NominatimProvider,
    OnlineProvider,
)
from geo.boundaries import AdminAreas, admin_areas_from_dir
from geo.catalog import Project, catalog_from_dir
from geo.crs import offset_metres
from geo.errors import GeocodeAmbiguous, GeocodeBadAnswer, GeocodeNotFound, GeocoderUnavailable, SettingsError
from geo.geocode import PROVIDERS, geocoded_from_csv, points_from_catalog
from geo.settings import Settings
from geo.vocabulary import Precision

from .conftest import ROOT
from .online_fakes import (
    RECORDED,
    TEST_AGENT,
    FakeTime,
    RecordedAdapter,
    Reply,
    ScriptedServer,
    SilentServer,
    failing_adapter,
    run_bounded,
    wait_for,
)

PLANT = (113.1199491, 27.8580888)  # 株洲电厂, as every recorded service answers it


@pytest.fixture(scope="module")
def areas() -> AdminAreas:
    return admin_areas_from_dir(ROOT / "data" / "boundaries")


@pytest.fixture
def online(tmp_path: Path) -> Settings:
    RecordedAdapter.calls = []
    return Settings(root=ROOT, online_geocoding=True, min_delay_seconds=0.0, cache_dir=tmp_path / "cache",
                    baidu_key="test-key", user_agent=TEST_AGENT, retry_backoff_seconds=0.0)


@pytest.fixture
def fake() -> FakeTime:
    return FakeTime()


def _recorded(cls: type[OnlineProvider], settings: Settings, areas: AdminAreas, fake: FakeTime,
              adapter: Any = RecordedAdapter) -> OnlineProvider:
    return cls(settings, areas, adapter_factory=adapter, clock=fake.clock, sleep=fake.sleep)


def _local(cls: type[OnlineProvider], domain: str) -> type[OnlineProvider]:
    """The service class pointed at a local server."""
    return type(f"Local{cls.__name__}", (cls,), {"domain": domain, "scheme": "http"})


def _rows(settings: Settings, names: list[str]) -> list[Project]:
    """Catalogue rows of Zhuzhou (no county, not programmes) named as given."""
    base = catalog_from_dir(ROOT / "tests" / "data" / "catalog", root=ROOT)[1]
    return [replace(base, id=f"ZHUZHOU-{900 + i}", name_zh=n, place_text="", county_adcode="", is_programme=False)
            for i, n in enumerate(names)]


# --- scoping, precision, datum (recorded answers) ------------------------------------------------


@pytest.mark.parametrize("cls", [NominatimProvider, ArcGISProvider, BaiduProvider])
def test_each_service_answers_with_the_plant_in_wgs84(cls: type[OnlineProvider], online: Settings,
                                                      areas: AdminAreas, fake: FakeTime) -> None:
    result = _recorded(cls, online, areas, fake).geocode("株洲电厂", region="ZHUZHOU")
    # Baidu's BD-09 answer comes back to WGS-84 within a metre; the Changsha decoy is dropped, not picked
    assert offset_metres(result.lon, result.lat, *PLANT) < 1.0
    assert result.provider == cls.name and result.query == "株洲电厂"
    assert result.precision in (Precision.SITE, Precision.TOWN)
    assert ("converted from BD-09" in result.source) == (cls is BaiduProvider)


def test_online_answers_outside_the_region_are_rejected(online: Settings, areas: AdminAreas, fake: FakeTime) -> None:
    with pytest.raises(GeocodeNotFound):
        _recorded(NominatimProvider, online, areas, fake).geocode("桐乡", region="YUNCHENG")  # 桐乡市 is in Jiaxing


def test_online_ambiguity_is_reported(online: Settings, areas: AdminAreas, fake: FakeTime) -> None:
    provider = _recorded(NominatimProvider, online, areas, fake)
    with pytest.raises(GeocodeAmbiguous, match="2 candidates"):
        provider.geocode("新马", region="ZHUZHOU")
    # scoped to a county, one candidate remains
    assert provider.geocode("新马", region="ZHUZHOU", county="430211").precision is Precision.TOWN


def test_answers_coarser_than_a_county_point_are_refused(online: Settings, areas: AdminAreas,
                                                         fake: FakeTime) -> None:
    with pytest.raises(GeocodeNotFound):  # a city answer is no better than the admin fallback
        _recorded(NominatimProvider, online, areas, fake).geocode("株洲市", region="ZHUZHOU")
    baidu = _recorded(BaiduProvider, online, areas, fake)
    with pytest.raises(GeocodeNotFound):
        baidu.geocode("攸县广寒坪", region="ZHUZHOU")  # a county-level guess
    with pytest.raises(GeocodeNotFound):
        baidu.geocode("株洲西站", region="ZHUZHOU")  # a site type, but Baidu marks it not precise


@pytest.mark.parametrize(
    ("cls", "kind", "exact", "expected"),
    [(NominatimProvider, "power", True, Precision.SITE), (NominatimProvider, "village", True, Precision.TOWN),
     (NominatimProvider, "county", True, None), (NominatimProvider, "", True, None),
     (ArcGISProvider, "POI", True, Precision.SITE), (ArcGISProvider, "Subregion", True, None),
     (BaiduProvider, "工厂", True, Precision.SITE), (BaiduProvider, "乡镇", True, Precision.TOWN),
     (BaiduProvider, "工厂", False, None), (BaiduProvider, "UNKNOWN", True, None)],
)
def test_answer_types_map_to_precision(cls: type[OnlineProvider], kind: str, exact: bool,
                                       expected: Precision | None) -> None:
    assert cls.answer_precision(kind, exact) == expected


def test_programmes_are_not_searched_online(online: Settings, areas: AdminAreas, fake: FakeTime) -> None:
    (programme,) = _rows(online, ["株洲电厂"])
    provider = _recorded(NominatimProvider, online, areas, fake)
    (row,) = points_from_catalog([replace(programme, is_programme=True)], [provider], areas)
    assert row.status == "fallback" and RecordedAdapter.calls == []


# --- settings a service needs ---------------------------------------------------------------------


def test_online_off_by_default_and_keys_required(areas: AdminAreas, tmp_path: Path) -> None:
    with pytest.raises(GeocoderUnavailable, match="off"):
        NominatimProvider(Settings(root=ROOT), areas)
    with pytest.raises(SettingsError, match="BAIDU_MAPS_AK"):
        BaiduProvider(Settings(root=ROOT, online_geocoding=True, cache_dir=tmp_path), areas)


def test_nominatim_needs_an_identifying_user_agent(areas: AdminAreas, tmp_path: Path) -> None:
    placeholder = Settings(root=ROOT, online_geocoding=True, cache_dir=tmp_path)  # the default agent
    with pytest.raises(SettingsError, match="CPM_USER_AGENT"):
        NominatimProvider(placeholder, areas)


def test_nominatim_is_asked_at_most_once_a_second(online: Settings, areas: AdminAreas, fake: FakeTime) -> None:
    # a configured delay of 0 does not lift Nominatim's one request per second
    provider = _recorded(NominatimProvider, replace(online, min_delay_seconds=0.0), areas, fake)
    for query in ("株洲电厂", "桐乡", "新马"):
        with contextlib.suppress(GeocodeNotFound, GeocodeAmbiguous):
            provider.geocode(query, region="ZHUZHOU")
    assert len(RecordedAdapter.calls) == 3
    assert fake.sleeps == [1.0, 1.0]  # nothing else moved the clock: each request waited a full second


def test_a_longer_delay_than_geopy_allowed_works(online: Settings, areas: AdminAreas, fake: FakeTime) -> None:
    provider = _recorded(ArcGISProvider, replace(online, min_delay_seconds=12.5), areas, fake)
    provider.geocode("株洲电厂", region="ZHUZHOU")
    with pytest.raises(GeocodeNotFound):
        provider.geocode("桐乡", region="ZHUZHOU")
    assert fake.sleeps == [12.5]


# --- the cache -----------------------------------------------------------------------------------


def test_disk_cache_makes_reruns_request_free(online: Settings, areas: AdminAreas, fake: FakeTime) -> None:
    _recorded(NominatimProvider, online, areas, fake).geocode("株洲电厂", region="ZHUZHOU")
    assert len(RecordedAdapter.calls) == 1
    _recorded(NominatimProvider, online, areas, fake).geocode("株洲电厂", region="ZHUZHOU")
    assert len(RecordedAdapter.calls) == 1


def _cache_file(settings: Settings, cls: type[OnlineProvider], areas: AdminAreas, query: str) -> Path:
    bounds = ",".join(f"{b:.4f}" for b in areas.bounds("ZHUZHOU"))
    return DiskCache(settings.geocode_cache_dir / cls.name, cls.label).path(f"v2|{cls.name}|ZHUZHOU|{bounds}|{query}")


DAMAGES = {
    "truncated": lambda text: text[: len(text) // 2],
    "empty": lambda text: "",
    "not utf-8": lambda text: "\udcff",
    "another request": lambda text: json.dumps({**json.loads(text), "key": "v2|arcgis|JIAXING|x|y"}),
    "candidates not a list": lambda text: json.dumps({**json.loads(text), "candidates": {"lon": 1}}),
    "a candidate without lat": lambda text: text.replace('"lat"', '"lat_"'),
    "a NaN coordinate": lambda text: text.replace('"lon": 113.1199491', '"lon": NaN'),
    "a text coordinate": lambda text: text.replace('"lon": 113.1199491', '"lon": "113.12"'),
}


@pytest.mark.parametrize("damage", list(DAMAGES))
def test_a_damaged_cache_entry_is_reported_and_asked_again(damage: str, online: Settings, areas: AdminAreas,
                                                           fake: FakeTime, caplog: pytest.LogCaptureFixture) -> None:
    _recorded(ArcGISProvider, online, areas, fake).geocode("株洲电厂", region="ZHUZHOU")
    path = _cache_file(online, ArcGISProvider, areas, "株洲电厂")
    good = path.read_text(encoding="utf-8")
    damaged = DAMAGES[damage](good)
    assert damaged != good
    path.write_bytes(damaged.encode("utf-8", "surrogateescape"))
    with caplog.at_level(logging.WARNING):
        result = _recorded(ArcGISProvider, online, areas, fake).geocode("株洲电厂", region="ZHUZHOU")
    assert offset_metres(result.lon, result.lat, *PLANT) < 1.0  # asked again, and answered
    assert len(RecordedAdapter.calls) == 2
    (warning,) = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert "damaged cache entry" in warning.getMessage() and str(path) in warning.getMessage()
    assert "株洲电厂" in warning.getMessage() and "\n" not in warning.getMessage()
    assert path.read_text(encoding="utf-8") == good  # repaired by the new answer


def test_a_damaged_cache_entry_offline_is_a_row_status_not_a_crash(online: Settings, areas: AdminAreas,
                                                                   fake: FakeTime,
                                                                   caplog: pytest.LogCaptureFixture) -> None:
    _recorded(ArcGISProvider, online, areas, fake).geocode("株洲电厂", region="ZHUZHOU")
    path = _cache_file(online, ArcGISProvider, areas, "株洲电厂")
    path.write_text(path.read_text(encoding="utf-8")[:40], encoding="utf-8")
    calls: list[str] = []
    down = _recorded(ArcGISProvider, online, areas, fake, failing_adapter(GeocoderServiceError("no route"), calls))
    with caplog.at_level(logging.WARNING):
        (row,) = points_from_catalog(_rows(online, ["株洲电厂"]), [down], areas)
    assert row.status == "fallback" and "arcgis unavailable" in row.note
    assert any("damaged cache entry" in r.getMessage() for r in caplog.records)
    assert len(path.read_text(encoding="utf-8")) == 40  # left as it was: asked again next time


def test_a_cache_folder_that_cannot_be_written_loses_no_answer(online: Settings, areas: AdminAreas, fake: FakeTime,
                                                               tmp_path: Path,
                                                               caplog: pytest.LogCaptureFixture) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where the cache folder should be", encoding="utf-8")
    provider = _recorded(ArcGISProvider, replace(online, cache_dir=blocker), areas, fake)
    with caplog.at_level(logging.WARNING):
        result = provider.geocode("株洲电厂", region="ZHUZHOU")
    assert offset_metres(result.lon, result.lat, *PLANT) < 1.0
    assert any("not cached" in r.getMessage() for r in caplog.records)


def test_cached_answers_are_used_after_the_service_is_switched_off(online: Settings, areas: AdminAreas,
                                                                   fake: FakeTime) -> None:
    _recorded(ArcGISProvider, online, areas, fake).geocode("株洲电厂", region="ZHUZHOU")  # cached from an earlier run
    calls: list[str] = []
    down = _recorded(ArcGISProvider, online, areas, fake, failing_adapter(GeocoderServiceError("HTTP 503"), calls))
    names = ["甲电厂", "乙电厂", "丙电厂", "丁电厂", "株洲电厂", "戊电厂"]
    projects = _rows(online, names)
    projects[-1] = replace(projects[-1], place_text="株洲电厂")  # its place words are cached, not its name
    rows = points_from_catalog(projects, [down], areas)
    by_name = dict(zip(names, sorted(rows, key=lambda r: r.id), strict=True))
    for cached in ("株洲电厂", "戊电厂"):
        assert by_name[cached].status == "resolved" and by_name[cached].result.provider == "arcgis"
        assert by_name[cached].result.query == "株洲电厂"
    assert [by_name[n].status for n in names[:4]] == ["fallback"] * 4
    assert all("failed" in by_name[n].note for n in names[:3])
    assert "switched off" in by_name["丁电厂"].note  # not asked after three failures
    assert "switched off" in by_name["戊电厂"].note
    assert len(calls) == 3  # one attempt each (503 from this adapter carries no HTTP status: not retried)


def test_a_service_that_is_down_answers_every_cached_query(online: Settings, areas: AdminAreas,
                                                           fake: FakeTime) -> None:
    names = ["株洲电厂", "桐乡", "新马", "株洲市"]
    first = points_from_catalog(_rows(online, names), [_recorded(NominatimProvider, online, areas, fake)], areas)
    calls: list[str] = []
    down = _recorded(NominatimProvider, online, areas, fake, failing_adapter(GeocoderTimedOut("down"), calls))
    again = points_from_catalog(_rows(online, names), [down], areas)
    assert calls == [] and [(r.status, r.result) for r in again] == [(r.status, r.result) for r in first]
    assert sum(r.status == "resolved" for r in first) >= 1


# --- unusable answers ----------------------------------------------------------------------------


MALFORMED = [
    (ArcGISProvider, {}, "KeyError"),
    (ArcGISProvider, {"candidates": [{"address": "x"}]}, "KeyError"),
    (ArcGISProvider, {"candidates": [{"address": "x", "location": {"x": 113.1, "y": 27.8},
                                      "attributes": {"Addr_type": ["POI"]}}]}, "TypeError"),
    (NominatimProvider, [{"unexpected": 1}], "TypeError"),
    (NominatimProvider, [{"lat": "north", "lon": "113.1", "display_name": "x"}], "ValueError"),
    (NominatimProvider, [{"lat": "27.8", "lon": "113.1", "display_name": "x", "addresstype": {"a": 1}}],
     "TypeError"),
    (NominatimProvider, '"a JSON text, not a list of places"', "AttributeError"),
    (NominatimProvider, "<html>captive portal</html>", "not JSON"),
]


@pytest.mark.parametrize(("cls", "body", "why"), MALFORMED, ids=[f"{c.name}-{i}" for i, (c, _, _) in
                                                                   enumerate(MALFORMED)])
def test_a_malformed_answer_is_no_answer_with_one_warning(cls: type[OnlineProvider], body: object, why: str,
                                                          online: Settings, areas: AdminAreas, fake: FakeTime,
                                                          caplog: pytest.LogCaptureFixture) -> None:
    with ScriptedServer([Reply(body=body)]) as server:
        provider = _recorded(_local(cls, server.domain), online, areas, fake, None)
        with caplog.at_level(logging.WARNING):
            (row,) = points_from_catalog(_rows(online, ["株洲电厂"]), [provider], areas)
        assert len(server.requests) == 1  # not retried
    assert row.status == "fallback" and row.note.startswith(f"{cls.name}: ") and why in row.note
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1 and cls.label in warnings[0] and "株洲电厂" in warnings[0]
    assert not (online.geocode_cache_dir / cls.name).exists() or \
        not list((online.geocode_cache_dir / cls.name).iterdir())  # an unusable answer is not cached


def test_an_oversized_answer_is_refused(online: Settings, areas: AdminAreas, fake: FakeTime) -> None:
    with ScriptedServer([Reply(body=b"[" + b" " * 2_100_000 + b"]")]) as server:
        provider = _recorded(_local(NominatimProvider, server.domain), online, areas, fake, None)
        with pytest.raises(GeocodeBadAnswer, match="larger than"):
            provider.geocode("株洲电厂", region="ZHUZHOU")


# --- timeouts, retries, budget ---------------------------------------------------------------------


def test_a_service_that_accepts_and_never_answers_times_out(online: Settings, areas: AdminAreas,
                                                            fake: FakeTime) -> None:
    settings = replace(online, connect_timeout_seconds=5.0, read_timeout_seconds=0.2, request_attempts=2)
    with SilentServer() as server:
        provider = _recorded(_local(ArcGISProvider, server.domain), settings, areas, fake, None)
        out = run_bounded(lambda: provider.geocode("株洲电厂", region="ZHUZHOU"), timeout=60)
        assert out["done"], "the request did not time out"
        assert wait_for(lambda: server.accepted == 2)
    assert isinstance(out.get("error"), GeocoderUnavailable)
    assert "after 2 attempt(s)" in str(out["error"]) and "timed out" in str(out["error"])


def test_a_trickling_answer_is_cut_at_its_deadline(online: Settings, areas: AdminAreas, fake: FakeTime) -> None:
    # a byte every 50 ms never trips the 1 s read timeout: only the deadline of the whole answer ends it
    settings = replace(online, connect_timeout_seconds=0.2, read_timeout_seconds=1.0, request_attempts=1)
    with ScriptedServer([Reply(trickle=0.05)]) as server:
        provider = _recorded(_local(ArcGISProvider, server.domain), settings, areas, fake, None)
        out = run_bounded(lambda: provider.geocode("株洲电厂", region="ZHUZHOU"), timeout=60)
        assert out["done"], "the trickling answer was read without end"
    assert isinstance(out.get("error"), GeocoderUnavailable)
    assert "not complete within 1.2 s" in str(out["error"])
    assert isinstance(out["error"].__cause__, GeocoderTimedOut)


def test_a_stalled_service_is_switched_off_and_the_run_goes_on(online: Settings, areas: AdminAreas,
                                                               fake: FakeTime) -> None:
    settings = replace(online, read_timeout_seconds=0.2, request_attempts=1, max_failures=2)
    with SilentServer() as server:
        provider = _recorded(_local(ArcGISProvider, server.domain), settings, areas, fake, None)
        rows_to_do = _rows(settings, ["甲", "乙", "丙", "丁"])
        out = run_bounded(lambda: points_from_catalog(rows_to_do, [provider], areas), timeout=60)
        assert out["done"]
        assert wait_for(lambda: server.accepted == 2)
    rows = out["value"]
    assert [r.status for r in rows] == ["fallback"] * 4
    assert "switched off" in rows[-1].note and server.accepted == 2


@pytest.mark.parametrize(
    ("replies", "requests", "answered"),
    [([Reply(503), Reply(502), Reply(body=RECORDED["arcgis"]["株洲电厂"])], 3, True),
     ([Reply(500)], 3, False),
     ([Reply(408), Reply(body=RECORDED["arcgis"]["株洲电厂"])], 2, True),
     ([Reply(429, headers={"Retry-After": "7"}), Reply(body=RECORDED["arcgis"]["株洲电厂"])], 2, True),
     ([Reply(400, {"error": "bad query"})], 1, False),
     ([Reply(404)], 1, False),
     ([Reply(302, headers={"Location": "http://127.0.0.1:9/"})], 1, False)],
    ids=["5xx-then-answer", "500-every-time", "408-then-answer", "429-waits-retry-after", "400-final", "404-final",
         "redirect-final"],
)
def test_retries_are_bounded_and_only_for_what_may_pass(replies: list[Reply], requests: int, answered: bool,
                                                        online: Settings, areas: AdminAreas, fake: FakeTime) -> None:
    settings = replace(online, request_attempts=3, retry_backoff_seconds=1.5)
    with ScriptedServer(replies) as server:
        provider = _recorded(_local(ArcGISProvider, server.domain), settings, areas, fake, None)
        try:
            result: Any = provider.geocode("株洲电厂", region="ZHUZHOU")
        except GeocoderUnavailable as err:
            result = err
        assert len(server.requests) == requests
    assert answered == (not isinstance(result, GeocoderUnavailable)), result
    if not answered:
        assert f"after {requests} attempt(s)" in str(result)
    expected = [1.5, 3.0][: requests - 1]
    if replies[0].headers.get("Retry-After"):
        expected = [7.0]
    assert fake.sleeps == expected  # doubling backoff, or the server's Retry-After


def test_a_refused_key_switches_the_service_off_at_once(online: Settings, areas: AdminAreas,
                                                        fake: FakeTime) -> None:
    with ScriptedServer([Reply(401, {"error": "invalid token"})]) as server:
        provider = _recorded(_local(ArcGISProvider, server.domain), online, areas, fake, None)
        rows = points_from_catalog(_rows(online, ["甲", "乙"]), [provider], areas)
        assert len(server.requests) == 1
    assert "switched off" in rows[1].note and "refused" in rows[1].note


def test_the_time_budget_bounds_a_service(online: Settings, areas: AdminAreas, fake: FakeTime) -> None:
    deadlines: list[float] = []

    class Slow(RecordedAdapter):
        def get_json(self, url: str, *, timeout: float, headers: dict[str, str]) -> Any:
            deadlines.append(timeout)
            fake.now += 100.0  # each request takes 100 s
            return super().get_json(url, timeout=timeout, headers=headers)

    settings = replace(online, service_budget_seconds=250.0, read_timeout_seconds=200.0)
    provider = _recorded(ArcGISProvider, settings, areas, fake, Slow)
    rows = points_from_catalog(_rows(settings, ["甲", "乙", "丙", "丁"]), [provider], areas)
    assert len(deadlines) == 3  # 0, 100, 200 s in: asked; at 300 s the budget is spent
    assert deadlines[2] == pytest.approx(50.0)  # the last request may only take what remains
    assert "time budget of 250 s" in rows[3].note


def test_timeouts_and_retries_come_from_the_settings(online: Settings, areas: AdminAreas, fake: FakeTime) -> None:
    settings = replace(online, connect_timeout_seconds=3.0, read_timeout_seconds=7.0, request_attempts=4,
                       retry_backoff_seconds=0.5, service_budget_seconds=99.0, max_failures=5)
    provider = ArcGISProvider(settings, areas)
    adapter = provider._adapter_factory(proxies={}, ssl_context=None)
    assert (adapter.connect_timeout, adapter.read_timeout) == (3.0, 7.0)
    policy = provider.policy
    assert (policy.attempts, policy.backoff, policy.budget, policy.max_failures, policy.request_timeout) == \
        (4, 0.5, 99.0, 5, 10.0)


# --- the command line: one line per problem, never a traceback ------------------------------------


def test_cli_online_fallback_prints_one_line_per_problem(project_root: Path, tmp_path: Path) -> None:
    with ScriptedServer([Reply(500, {"error": "internal"})]) as server:
        code = ("import runpy, sys; import geo._online as o; "
                f"o.ArcGISProvider.domain = {server.domain!r}; o.ArcGISProvider.scheme = 'http'; "
                "sys.argv = ['geo', 'geocode', '--online']; runpy.run_module('geo', run_name='__main__', "
                "alter_sys=True)")
        env = {**os.environ, "CPM_ROOT": str(project_root), "CPM_GEOCODERS": "arcgis",
               "CPM_CACHE_DIR": str(tmp_path / "cache"), "CPM_RETRY_BACKOFF": "0", "CPM_MIN_DELAY": "0",
               "CPM_REQUEST_ATTEMPTS": "2", "CPM_MAX_FAILURES": "2", "CPM_USER_AGENT": TEST_AGENT}
        result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                                timeout=300, check=False, env=env)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    problems = [line for line in result.stderr.splitlines() if line and not line.startswith(("\r", "  geocoding"))]
    # the first searched row has two queries: both fail, then the service is switched off
    assert len(problems) == 3, result.stderr
    assert all(line.startswith("warning: geo._http: Esri ArcGIS") for line in problems)
    assert "HTTP 500" in problems[0] and "switched off" in problems[2]
    written = geocoded_from_csv(project_root / "data" / "geocoded_online.csv")
    assert len(written) == 3 and not (project_root / "data" / "geocoded.csv").exists()
    assert "review" in result.stdout


def test_every_online_provider_is_in_the_table() -> None:
    assert {cls for cls in PROVIDERS.values() if cls.online} == {NominatimProvider, ArcGISProvider, BaiduProvider}
