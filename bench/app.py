"""Benchmark the app's map in headless Chromium: the in-place component against the old full rebuild.

For the real catalogue and synthetic catalogues (attributes resampled from the real ones, points
uniform inside the real county polygons, every point a site so that each is a marker of its own)
it starts a Streamlit server on a throw-away project root and, in one run, measures

* ``ours``: ``app.py`` with ``geo.mapcomponent``;
* ``rebuild``: ``bench/folium_app.py``, the map as it was (folium + streamlit-folium, the whole map
  rebuilt and sent on every change), with the same search box (real catalogue and sizes up to
  ``--rebuild-max``);

each on a server warmed by one session first (the data loaded and cached, as for every planner
but the first): *first draw*, from opening the page until every visible project is drawn (ours:
markers and division counts, the chunked marker loading finished; rebuild: every circle marker on
streamlit-folium's map), then ``--changes`` filter changes (a name search set and cleared in turn)
each timed from the key press until the map shows the new selection (median and max printed);
the component's iframe must survive every change; then *again*, the page opened once more in the same
browser (its static files cached, as for a planner coming back). Also printed: the map payload per project
(compact JSON of the project rows; with the boundaries in brackets), the WebSocket bytes received
for the first load and per change, and the browser's JS heap after the changes (Chrome DevTools
``Performance.getMetrics``: the page and its same-origin map frame share one heap).
Run: ``python bench/app.py [--sizes 10000,100000] [--rebuild-max 10000] [--changes 5]``.
No figure here is an assertion: this prints what it measures.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from build import synthetic
from playwright.sync_api import Page, sync_playwright

from geo.boundaries import boundaries_from_dir
from geo.layers import boundaries_frame, frame_to_geojson, projects_from_layers
from geo.mapcomponent import map_data_from_frames
from geo.query import Filters, filter_projects
from geo.settings import load_settings

#: the name searches of the timed filter changes, in turn (each a new selection: none is repeated,
#: so no change is served from Streamlit's message cache)
SEARCHES = ("项目", "工程", "光伏", "站", "产业", "中心", "基地", "电站", "园区", "湿地", "公园", "风电")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or "/usr/bin/chromium"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """A Streamlit server of ``script`` over the project root ``root``."""

    def __init__(self, script: Path, root: Path) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = (root / f"{script.stem}.log").open("wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(self.port),
             "--server.headless", "true", "--browser.gatherUsageStats", "false",
             "--server.maxMessageSize", "1000"],
            cwd=ROOT, env={**os.environ, "CPM_ROOT": str(root)}, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2):
                    return
            except OSError:
                time.sleep(0.3)  # poll: the server is starting
        raise RuntimeError(f"{script} did not start")

    def close(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=20)
        self.log.close()


def _root_with(frame: Any, workdir: Path) -> Path:
    """A project root whose published projects are ``frame`` (boundaries and plans linked from ours)."""
    root = workdir / "root"
    if root.exists():
        shutil.rmtree(root)
    (root / "data").mkdir(parents=True)
    for name in ("boundaries", "plans"):
        (root / "data" / name).symlink_to(ROOT / "data" / name, target_is_directory=True)
    shutil.copytree(ROOT / "layers", root / "layers")
    (root / "layers" / "projects.geojson").write_bytes(frame_to_geojson(frame, name="projects"))
    return root


def _rebuild_script(workdir: Path) -> Path:
    """``bench/folium_app.py`` linked into a folder beside a link to ``static/``: Streamlit serves
    the static folder next to the main script, and the old map loads Leaflet from there."""
    folder = workdir / "rebuild"
    folder.mkdir(exist_ok=True)
    for name, target in (("folium_app.py", ROOT / "bench" / "folium_app.py"), ("static", ROOT / "static")):
        if not (folder / name).exists():
            (folder / name).symlink_to(target)
    return folder / "folium_app.py"


class Received:
    """WebSocket bytes the page receives."""

    def __init__(self, page: Page) -> None:
        self.bytes = 0
        page.on("websocket", lambda ws: ws.on("framereceived", self._frame))

    def _frame(self, payload: Any) -> None:
        self.bytes += len(payload) if isinstance(payload, (bytes, str)) else 0


def _heap_mb(page: Page) -> float:
    cdp = page.context.new_cdp_session(page)
    cdp.send("Performance.enable")
    metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
    return float(metrics.get("JSHeapUsedSize", 0.0)) / 1e6


def _idle(page: Page) -> None:
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=600_000)


def _search(page: Page, text: str) -> None:
    box = page.locator(".st-key-search input")
    box.fill(text)
    box.press("Enter")


OURS_DRAWN = """(n) => { const f = Array.from(document.querySelectorAll('iframe'))
    .find(e => e.src.includes('cpm_map')); const w = f && f.contentWindow;
    return !!(w && w.cpm && w.cpm.state.version && w.cpm.visible === n
              && w.cpm.state.drawn === w.cpm.state.renders); }"""
OURS_LOADED = """() => { const f = Array.from(document.querySelectorAll('iframe')).find(e => e.src.includes('cpm_map'));
    return f.contentWindow.cpm.loadedAt; }"""
REBUILD_DRAWN = """(n) => Array.from(document.querySelectorAll('iframe')).some(f => { try {
    const w = f.contentWindow; return !!(w && w.map && w.L && Object.values(w.map._layers)
        .filter(l => l instanceof w.L.CircleMarker).length === n); } catch (e) { return false; } })"""


def _open(browser: Any, url: str) -> tuple[Any, Page, Received]:
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("http://127.0.0.1") else r.abort())
    return context, page, Received(page)


def measure(browser: Any, url: str, total: int, steps: list[tuple[str, int]], *, ours: bool) -> dict[str, Any]:
    """First draw and each filter change of ``steps`` (``(search text, projects shown)``)."""
    drawn = OURS_DRAWN if ours else REBUILD_DRAWN
    context, page, _ = _open(browser, url)  # warm the server: its first run loads and caches the data
    page.goto(url)
    page.wait_for_function(drawn, arg=total, timeout=1_200_000, polling=100)
    context.close()
    context, page, received = _open(browser, url)
    start = time.perf_counter()
    page.goto(url)
    page.wait_for_function(drawn, arg=total, timeout=1_200_000, polling=50)
    first = time.perf_counter() - start
    _idle(page)
    first_bytes = received.bytes
    loaded = page.evaluate(OURS_LOADED) if ours else None
    changes: list[float] = []
    change_bytes: list[int] = []
    for text, shown in steps:
        received.bytes = 0
        start = time.perf_counter()
        _search(page, text)
        page.wait_for_function(drawn, arg=shown, timeout=1_200_000, polling=50)
        changes.append(time.perf_counter() - start)
        _idle(page)
        change_bytes.append(received.bytes)
    if ours and page.evaluate(OURS_LOADED) != loaded:
        raise RuntimeError("the map's iframe was reloaded by a filter change")
    heap = _heap_mb(page)
    start = time.perf_counter()  # the planner opens the app again: the browser has its files cached
    page.goto(url)
    page.wait_for_function(drawn, arg=total, timeout=1_200_000, polling=50)
    again = time.perf_counter() - start
    out = {"first": first, "again": again, "changes": changes, "first_mb": first_bytes / 1e6,
           "change_mb": statistics.median(change_bytes) / 1e6, "heap_mb": heap}
    context.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000,100000", help="synthetic catalogue sizes")
    parser.add_argument("--rebuild-max", type=int, default=10_000,
                        help="largest catalogue the old full rebuild is measured for")
    parser.add_argument("--changes", type=int, default=5, help="filter changes timed per case and path")
    args = parser.parse_args()
    settings = load_settings()
    real = projects_from_layers(settings.layers_dir)
    counties = boundaries_from_dir(settings.boundaries_dir, level="county")
    boundaries = boundaries_frame(boundaries_from_dir(settings.boundaries_dir, level="region"), counties)
    cases = [("real catalogue", real)]
    for n in (int(s) for s in args.sizes.split(",") if s):
        frame = synthetic(real, counties, n)
        frame["precision"] = "site"  # uniform points inside counties: each is a marker of its own
        cases.append((f"synthetic {n:,}", frame))
    print(f"{time.strftime('%Y-%m-%d %H:%M')} UTC, {os.cpu_count()} CPUs, load average "
          f"{os.getloadavg()[0]:.1f}; times in seconds, {args.changes} filter changes per row")
    print(f"{'case':<18}{'path':<9}{'B/proj':>14}{'first':>8}{'again':>7}{'change med':>11}{'max':>7}"
          f"{'first MB':>10}{'change MB':>10}{'heap MB':>9}")
    with tempfile.TemporaryDirectory(prefix="cpm-bench-app-") as tmp, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        rebuild = _rebuild_script(Path(tmp))
        for name, frame in cases:
            root = _root_with(frame, Path(tmp))
            frame = projects_from_layers(root / "layers")
            total = len(frame)
            steps: list[tuple[str, int]] = []
            for text in SEARCHES:  # each change shows another number of projects than the one before
                shown = len(filter_projects(frame, Filters(search=text)))
                if shown and shown != (steps[-1][1] if steps else total) and len(steps) < args.changes:
                    steps.append((text, shown))
            data = map_data_from_frames(frame, boundaries)
            rows = len(json.dumps(data.payload["p"], ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
            whole = len(data.to_json().encode("utf-8"))
            # the component counts a county or region point as its division's member: all are "visible"
            paths = [("ours", ROOT / "app.py")]
            if total <= args.rebuild_max:
                paths.append(("rebuild", rebuild))
            for path, script in paths:
                server = Server(script, root)
                try:
                    r = measure(browser, server.url, total, steps, ours=path == "ours")
                finally:
                    server.close()
                size = f"{rows / total:5.0f} ({whole / total:5.0f})" if path == "ours" else "-"
                print(f"{name:<18}{path:<9}{size:>14}{r['first']:8.2f}{r['again']:7.2f}"
                      f"{statistics.median(r['changes']):11.2f}"
                      f"{max(r['changes']):7.2f}{r['first_mb']:10.2f}{r['change_mb']:10.2f}{r['heap_mb']:9.0f}",
                      flush=True)
        browser.close()


if __name__ == "__main__":
    main()
