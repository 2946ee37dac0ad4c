"""Load on one app server: 20 headless Chromium sessions against one ``streamlit run``.

Starts ``streamlit run app.py`` on a free port (the real catalogue), then

1. warms it with one session (the first script run imports the libraries and loads the data,
   which every later session shares) and records the server's resident memory (RSS) once that
   session has closed: the *idle* figure;
2. opens ``--sessions`` browser sessions at once (one Chromium, one context each, every request
   outside localhost blocked); each loads the page, waits until the map component has drawn every
   project (*time to map*), picks a region in the sidebar and waits for the counter to follow it, opens
   the table, then closes;
3. samples the server's RSS every 0.2 s throughout (the peak), and after every session has closed
   waits until the server has dropped the sessions (its RSS holds still for ``--settle`` seconds,
   at most ``--settle-max``) and reports it against idle (aim: within 1.5×).

Run: ``python bench/load.py`` (``--sessions 20``). Linux only (reads ``/proc``); needs Chromium.
Waits are for conditions (page elements, the server's health, RSS holding still), never fixed sleeps.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

#: true in the map component's frame once its data is loaded and every visible project drawn
#: (markers and division counts, markercluster's chunked loading finished: geo/_assets/mapcomponent)
MAP_DRAWN = """() => !!(window.cpm && window.cpm.state.version && window.cpm.visible > 0
                        && window.cpm.state.drawn === window.cpm.state.renders)"""


def rss_mb(pid: int) -> float:
    """Resident memory of a process in MB (``VmRSS`` of ``/proc/<pid>/status``)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


class Sampler(threading.Thread):
    """Samples a process's RSS every ``every`` seconds; ``peak`` is the largest seen."""

    def __init__(self, pid: int, every: float = 0.2) -> None:
        super().__init__(daemon=True)
        self.pid, self.every, self.peak = pid, every, 0.0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            self.peak = max(self.peak, rss_mb(self.pid))
            self.done.wait(self.every)  # poll: sampling interval


def settled_rss(pid: int, *, hold: float, limit: float) -> tuple[float, float]:
    """Wait until the RSS changes by < 1 MB over ``hold`` seconds (at most ``limit``); return
    (RSS in MB, seconds waited)."""
    start = time.monotonic()
    samples: list[tuple[float, float]] = []
    while True:
        now = time.monotonic()
        samples.append((now, rss_mb(pid)))
        window = [v for t, v in samples if t >= now - hold]
        if (now - start >= hold and max(window) - min(window) < 1.0) or now - start >= limit:
            return samples[-1][1], now - start
        threading.Event().wait(0.25)  # poll: the server drops closed sessions in its own time


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(port: int, log_path: Path) -> subprocess.Popen[bytes]:
    log = log_path.open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.port", str(port),
         "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env={**os.environ})
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return proc
        except OSError:
            threading.Event().wait(0.25)  # poll: the server is starting
    proc.kill()
    raise RuntimeError("streamlit did not start: " + log_path.read_text())


async def _block_outside(route) -> None:  # type: ignore[no-untyped-def]
    url = route.request.url
    if url.startswith(("http://127.0.0.1", "http://localhost", "data:", "blob:", "about:")):
        await route.continue_()
    else:
        await route.abort()


