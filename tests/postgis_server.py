"""A throwaway PostgreSQL + PostGIS cluster for the PostGIS tests.

``initdb`` in a temporary folder, ``pg_ctl start`` on a free port of 127.0.0.1 and a socket in
that folder, readiness awaited by ``pg_ctl -w`` and confirmed with ``pg_isready`` (never a fixed
sleep), stopped and removed afterwards. PostgreSQL refuses to run as root: as root the cluster
runs as the user ``postgres`` (``runuser``). Where PostgreSQL or PostGIS is missing the tests
skip with a message, except in CI (``CI`` set), where they fail.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest


def _bin_dir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


def _missing(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{reason}; CI must run the PostGIS tests (.ci/run installs postgresql-15-postgis-3)")
    pytest.skip(f"{reason} (apt-get install postgresql-15-postgis-3)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def server(base: Path) -> Iterator[str]:
    """Start a cluster under ``base``; yield its URL; stop it."""
    bin_dir = _bin_dir()
    if bin_dir is None:
        _missing("PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb)")
        return
    share = Path("/usr/share/postgresql") / bin_dir.parent.name / "extension" / "postgis.control"
    if not share.exists():
        _missing(f"PostGIS is not installed for PostgreSQL {bin_dir.parent.name} (no {share})")
    as_user: list[str] = []
    if os.geteuid() == 0:
        if shutil.which("runuser") is None:
            _missing("running as root and no runuser to start PostgreSQL as the user postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
        base.chmod(0o777)
    data, sock = base / "data", base / "sock"
    sock.mkdir()
    if as_user:
        shutil.chown(sock, "postgres")
    port = _free_port()

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*as_user, *args], capture_output=True, text=True, timeout=120, check=False)

    done = run(str(bin_dir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "--no-sync",
               "-E", "UTF8", "--locale=C")
    assert done.returncode == 0, done.stderr
    log = base / "server.log"
    if as_user:
        log.touch()
        shutil.chown(log, "postgres")
    options = f"-p {port} -k {sock} -c listen_addresses=127.0.0.1 -c fsync=off"
    done = run(str(bin_dir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(log), "-w", "-t", "60", "start")
    assert done.returncode == 0, (done.stderr, log.read_text() if log.exists() else "")
    try:
        ready = subprocess.run([str(bin_dir / "pg_isready"), "-h", "127.0.0.1", "-p", str(port), "-t", "30"],
                               capture_output=True, text=True, timeout=60, check=False)
        assert ready.returncode == 0, ready.stdout
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        run(str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop")
