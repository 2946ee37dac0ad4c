"""End to end in headless Chromium: the real app, offline except for (blocked) map tiles.

Debian's ``chromium`` package is driven by Playwright through ``executable_path``. Where no
Chromium exists the tests skip with a message — except in CI (``CI`` set), where they fail.
Screenshots go to ``test-artifacts/``.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import shapely

from geo.i18n import label, ui
from geo.layers import projects_from_layers
from geo.plans import sources_from_dir
from geo.query import Filters, filter_projects

from .conftest import COUNTS, ROOT, TOTAL, ZHUZHOU
from .payloads import HTML, JINJA, TEXT_FIELDS

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = ROOT / "test-artifacts"
XSS = "<img src=x onerror=alert(1)>"
XSS_ID = "ZHUZHOU-009"  # a point of its own (exact), so a click finds it
JINJA_ID = "YUNCHENG-075"  # a site of its own: every text field holds a Jinja or HTML payload
JINJA_NAME = "{{7*7}} 运城机场 {% if %}"
AREA_ID = "JINSHI-003"  # a county point: drawn as its county, listed in the county's popup
AREA_NAME = "{{ lipsum.__globals__ }} 城区管道 {#"

if not CHROMIUM:
    if os.environ.get("CI"):
        pytest.fail("CI requires Chromium for the browser tests: apt-get install -y chromium", pytrace=False)
    pytest.skip("no Chromium on this machine (apt-get install chromium); browser tests skipped",
                allow_module_level=True)

from playwright.sync_api import Error as PlaywrightError  # noqa: E402
from playwright.sync_api import Frame, Page, Route, expect, sync_playwright  # noqa: E402

pytestmark = pytest.mark.browser


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def project_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project root whose published layers name one project with an HTML payload."""
    root = tmp_path_factory.mktemp("root")
    shutil.copytree(ROOT / "data", root / "data")
    shutil.copytree(ROOT / "layers", root / "layers")
    path = root / "layers" / "projects.geojson"
    doc = json.loads(path.read_text(encoding="utf-8"))
    corpus = JINJA + HTML
    for feature in doc["features"]:
        props = feature["properties"]
        if props["id"] == XSS_ID:
            props["name_zh"] = XSS
            props["quote"] = XSS + " 加快株洲电厂退城进郊进度"
        elif props["id"] in (JINJA_ID, AREA_ID):
            for i, field in enumerate(TEXT_FIELDS):
                props[field] = f"{corpus[i % len(corpus)]} {field}"
            props["name_zh"] = JINJA_NAME if props["id"] == JINJA_ID else AREA_NAME
            props["quote"] = "{{7*7}} {% if %} 运城国际机场 {{ 'x' }}"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return root


@contextlib.contextmanager
def _streamlit(root: Path) -> Iterator[str]:
    """A Streamlit server of app.py over the project root ``root``, until the block ends; yields its URL."""
    port = _free_port()
    log = (root / "streamlit.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.port", str(port),
         "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env={**os.environ, "CPM_ROOT": str(root)}, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                time.sleep(0.5)  # poll: the server is starting
        else:
            raise RuntimeError("streamlit did not start: " + (root / "streamlit.log").read_text())
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


@pytest.fixture(scope="module")
def server(project_copy: Path) -> Iterator[str]:
    with _streamlit(project_copy) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"])
        yield b
        b.close()


class Session:
    """A page with every request outside localhost blocked and every dialog recorded."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.blocked: list[str] = []
        self.dialogs: list[str] = []
        page.route("**/*", self._route)
        page.on("dialog", self._dialog)

    def _route(self, route: Route) -> None:
        url = route.request.url
        if url.startswith(("http://127.0.0.1", "http://localhost", "data:", "blob:", "about:")):
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort()

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def map_frame(self) -> Frame:
        """The map component's frame once its data is loaded."""
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            for frame in self.page.frames:
                if "cpm_map" in frame.url:
                    try:
                        if frame.evaluate("!!(window.cpm && window.cpm.state.version)"):
                            return frame
                    except PlaywrightError:  # the frame may be loading
                        pass
            self.page.wait_for_timeout(250)  # poll: the component iframe appears after the first run
        raise AssertionError("the map component did not load")

    def wait_markers(self, expected: int) -> Frame:
        """Wait until the map shows ``expected`` projects (markers and division counts), fully drawn."""
        frame = self.map_frame()
        try:
            frame.wait_for_function(
                "(n) => window.cpm.visible === n && window.cpm.state.drawn === window.cpm.state.renders"
                " && !window.cpm.state.pendingFit",
                arg=expected, timeout=60_000)
        except PlaywrightError as err:
            shown = frame.evaluate("window.cpm.visible")
            raise AssertionError(f"expected {expected} projects on the map, found {shown}") from err
        return frame

    def choose_region(self, option: str, count: int) -> None:
        """Pick a region in the sidebar; wait until the counter and the map show its projects."""
        self.pick("regions", option, count)
        self.wait_markers(count)

    def pick(self, key: str, option: str, count: int) -> None:
        """Add ``option`` to the multiselect of widget key ``key``; wait until the counter shows ``count``.

        Each try starts when no script run is under way; a run that starts anyway redraws the
        sidebar and closes the open list (the typed words are lost with it), so the list is opened
        and searched again, with the words cleared, until one deadline."""
        deadline = time.monotonic() + 90
        box = self.page.locator(f".st-key-{key} [data-testid='stMultiSelect']")
        while True:
            self.wait_idle()
            typed = box.locator("input")
            if typed.input_value():
                typed.fill("")
            box.click()
            self.page.keyboard.type(option)  # narrows the list: a long one shows only its first options
            try:
                self.page.get_by_role("option", name=option, exact=True).click(timeout=10_000)
                break
            except PlaywrightError:
                self.page.keyboard.press("Escape")
                if time.monotonic() > deadline:
                    raise
        self.page.keyboard.press("Escape")
        self.wait_count(count)

    def wait_idle(self) -> None:
        """Until no script run is under way (Streamlit's status widget is gone)."""
        self.page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')",
                                    timeout=60_000)

    def wait_count(self, count: int) -> None:
        expect(self.page.get_by_test_id("stMetricValue")).to_have_text(f"{count} / {TOTAL}", timeout=60_000)

    def chips(self, key: str) -> list[str]:
        """The labels of the chosen values of a multiselect."""
        tags = self.page.locator(f".st-key-{key} [data-testid='stMultiSelectTagsContainer'] [data-tag]")
        return [str(t.get_attribute("aria-label")) for t in tags.all()]

    def shot(self, name: str) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=False)