async def wait_map(page, timeout: float = 600.0) -> None:  # type: ignore[no-untyped-def]
    """Until some frame of the page shows drawn markers (the map may live in an iframe)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for frame in page.frames:
            try:
                if await frame.evaluate(MAP_DRAWN):
                    return
            except Exception:  # a frame that is loading or gone
                continue
        await page.wait_for_timeout(100)  # poll: the map's frame appears after the first script run
    raise TimeoutError("the map did not draw")


async def one_session(browser, url: str, region_label: str, region_count: int, total: int  # type: ignore[no-untyped-def]
                      ) -> float | str:
    """Time to map of one session (seconds), or what went wrong; then a region pick, the table, close."""
    context = await browser.new_context(viewport={"width": 1366, "height": 768})
    context.set_default_timeout(600_000)  # a loaded server may take minutes; every wait is for a condition
    try:
        return await _session_steps(context, url, region_label, region_count, total)
    except Exception as err:  # a failed session is reported, not fatal: the others go on
        return f"{type(err).__name__}: {str(err).splitlines()[0] if str(err) else ''}"
    finally:
        await context.close()


async def _session_steps(context, url: str, region_label: str, region_count: int, total: int  # type: ignore[no-untyped-def]
                         ) -> float:
    page = await context.new_page()
    await page.route("**/*", _block_outside)
    start = time.perf_counter()
    await page.goto(url, wait_until="commit", timeout=600_000)
    await wait_map(page)
    to_map = time.perf_counter() - start
    box = page.get_by_test_id("stSidebar").locator("[data-testid='stMultiSelect']").first
    await box.click()
    await page.get_by_role("option", name=region_label).click()
    await page.keyboard.press("Escape")
    await page.get_by_text(f"{region_count} / {total}").first.wait_for(timeout=600_000)
    await page.get_by_role("tab").nth(1).click()
    await page.locator("[data-testid='stDataFrame']").first.wait_for(timeout=600_000)
    return to_map


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--settle", type=float, default=10.0, help="seconds the RSS must hold still")
    parser.add_argument("--settle-max", type=float, default=180.0, help="longest wait for it")
    args = parser.parse_args()
    if not CHROMIUM:
        sys.exit("no Chromium (apt-get install chromium)")
    sys.path.insert(0, str(ROOT))
    from geo.layers import projects_from_layers
    from geo.plans import sources_from_dir
    from geo.settings import load_settings

    settings = load_settings()
    frame = projects_from_layers(settings.layers_dir)
    region = "KUNDULUN"
    count, total = int((frame["region"] == region).sum()), len(frame)
    port = free_port()
    log_path = Path(os.environ.get("TMPDIR", "/tmp")) / f"cpm-load-{port}.log"
    proc = start_server(port, log_path)
    try:
        start_rss = rss_mb(proc.pid)
        sampler = Sampler(proc.pid)
        url = f"http://127.0.0.1:{port}"

        async def run() -> tuple[list[float | str], list[float | str], float, float]:
            from playwright.async_api import async_playwright

            async with async_playwright() as p:
                browser = await p.chromium.launch(executable_path=CHROMIUM, args=[
                    "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"])
                region_label = sources_from_dir(settings.plans_dir)[region].region_name("zh")
                warm = [await one_session(browser, url, region_label, count, total)]
                idle, _ = settled_rss(proc.pid, hold=args.settle, limit=args.settle_max)
                sampler.start()
                times = await asyncio.gather(*(one_session(browser, url, region_label, count, total)
                                               for _ in range(args.sessions)))
                await browser.close()
            return warm, list(times), idle, rss_mb(proc.pid)

        warm, times, idle, at_close = asyncio.run(run())
        sampler.done.set()
        sampler.join()
        after, waited = settled_rss(proc.pid, hold=args.settle, limit=args.settle_max)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
    ordered = sorted(t for t in times if isinstance(t, float))
    failed = [t for t in [*warm, *times] if isinstance(t, str)]
    print(f"sessions: {args.sessions} at once against one server ({total} projects); "
          f"{len(failed)} failed{': ' + '; '.join(failed) if failed else ''}")
    if ordered and isinstance(warm[0], float):
        p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
        print(f"time to map: first (cold) session {warm[0]:.2f} s; under load p50 {statistics.median(ordered):.2f} s, "
              f"p95 {p95:.2f} s, max {ordered[-1]:.2f} s")
    print(f"server RSS: started {start_rss:.0f} MB, idle after one session {idle:.0f} MB, "
          f"peak during {sampler.peak:.0f} MB, when the last closed {at_close:.0f} MB, "
          f"after they closed {after:.0f} MB ({after / idle:.2f}× idle; settled in {waited:.0f} s)")


if __name__ == "__main__":
    main()
