"""Offline stand-ins for online geocoding services: recorded answers, fake time, local servers.

Nothing here reaches the network: the servers listen on 127.0.0.1 only.
"""

from __future__ import annotations

import json
import socket
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlparse

from geopy.adapters import BaseSyncAdapter

from .conftest import DATA

RECORDED = json.loads((DATA / "recorded" / "responses.json").read_text(encoding="utf-8"))
TEST_AGENT = "carbon-peak-project-map/test (tests@example.org)"


class RecordedAdapter(BaseSyncAdapter):  # type: ignore[misc]
    """Serves recorded bodies through the real geopy geocoder classes; counts requests; refuses
    anything unrecorded."""

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


def failing_adapter(error: Exception, calls: list[str]) -> type[BaseSyncAdapter]:
    """An adapter class whose every request raises ``error`` (and is counted in ``calls``)."""

    class Failing(BaseSyncAdapter):  # type: ignore[misc]
        def __init__(self, *, proxies: Any = None, ssl_context: Any = None) -> None:
            super().__init__(proxies=proxies, ssl_context=ssl_context)

        def get_json(self, url: str, *, timeout: float, headers: dict[str, str]) -> Any:
            calls.append(url)
            raise error

        def get_text(self, url: str, *, timeout: float, headers: dict[str, str]) -> str:
            raise AssertionError("not used")

    return Failing


@dataclass
class FakeTime:
    """A clock that moves only when something sleeps or a test advances it."""

    now: float = 1000.0
    sleeps: list[float] = field(default_factory=list)

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


# --- local servers ---------------------------------------------------------------------------


@dataclass
class Reply:
    """One scripted HTTP answer."""

    status: int = 200
    body: bytes | str | object = b"{}"
    headers: dict[str, str] = field(default_factory=dict)
    #: send the body one byte per this many seconds, without end (a server that trickles)
    trickle: float = 0.0

    def encoded(self) -> bytes:
        if isinstance(self.body, bytes):
            return self.body
        if isinstance(self.body, str):
            return self.body.encode("utf-8")
        return json.dumps(self.body, ensure_ascii=False).encode("utf-8")


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hangs up early (a refused oversized answer) is not an error of the test."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class ScriptedServer:
    """An HTTP server on 127.0.0.1 answering requests with the scripted replies in turn (the last
    one repeats); ``requests`` lists the paths asked."""

    def __init__(self, replies: list[Reply]) -> None:
        self.replies = list(replies)
        self.requests: list[str] = []
        self.stopped = threading.Event()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                outer.requests.append(self.path)
                reply = outer.replies[min(len(outer.requests), len(outer.replies)) - 1]
                body = reply.encoded()
                self.send_response(reply.status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(10**9 if reply.trickle else len(body)))
                for key, value in reply.headers.items():
                    self.send_header(key, value)
                self.end_headers()
                if not reply.trickle:
                    self.wfile.write(body)
                    return
                while not outer.stopped.wait(reply.trickle):  # the server's pace, not a test's wait
                    self.wfile.write(b" ")
                    self.wfile.flush()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.httpd = _QuietServer(("127.0.0.1", 0), Handler)
        self.domain = f"127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def __enter__(self) -> ScriptedServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopped.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join()


class SilentServer:
    """Accepts connections on 127.0.0.1 and never answers; ``accepted`` counts them."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.sock.settimeout(0.05)
        self.domain = f"127.0.0.1:{self.sock.getsockname()[1]}"
        self.accepted = 0
        self._open: list[socket.socket] = []
        self._stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue  # poll: look at the stop flag again
            self._open.append(conn)  # held open, never read from, never answered
            self.accepted += 1

    def __enter__(self) -> SilentServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self.thread.join()
        for conn in self._open:
            conn.close()
        self.sock.close()


def wait_for(condition: Callable[[], bool], *, timeout: float = 30.0) -> bool:
    """Wait until ``condition()`` holds (``False`` if it does not within ``timeout`` seconds)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)  # poll
    return True


def run_bounded(fn: Callable[[], Any], *, timeout: float = 60.0) -> dict[str, Any]:
    """Run ``fn`` in a thread and wait for it to end, at most ``timeout`` seconds.

    Returns ``{"done": bool, "value": ...}`` or ``{"done": bool, "error": exception}``.
    """
    out: dict[str, Any] = {}

    def run() -> None:
        try:
            out["value"] = fn()
        except Exception as err:  # handed to the test, which asserts on it
            out["error"] = err

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(timeout)
    out["done"] = not thread.is_alive()
    return out