@pytest.fixture
def session(browser: Any, server: str) -> Iterator[Session]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    s = Session(context.new_page())
    s.page.goto(server)
    yield s
    context.close()


def test_map_draws_markers_and_boundaries_offline(session: Session) -> None:
    frame = session.wait_markers(TOTAL)
    polygons = frame.evaluate("Object.values(window.cpm.map._layers).filter(l => l instanceof L.Polygon).length")
    assert polygons >= 34  # 5 regions + 31 counties (two regions are a single county)
    leaflet_src = frame.evaluate("Array.from(document.scripts).map(s => s.src).filter(s => s.includes('leaflet'))")
    assert len(leaflet_src) == 2 and all("/component/" in s and "/vendor/leaflet" in s for s in leaflet_src)
    # the legend is collapsed: it hides no marker until the planner opens it
    assert frame.evaluate("document.querySelector('details.cpm-legend').open") is False
    session.shot("01-map")
    hosts = {u.split("/")[2] for u in session.blocked}
    assert hosts <= {"a.basemaps.cartocdn.com", "b.basemaps.cartocdn.com", "c.basemaps.cartocdn.com"}, hosts


#: the map's frame fills the window below its top: most of the window's height, none of it below
MAP_FILLS = """(share) => { const f = [...document.querySelectorAll('iframe')].find(i => i.src.includes('cpm_map'));
    if (!f) { return false; } const r = f.getBoundingClientRect();
    return r.height >= share * innerHeight && r.bottom <= innerHeight; }"""


def test_the_map_fills_a_laptop_window_and_follows_a_resize(browser: Any, server: str) -> None:
    """On a 1366×768 laptop (about 1366×657 of page) the whole map is in view and takes most of
    the window's height; a larger window gives it more."""
    context = browser.new_context(viewport={"width": 1366, "height": 657})
    session = Session(context.new_page())
    try:
        session.page.goto(server)
        session.wait_markers(TOTAL)
        session.page.wait_for_function(MAP_FILLS, arg=0.6, timeout=30_000)
        small = session.map_frame().frame_element().bounding_box()
        assert small is not None and small["width"] >= 0.4 * 1366
        session.page.set_viewport_size({"width": 1400, "height": 1000})
        session.page.wait_for_function(MAP_FILLS, arg=0.7, timeout=30_000)
        large = session.map_frame().frame_element().bounding_box()
        assert large is not None and large["height"] > small["height"] + 250
    finally:
        context.close()


def test_filter_updates_map_and_counts(session: Session) -> None:
    session.wait_markers(TOTAL)
    session.choose_region("株洲市", ZHUZHOU)
    session.shot("02-filtered")


#: the map holds still: no zoom or cluster animation under way, no canvas redraw pending
MAP_SETTLED = """() => { const map = window.cpm.map, c = window.cpm.cluster;
    const canvas = Object.values(map._layers).find(l => l instanceof L.Canvas);
    return !map._animatingZoom && !c._inZoomAnimation && !(canvas && canvas._redrawRequest); }"""
TIP_SHOWN = "(name) => Array.from(document.querySelectorAll('.cpm-tip strong')).some(e => e.textContent === name)"


def _hover_project(session: Session, project_id: str, name: str) -> tuple[float, float]:
    """Zoom to a project's marker (out of its cluster), move the mouse onto it until its tooltip
    shows; return the position in the page.

    Every try waits for the app to be idle and the map to hold still, then reads the marker's
    position afresh (a rerun may move the iframe, a late draw may move the view): no try is
    timed, the whole is bounded by one deadline."""
    frame = session.map_frame()
    session.wait_idle()
    deadline = time.monotonic() + 90
    while True:
        # centred afresh on every try: a late fit to the regions (after a rerun) may have moved the
        # view while the marker, alone in its cluster, stays on the map somewhere else
        frame.evaluate("(id) => { window.cpm.map.setView(window.cpm.markerOf(id).getLatLng(), 17, "
                       "{animate: false}); window.cpm.reveal(id); }", project_id)
        frame.wait_for_function("(id) => !!window.cpm.markerOf(id)._map", arg=project_id, timeout=60_000)
        frame.wait_for_function(MAP_SETTLED, timeout=60_000)
        session.wait_idle()
        frame.frame_element().scroll_into_view_if_needed()
        x, y = _page_point(session, frame, "(id) => window.cpm.markerOf(id).getLatLng()", project_id)
        session.page.mouse.move(x - 40, y - 40)
        session.page.mouse.move(x, y, steps=8)  # several events: Leaflet's canvas throttles hover handling
        try:
            frame.wait_for_function(TIP_SHOWN, arg=name, timeout=3_000)  # one try; the loop has the deadline
            return x, y
        except PlaywrightError:
            if time.monotonic() > deadline:
                session.shot("failed-hover")
                shown = frame.evaluate("Array.from(document.querySelectorAll('.cpm-tip strong'))"
                                       ".map(e => e.textContent)")
                raise AssertionError(f"could not hover {project_id}: tooltip shows {shown}") from None


def _page_point(session: Session, frame: Frame, latlng: str, arg: Any) -> tuple[float, float]:
    """Where in the page the map shows the point that the script ``latlng`` returns."""
    point = frame.evaluate(f"""(arg) => {{ const ll = ({latlng})(arg);
        const p = window.cpm.map.latLngToContainerPoint(ll); return [p.x, p.y]; }}""", arg)
    element = frame.frame_element().bounding_box()
    assert element is not None
    return element["x"] + point[0], element["y"] + point[1]


def test_click_opens_the_detail_and_html_in_data_stays_text(session: Session) -> None:
    session.wait_markers(TOTAL)
    x, y = _hover_project(session, XSS_ID, XSS)  # the tooltip shows the markup literally, as text
    frame = session.map_frame()
    assert frame.evaluate("document.querySelectorAll('.leaflet-tooltip img').length") == 0
    session.page.mouse.click(x, y)
    session.page.get_by_text("加快株洲电厂退城进郊进度").first.wait_for(timeout=30_000)  # the detail opened
    expect(session.page.get_by_text(XSS).first).to_be_visible(timeout=30_000)  # the quote shows markup as text
    assert session.page.locator("img[src='x']").count() == 0
    assert session.dialogs == []  # nothing executed
    session.shot("03-detail")


def test_table_row_opens_the_detail_and_survives_a_narrower_filter(session: Session) -> None:
    session.wait_markers(TOTAL)
    ninth = json.loads((ROOT / "layers" / "projects.geojson").read_text(encoding="utf-8"))["features"][8]
    project_id = ninth["properties"]["id"]
    session.page.get_by_role("tab", name="项目表").click()
    grid = session.page.locator("[data-testid='stDataFrame']").first
    grid.wait_for(timeout=30_000)
    box = grid.bounding_box()
    assert box is not None
    session.page.mouse.click(box["x"] + 15, box["y"] + 35 + 35 * 8 + 17)  # the ninth row's check box
    session.page.get_by_text(re.compile(rf"{project_id} · ")).first.wait_for(timeout=30_000)
    search = session.page.locator(".st-key-search input")
    search.fill("罗萍江")
    search.press("Enter")
    session.page.get_by_text(f"1 / {TOTAL}").wait_for(timeout=30_000)
    # the chosen project stays chosen (said to be outside the filters); no other row takes its place.
    # The caption comes at the end of the rerun that the counter starts: wait for it, not for a time.
    expect(session.page.get_by_text("该项目不在当前筛选结果中。")).to_be_visible(timeout=60_000)
    expect(session.page.get_by_text(re.compile(rf"{project_id} · ")).first).to_be_visible(timeout=60_000)
    assert session.page.locator("[data-testid='stException']").count() == 0
    session.shot("06-table-choice")


def test_download_yields_valid_geojson(session: Session, tmp_path: Path) -> None:
    session.wait_markers(TOTAL)
    session.page.get_by_role("tab", name="项目表").click()
    with session.page.expect_download(timeout=60_000) as info:
        session.page.get_by_role("button", name="GeoJSON").click()
    path = tmp_path / "download.geojson"
    info.value.save_as(path)
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["type"] == "FeatureCollection" and len(doc["features"]) == TOTAL
    assert "crs" not in doc
    session.shot("04-table")


def test_english_interface_region_and_detail(session: Session) -> None:
    """The language switch relabels the app; a region filter and a click work in English too.

    Its screenshot (``05-english``) is the one the README shows (copied to ``docs/screenshot.png``).
    """
    session.wait_markers(TOTAL)
    session.page.get_by_text("English", exact=True).click()
    session.page.get_by_role("heading", name="Carbon-Peak Project Map").wait_for(timeout=30_000)
    session.choose_region("Zhuzhou", ZHUZHOU)
    x, y = _hover_project(session, "ZHUZHOU-002", "Gantian Taihu Wind Power Project")
    session.page.mouse.click(x, y)
    session.page.get_by_text(re.compile(r"ZHUZHOU-002 · ")).first.wait_for(timeout=30_000)
    body = session.page.inner_text("body")
    assert "Project detail" in body and "项目详情" not in body and "Gantian Taihu Wind Power Project\n" in body
    frame = session.wait_markers(ZHUZHOU)
    frame.evaluate("() => { window.cpm.map.fitBounds(window.cpm.cluster.getBounds(), "
                   "{animate: false, padding: [20, 20]}); }")
    frame.wait_for_function("() => !window.cpm.map._animatingZoom && window.cpm.map.getZoom() < 17", timeout=30_000)
    session.shot("05-english")


def _count(**filters: Any) -> int:
    return len(filter_projects(projects_from_layers(ROOT / "layers"), Filters(**filters)))


def _open(session: Session, lang: str) -> None:
    session.wait_count(TOTAL)
    if lang == "en":
        session.page.get_by_text("English", exact=True).click()
        session.page.get_by_role("heading", name="Carbon-Peak Project Map").wait_for(timeout=30_000)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_filters_hold_when_regions_are_added(session: Session, lang: str) -> None:
    """The sequences that dropped filters (category, then two regions; status, then two regions),
    replayed as a planner clicks them, in both languages."""
    _open(session, lang)
    name = {kind: (lambda v, k=kind: label(k, v, lang)) for kind in ("category", "status")}
    register = sources_from_dir(ROOT / "data" / "plans")
    name["region"] = lambda v: register[v].region_name(lang)
    session.pick("categories", name["category"]("wind"), sum(n for (_, c), n in COUNTS.items() if c == "wind"))
    session.pick("regions", name["region"]("YUNCHENG"), COUNTS["YUNCHENG", "wind"])
    wind = COUNTS["YUNCHENG", "wind"] + COUNTS["ZHUZHOU", "wind"]
    assert wind == 12 == _count(regions=("YUNCHENG", "ZHUZHOU"), categories=("wind",))
    session.pick("regions", name["region"]("ZHUZHOU"), wind)
    assert session.chips("categories") == [name["category"]("wind")]
    assert sorted(session.chips("regions")) == sorted([name["region"]("YUNCHENG"), name["region"]("ZHUZHOU")])
    session.page.goto(session.page.url.split("?")[0])  # a fresh view (the URL holds the last one)
    _open(session, lang)
    session.pick("statuses", name["status"]("operating"), _count(statuses=("operating",)))
    session.pick("regions", name["region"]("KUNDULUN"), _count(regions=("KUNDULUN",), statuses=("operating",)))
    operating = _count(regions=("KUNDULUN", "JINSHI"), statuses=("operating",))
    assert operating == 32
    session.pick("regions", name["region"]("JINSHI"), operating)
    assert session.chips("statuses") == [name["status"]("operating")]
    assert session.page.locator("[data-testid='stException']").count() == 0


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_phase_filter_holds_when_the_year_moves(session: Session, lang: str) -> None:
    _open(session, lang)
    session.pick("phases", label("phase", "under_way", lang), _count(year=2025, phases=("under_way",)))
    thumb = session.page.locator(".st-key-year input[type='range']")
    thumb.focus()
    thumb.press("Home")  # 2021
    session.wait_count(_count(year=2021, phases=("under_way",)))
    thumb.press("End")  # 2035
    expected = _count(year=2035, phases=("under_way",))
    assert expected != _count(year=2021, phases=("under_way",)) and expected < TOTAL
    session.wait_count(expected)
    assert session.chips("phases") == [label("phase", "under_way", lang)]


def test_a_shared_url_opens_its_view_and_follows_changes(session: Session) -> None:
    base = session.page.url.split("?")[0]
    session.page.goto(f"{base}?region=YUNCHENG,ZHUZHOU&category=wind&project=ZHUZHOU-002&lang=en")
    session.wait_count(COUNTS["YUNCHENG", "wind"] + COUNTS["ZHUZHOU", "wind"])
    session.page.get_by_role("heading", name="Carbon-Peak Project Map").wait_for(timeout=30_000)
    session.page.get_by_text("Gantian Taihu Wind Power Project").first.wait_for(timeout=30_000)  # the card
    assert sorted(session.chips("regions")) == ["Yuncheng", "Zhuzhou"] and session.chips("categories") == ["Wind"]
    session.pick("statuses", "Construction", _count(regions=("YUNCHENG", "ZHUZHOU"), categories=("wind",),
                                                    statuses=("construction",)))
    session.page.wait_for_url(re.compile(r"status=construction"), timeout=30_000)
    assert re.search(r"region=YUNCHENG(%2C|,)ZHUZHOU", session.page.url) and "lang=en" in session.page.url
    assert session.page.locator("[data-testid='stException']").count() == 0


def test_bad_url_values_show_a_notice_never_run(session: Session) -> None:
    base = session.page.url.split("?")[0]
    session.page.goto(f"{base}?region=ZHUZHOU,{XSS}&year=abc&category={{{{7*7}}}}")
    session.wait_count(ZHUZHOU)
    expect(session.page.get_by_text(f"region={XSS}: 未知的值，已忽略")).to_be_visible(timeout=30_000)
    expect(session.page.get_by_text("category={{7*7}}: 未知的值，已忽略")).to_be_visible(timeout=30_000)
    expect(session.page.get_by_text("year=abc: 不是年份，已忽略")).to_be_visible(timeout=30_000)
    assert session.page.locator("img[src='x']").count() == 0 and session.dialogs == []
    assert session.page.locator("[data-testid='stException']").count() == 0


def test_the_card_reads_the_quote_in_its_paragraph(session: Session) -> None:
    base = session.page.url.split("?")[0]
    session.page.goto(f"{base}?project=ZHUZHOU-020&lang=en")
    card = session.page.locator(".st-key-card")
    expect(card.get_by_text("Luopingjiang Pumped Storage Power Station", exact=True)).to_be_visible(timeout=60_000)
    expect(card.get_by_text("power 1,200 MW · plan's words: 120万千瓦")).to_be_visible()
    card.get_by_text("Read the paragraph in the plan").click()
    expect(card.get_by_text("三、重点任务 › (一)能源结构低碳转型")).to_be_visible(timeout=30_000)
    expect(card.get_by_text("到2025年,新型储能项目规模达到60万千瓦", exact=False).first).to_be_visible()
    text = card.inner_text()
    assert "None" not in text.split() and "transformer_mv" not in text
    session.shot("07-card")


def test_a_filtered_geopackage_carries_only_its_regions(session: Session, tmp_path: Path) -> None:
    import geopandas as gpd
    import pyogrio

    base = session.page.url.split("?")[0]
    session.page.goto(f"{base}?region=KUNDULUN")
    kundulun = sum(n for (r, _), n in COUNTS.items() if r == "KUNDULUN")
    session.wait_count(kundulun)
    session.page.get_by_role("tab", name="项目表").click()
    with session.page.expect_download(timeout=120_000) as info:  # built now, on the click
        session.page.get_by_role("button", name="GeoPackage").click()
    path = tmp_path / "download.gpkg"
    info.value.save_as(path)
    assert len(gpd.read_file(path, layer="projects")) == kundulun
    assert set(gpd.read_file(path, layer="boundaries")["region"]) == {"KUNDULUN"}
    assert set(pyogrio.read_dataframe(path, layer="targets")["region"]) == {"KUNDULUN"}


def test_jinja_and_html_in_every_field_show_literally(session: Session) -> None:
    """Template syntax in the data is never evaluated: tooltips, the county list and the card show it as text."""
    session.wait_markers(TOTAL)
    x, y = _hover_project(session, JINJA_ID, JINJA_NAME)
    session.page.mouse.click(x, y)
    try:
        session.page.get_by_text(re.compile(rf"{JINJA_ID} · ")).first.wait_for(timeout=30_000)
    except PlaywrightError:
        session.shot("failed-jinja")
        raise
    expect(session.page.get_by_text(JINJA_NAME).first).to_be_visible(timeout=30_000)
    expect(session.page.get_by_text("{{7*7}} {% if %} 运城国际机场 {{ 'x' }}").first).to_be_visible()
    body = session.page.inner_text("body")
    assert "49 运城机场" not in body and "Traceback" not in body
    assert session.page.locator("[data-testid='stException']").count() == 0
    # the county point: its county's badge lists the name literally
    frame = session.map_frame()
    adcode = frame.evaluate("(id) => window.cpm.state.rows[window.cpm.state.ids[id]][9]", AREA_ID)
    frame.evaluate("(a) => { const b = window.cpm.areaBadge(a); window.cpm.map.setView(b.getLatLng(), 12, "
                   "{animate: false}); b.fire('click'); }", adcode)
    frame.wait_for_function("(name) => Array.from(document.querySelectorAll('.cpm-list a'))"
                            ".some(e => e.textContent === name)", arg=AREA_NAME, timeout=20_000)
    assert frame.evaluate("document.querySelectorAll('.leaflet-popup img, .leaflet-popup script').length") == 0
    frame.evaluate("(name) => Array.from(document.querySelectorAll('.cpm-list a'))"
                   ".find(e => e.textContent === name).click()", AREA_NAME)
    expect(session.page.get_by_text(AREA_NAME).first).to_be_visible(timeout=30_000)  # its card opened
    assert session.dialogs == []
    session.shot("07-jinja")


def test_a_filter_change_keeps_the_map_and_its_view(session: Session) -> None:
    """The iframe is not reloaded on a filter change: the page's load time and the zoom survive."""
    frame = session.wait_markers(TOTAL)
    loaded = frame.evaluate("window.cpm.loadedAt")
    frame.evaluate("window.cpm.map.setView([27.8, 113.1], 9, {animate: false})")
    search = session.page.locator(".st-key-search input")
    search.fill("风电")
    search.press("Enter")
    session.page.wait_for_function(f"() => !document.body.innerText.includes('{TOTAL} / {TOTAL}')", timeout=30_000)
    expected = int(session.page.get_by_text(re.compile(rf"^\d+ / {TOTAL}$")).first.inner_text().split(" / ")[0])
    assert 0 < expected < TOTAL
    same = session.wait_markers(expected)
    assert same.evaluate("window.cpm.loadedAt") == loaded
    view = same.evaluate("[window.cpm.map.getZoom(), Math.round(window.cpm.map.getCenter().lat * 10) / 10]")
    assert view == [9, 27.8]


def test_a_chunked_load_ends_with_exactly_the_filtered_markers(session: Session) -> None:
    """Leaflet.markercluster adds markers in chunks and, in a removal, skips those not added yet, so
    a filter change during a load used to leave hidden projects on the map. When a load's last chunk
    is in, the cluster is reconciled with the filter: here a chunk adds a hidden project's marker
    (as a stale one would) while a shown one is missing, and the end of that load puts both right."""
    session.wait_markers(TOTAL)
    search = session.page.locator(".st-key-search input")
    search.fill("风电")
    search.press("Enter")
    session.page.wait_for_function(f"() => !document.body.innerText.includes('{TOTAL} / {TOTAL}')", timeout=30_000)
    expected = int(session.page.get_by_text(re.compile(rf"^\d+ / {TOTAL}$")).first.inner_text().split(" / ")[0])
    frame = session.wait_markers(expected)
    picked = frame.evaluate("""() => { const s = window.cpm.state, c = window.cpm.cluster;
        const hidden = s.markers.findIndex((m, i) => m && !s.shown[i]);
        const shown = s.markers.findIndex((m, i) => m && s.shown[i]);
        c.removeLayer(s.markers[shown]);
        c.addLayers([s.markers[hidden]]);
        return [hidden, shown]; }""")
    assert min(picked) >= 0
    frame.wait_for_function("""([h, v]) => { const s = window.cpm.state, c = window.cpm.cluster;
        return !c.hasLayer(s.markers[h]) && c.hasLayer(s.markers[v]) && s.drawn === s.renders; }""",
                            arg=picked, timeout=30_000)
    counted = frame.evaluate("""() => { const s = window.cpm.state, c = window.cpm.cluster;
        return s.markers.filter((m, i) => m && c.hasLayer(m) !== !!s.shown[i]).length; }""")
    assert counted == 0


LINE_ID = "JIAXING-057"  # 杭平申线, a waterway (port_waterway) drawn as a schematic line
SHOWN_LINES = "() => Array.from(document.querySelectorAll('path.cpm-line')).map(p => p.getAttribute('data-cpm'))"


def _lines() -> dict[str, str]:
    """``{project id: category}`` of the published lines."""
    doc = json.loads((ROOT / "layers" / "lines.geojson").read_text(encoding="utf-8"))
    return {f["properties"]["id"]: f["properties"]["category"] for f in doc["features"]}


def test_lines_are_drawn_as_lines_and_follow_the_filters(session: Session) -> None:
    """Each linear work with a schematic line is a path in its category's colour; a category filter
    that leaves it out takes it off the map; its tooltip is text; a click opens its card and
    highlights the whole line."""
    from geo.vocabulary import CATEGORY_COLOURS

    lines = _lines()
    frame = session.wait_markers(TOTAL)
    frame.wait_for_function("(n) => document.querySelectorAll('path.cpm-line').length === n", arg=len(lines),
                            timeout=30_000)
    assert sorted(frame.evaluate(SHOWN_LINES)) == sorted(lines)
    drawn = frame.evaluate("""(id) => { const p = document.querySelector(`path.cpm-line[data-cpm="${id}"]`);
        const r = p.getBoundingClientRect(); return [p.getAttribute('stroke'), r.width + r.height,
        p.getAttribute('d').split(/[ML]/).filter(Boolean).length]; }""", LINE_ID)
    assert drawn[0] == CATEGORY_COLOURS[lines[LINE_ID]] and drawn[1] > 10 and drawn[2] >= 2
    # the line's tooltip (a real mouse over the path) and its click
    frame.evaluate("(id) => window.cpm.map.fitBounds(window.cpm.lineOf(id).getBounds(), {animate: false, "
                   "padding: [40, 40]})", LINE_ID)
    frame.wait_for_function(MAP_SETTLED, timeout=30_000)
    session.wait_idle()
    # a point along the path that the path itself is under (not a badge or a control)
    inner = frame.evaluate("""(id) => { const p = document.querySelector(`path.cpm-line[data-cpm="${id}"]`);
        const length = p.getTotalLength(), m = p.getScreenCTM();
        for (const f of [0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8]) {
            const q = p.getPointAtLength(length * f), x = m.a * q.x + m.c * q.y + m.e, y = m.b * q.x + m.d * q.y + m.f;
            if (document.elementFromPoint(x, y) === p) { return [x, y]; } }
        return null; }""", LINE_ID)
    assert inner is not None, "no point of the line is free of other map elements"
    element = frame.frame_element().bounding_box()
    assert element is not None
    x, y = element["x"] + inner[0], element["y"] + inner[1]
    session.page.mouse.move(x - 30, y - 30)
    session.page.mouse.move(x, y, steps=6)
    frame.wait_for_function(TIP_SHOWN, arg="杭平申线", timeout=30_000)
    assert frame.evaluate("document.querySelectorAll('.leaflet-tooltip img, .leaflet-tooltip script').length") == 0
    session.page.mouse.click(x, y)
    session.page.get_by_text(re.compile(rf"{LINE_ID} · ")).first.wait_for(timeout=30_000)  # its card
    frame.wait_for_function("() => document.querySelectorAll('path.cpm-highlight').length === 2", timeout=30_000)
    halo = frame.evaluate("document.querySelector('path.cpm-highlight').getAttribute('d').split(/[ML]/)"
                          ".filter(Boolean).length")
    assert halo == drawn[2]  # the whole line is highlighted, not only its point
    # a category without it: the line leaves the map, the other category's lines stay
    other = "gas_oil"
    assert lines[LINE_ID] != other and other in lines.values()
    session.pick("categories", label("category", other, "zh"), _count(categories=(other,)))
    frame = session.wait_markers(_count(categories=(other,)))
    kept = ",".join(sorted(i for i, c in lines.items() if c == other))
    frame.wait_for_function(f"(kept) => ({SHOWN_LINES})().sort().join() === kept", arg=kept, timeout=30_000)
    assert LINE_ID not in frame.evaluate(SHOWN_LINES)
    session.shot("08-lines")


def test_a_table_pick_pans_the_map_to_the_project_and_highlights_it(session: Session) -> None:
    project_id, name = "ZHUZHOU-039", "攸县酒埠江国家湿地公园"  # a site: a marker of its own
    frame = session.wait_markers(TOTAL)
    point = frame.evaluate("(id) => { const ll = window.cpm.markerOf(id).getLatLng(); return [ll.lat, ll.lng]; }",
                           project_id)
    far = frame.evaluate("(p) => window.cpm.map.distance(window.cpm.map.getCenter(), p)", point)
    assert far > 50_000  # the initial view is not already centred on it
    search = session.page.locator(".st-key-search input")
    search.fill("酒埠江")
    search.press("Enter")
    shown = _count(search="酒埠江")
    session.wait_count(shown)
    session.page.get_by_role("tab", name="项目表").click()
    grid = session.page.locator("[data-testid='stDataFrame']").first
    grid.wait_for(timeout=30_000)
    expect(grid).to_contain_text(name, timeout=30_000)
    box = grid.bounding_box()
    assert box is not None
    session.page.mouse.click(box["x"] + 15, box["y"] + 35 + 17)  # the first row's check box
    session.page.get_by_text(re.compile(rf"{project_id} · ")).first.wait_for(timeout=30_000)  # its card
    session.page.get_by_role("tab", name="地图").click()
    frame = session.map_frame()
    # conditions, polled: the map is centred on the project, its marker drawn and ringed
    try:
        frame.wait_for_function("""([id, p]) => { const map = window.cpm.map, m = window.cpm.markerOf(id);
            return map.getSize().x > 50 && !!m._map && !map._panAnim?._inProgress
                && map.latLngToContainerPoint(p).distanceTo(map.getSize().divideBy(2)) < 5
                && document.querySelectorAll('path.cpm-highlight').length === 1; }""",
                                arg=[project_id, point], timeout=60_000)
    except PlaywrightError:
        state = frame.evaluate("""([id, p]) => { const map = window.cpm.map, m = window.cpm.markerOf(id);
            return [map.getSize(), !!m._map, map.latLngToContainerPoint(p).distanceTo(map.getSize().divideBy(2)),
                    map.getZoom(),
                    document.querySelectorAll('path.cpm-highlight').length, window.cpm.state.selected]; }""",
                               [project_id, point])
        session.shot("failed-table-pan")
        raise AssertionError(f"the map did not pan to {project_id}: size, marker drawn, pixels off centre, zoom, "
                             f"highlights, selected: {state}") from None
    ring = frame.evaluate("""() => { const r = document.querySelector('path.cpm-highlight').getBoundingClientRect();
        return [r.left + r.width / 2, r.top + r.height / 2]; }""")
    marker = frame.evaluate("""(id) => { const p = window.cpm.map.latLngToContainerPoint(
        window.cpm.markerOf(id).getLatLng()); const c = window.cpm.map.getContainer().getBoundingClientRect();
        return [c.left + p.x, c.top + p.y]; }""", project_id)
    assert abs(ring[0] - marker[0]) < 3 and abs(ring[1] - marker[1]) < 3  # the ring is around the marker
    assert frame.evaluate("window.cpm.state.selected") == project_id
    session.shot("09-table-pan")


def test_division_badges_never_overlap_and_keep_every_count(session: Session) -> None:
    """At the first view (all regions) neighbouring county and region badges would overlap: they
    are merged, the merged badge counting both; no two badges on screen overlap."""
    areas = int(projects_from_layers(ROOT / "layers")["precision"].isin(["county", "region"]).sum())
    frame = session.wait_markers(TOTAL)
    frame.wait_for_function(MAP_SETTLED, timeout=30_000)
    badges = frame.evaluate("""() => Array.from(document.querySelectorAll('.cpm-area-badge')).map(b => {
        const r = b.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom, Number(b.textContent)]; })""")
    merged = frame.evaluate("Object.values(window.cpm.state.areaLayers).filter(e => e.mergedInto).length")
    assert merged > 0  # the first view has badges that would collide
    assert sum(b[4] for b in badges) == areas  # a merge moves counts, it never drops them
    for i, a in enumerate(badges):
        for b in badges[i + 1:]:
            assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1], (a, b)
    # zoomed in on one region, its counties' badges come apart again
    frame.evaluate("window.cpm.map.setView([27.4, 113.4], 9, {animate: false})")
    frame.wait_for_function(MAP_SETTLED, timeout=30_000)
    assert frame.evaluate("Object.values(window.cpm.state.areaLayers).filter(e => e.mergedInto).length") < merged
    session.shot("10-badges")


# ---- a national catalogue: above SUPER_ABOVE point projects the map draws with supercluster ----

SCALE = 25_000  # point projects of the synthetic catalogue: above the threshold, small enough for a test
SCALE_SEARCH = "光伏"
NEAR_M = 8  # metres between two projects of the synthetic catalogue (see scale_root)


@pytest.fixture(scope="module")
def scale_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A throw-away project root (as bench/app.py makes) publishing SCALE synthetic site projects."""
    sys.path.insert(0, str(ROOT / "bench"))
    from build import synthetic  # bench/build.py: attributes resampled, points inside real counties

    from geo.boundaries import boundaries_from_dir
    from geo.layers import frame_to_geojson

    root = tmp_path_factory.mktemp("scale")
    (root / "data").mkdir()
    for name in ("boundaries", "plans"):
        (root / "data" / name).symlink_to(ROOT / "data" / name, target_is_directory=True)
    shutil.copytree(ROOT / "layers", root / "layers")
    counties = boundaries_from_dir(ROOT / "data" / "boundaries", level="county")
    frame = synthetic(projects_from_layers(ROOT / "layers"), counties, SCALE)
    frame["precision"] = "site"  # every project a point of its own: none is drawn as its division
    # two projects NEAR_M apart (one cluster radius at the last zoom is ~25 m) and two on one coordinate
    first = frame.geometry.iloc[0]
    near = shapely.Point(first.x + NEAR_M / 96_000, first.y)  # ~96 km per degree of longitude at 30°N
    assert counties[counties["adcode"] == frame.iloc[0]["county_adcode"]].geometry.iloc[0].contains(near)
    frame.loc[frame.index[1], ["geometry", "county_adcode"]] = near, frame.iloc[0]["county_adcode"]
    frame.loc[frame.index[3], ["geometry", "county_adcode"]] = frame.geometry.iloc[2], frame.iloc[2]["county_adcode"]
    (root / "layers" / "projects.geojson").write_bytes(frame_to_geojson(frame, name="projects"))
    return root


@pytest.fixture(scope="module")
def scale_server(scale_root: Path) -> Iterator[str]:
    with _streamlit(scale_root) as url:
        yield url


SUPER_DRAWN = """(n) => window.cpm.state.mode === 'super' && window.cpm.visible === n
    && window.cpm.state.drawn === window.cpm.state.renders && !window.cpm.state.pendingFit"""
#: what the view shows: cluster counts as written on their icons, points, and the shown projects inside the view
VIEW = """() => { const map = window.cpm.map, s = window.cpm.state, b = map.getBounds();
    const items = window.cpm.drawnItems().filter(d => b.contains([d.lat, d.lng]));
    const labels = Array.from(document.querySelectorAll('.cpm-super span')).map(e => Number(e.textContent));
    let inside = 0;
    for (let i = 0; i < s.rows.length; i++) { if (s.shown[i] && b.contains([s.rows[i][2], s.rows[i][1]])) inside++; }
    return {zoom: map.getZoom(), clusters: items.filter(d => d.cluster).map(d => d.count),
            points: items.filter(d => !d.cluster).length, labels: labels, inside: inside}; }"""


def test_a_national_catalogue_at_the_last_zoom_splits_near_points_and_stacks_only_one_coordinate(
        browser: Any, scale_server: str, scale_root: Path) -> None:
    """At the map's last zoom supercluster draws every point of its own: two projects a few metres
    apart are two points (never a cluster that cannot split); projects on one coordinate are one
    marker with their count."""
    catalogue = projects_from_layers(scale_root / "layers")
    near, same = catalogue.iloc[[0, 1]], catalogue.iloc[[2, 3]]
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    session = Session(context.new_page())
    try:
        session.page.goto(scale_server)
        frame = session.map_frame()
        frame.wait_for_function(SUPER_DRAWN, arg=len(catalogue), timeout=60_000)
        items = """([lat, lng]) => { const map = window.cpm.map;
            map.setView([lat, lng], map.getMaxZoom(), {animate: false});
            return window.cpm.drawnItems().filter(d => map.distance([d.lat, d.lng], [lat, lng]) < 30); }"""
        drawn = frame.evaluate(items, [near.geometry.iloc[0].y, near.geometry.iloc[0].x])
        assert sorted(d["id"] for d in drawn if not d["cluster"]) == sorted(near["id"])
        assert not [d for d in drawn if d["cluster"]]
        where = [same.geometry.iloc[0].y, same.geometry.iloc[0].x]
        drawn = frame.evaluate(items, where)
        assert [(d["cluster"], d["count"]) for d in drawn] == [(True, 2)]

        # a click on that marker opens one of its projects; the card offers both, by their count
        frame.wait_for_function(MAP_SETTLED, timeout=30_000)
        frame.frame_element().scroll_into_view_if_needed()
        x, y = _page_point(session, frame, "([lat, lng]) => L.latLng(lat, lng)", where)
        session.page.mouse.click(x, y)
        frame.wait_for_function("(ids) => ids.includes(window.cpm.state.selected)", arg=list(same["id"]),
                                timeout=60_000)
        expect(session.page.get_by_text(f"{ui('same_point', 'zh')} (2)").first).to_be_visible(timeout=60_000)
    finally:
        context.close()


def test_a_national_catalogue_draws_clusters_of_the_view_and_follows_filters(browser: Any, scale_server: str,
                                                                             scale_root: Path) -> None:
    catalogue = projects_from_layers(scale_root / "layers")
    total, searched = len(catalogue), filter_projects(catalogue, Filters(search=SCALE_SEARCH))
    assert total == SCALE and 0 < len(searched) < total
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    session = Session(context.new_page())
    try:
        session.page.goto(scale_server)
        frame = session.map_frame()
        frame.wait_for_function(SUPER_DRAWN, arg=total, timeout=60_000)
        # no marker per project: only the page's clusters and points exist as layers
        assert frame.evaluate("Object.keys(window.cpm.map._layers).length") < 5_000
        frame.evaluate("window.cpm.map.setView(window.cpm.map.getCenter(), window.cpm.map.getMinZoom(), "
                       "{animate: false})")
        view = frame.evaluate(VIEW)
        assert view["zoom"] == 3 and view["inside"] == total  # the lowest zoom shows every project
        assert view["clusters"] and max(view["clusters"]) > 1
        assert sorted(view["labels"]) == sorted(view["clusters"])  # each cluster's icon writes its count
        assert sum(view["clusters"]) + view["points"] == view["inside"]
        session.shot("11-national")

        box = session.page.locator(".st-key-search input")  # a filter change: the view keeps its zoom
        box.fill(SCALE_SEARCH)
        box.press("Enter")
        frame.wait_for_function(SUPER_DRAWN, arg=len(searched), timeout=60_000)
        view = frame.evaluate(VIEW)
        assert view["zoom"] == 3 and view["inside"] == len(searched)
        assert sorted(view["labels"]) == sorted(view["clusters"])
        assert sum(view["clusters"]) + view["points"] == len(searched)

        # a click on a point opens its project: zoomed in on it, it is a point of its own
        project = searched.iloc[0]
        where = [project.geometry.y, project.geometry.x]
        session.wait_idle()
        frame.evaluate("([lat, lng]) => window.cpm.map.setView([lat, lng], 17, {animate: false})", where)
        frame.wait_for_function("(id) => window.cpm.drawnItems().some(d => !d.cluster && d.id === id)",
                                arg=project["id"], timeout=30_000)
        frame.wait_for_function(MAP_SETTLED, timeout=30_000)
        frame.frame_element().scroll_into_view_if_needed()
        x, y = _page_point(session, frame, "([lat, lng]) => L.latLng(lat, lng)", where)
        session.page.mouse.move(x - 20, y - 20)
        session.page.mouse.move(x, y, steps=5)
        session.page.mouse.click(x, y)
        frame.wait_for_function("(id) => window.cpm.state.selected === id", arg=project["id"], timeout=60_000)
        expect(session.page.locator(".st-key-card").get_by_text(project["name_zh"]).first).to_be_visible(
            timeout=60_000)
    finally:
        context.close()
