"""Atomic writes: readers see the old file or the new one, never half; no temporary file is left;
a full disk or a size limit is an error, never a cut file."""

from __future__ import annotations

import errno
import fcntl
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import geo._atomic as atomic
from geo._atomic import (
    atomic_write_bytes,
    check_not_protected,
    check_output_path,
    publish_directory,
    read_snapshot,
    recover_directory,
    remove_stale,
    staging_dir,
)
from geo.errors import OutputPathError, WriteError

from .conftest import ROOT


def test_failed_replace_keeps_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "layer.geojson"
    target.write_bytes(b"old")

    def fail(self: Path, other: Path) -> Path:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Path, "replace", fail)
    with pytest.raises(OSError):
        atomic_write_bytes(target, b"new")
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["layer.geojson"]  # no temporary file left


def test_new_file_gets_the_usual_mode_and_an_old_file_keeps_its_own(tmp_path: Path) -> None:
    fresh = tmp_path / "fresh.csv"
    atomic_write_bytes(fresh, b"a")
    plain = tmp_path / "plain.csv"
    plain.write_bytes(b"a")  # what open() gives under the process umask
    kept = tmp_path / "kept.csv"
    kept.write_bytes(b"a")
    kept.chmod(0o600)
    atomic_write_bytes(kept, b"b")
    assert fresh.stat().st_mode & 0o777 == plain.stat().st_mode & 0o777  # not mkstemp's 0o600
    assert (kept.stat().st_mode & 0o777, kept.read_bytes()) == (0o600, b"b")


def test_a_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(IsADirectoryError):
        atomic_write_bytes(tmp_path, b"x")


def _disk_fills_after(limit: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """``os.write`` as on a disk with ``limit`` bytes free: a short write, then ENOSPC."""
    real = os.write
    left = [limit]

    def write(fd: int, data: bytes | memoryview) -> int:
        if left[0] <= 0:
            raise OSError(errno.ENOSPC, "No space left on device")
        n = real(fd, bytes(data[: left[0]]))
        left[0] -= n
        return n

    monkeypatch.setattr(os, "write", write)


def test_a_full_disk_is_an_error_and_the_old_file_stays(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "full.kml"
    target.write_bytes(b"the previous export")
    _disk_fills_after(100, monkeypatch)
    with pytest.raises(WriteError, match=r"No space left on device\) after 100 of 1,000 bytes"):
        atomic_write_bytes(target, b"x" * 1000)
    assert target.read_bytes() == b"the previous export"
    assert [p.name for p in tmp_path.iterdir()] == ["full.kml"]


def test_short_writes_are_continued(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = os.write
    monkeypatch.setattr(os, "write", lambda fd, data: real(fd, bytes(data[:7])))  # 7 bytes per call
    atomic_write_bytes(tmp_path / "a.csv", bytes(range(256)) * 4)
    assert (tmp_path / "a.csv").read_bytes() == bytes(range(256)) * 4


def test_a_write_that_makes_no_progress_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "write", lambda fd, data: 0)
    with pytest.raises(WriteError, match="made no progress"):
        atomic_write_bytes(tmp_path / "a.csv", b"abc")
    assert list(tmp_path.iterdir()) == []


def test_verify_refuses_before_the_old_file_is_replaced(tmp_path: Path) -> None:
    target = tmp_path / "a.kml"
    target.write_bytes(b"old")
    seen: list[bytes] = []

    def verify(path: Path) -> None:
        seen.append(path.read_bytes())
        raise WriteError("does not parse")

    with pytest.raises(WriteError, match="does not parse"):
        atomic_write_bytes(target, b"new", verify=verify)
    assert seen == [b"new"] and target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["a.kml"]


def test_a_size_limit_in_a_real_process_is_a_clear_error(tmp_path: Path) -> None:
    """RLIMIT_FSIZE makes the kernel refuse writes past 100 kB, as a full small disk does."""
    target = tmp_path / "big.bin"
    target.write_bytes(b"old")
    script = textwrap.dedent(f"""
        import resource, sys
        from pathlib import Path
        from geo._atomic import atomic_write_bytes
        from geo.errors import WriteError
        resource.setrlimit(resource.RLIMIT_FSIZE, (100_000, 100_000))
        try:
            atomic_write_bytes(Path({str(target)!r}), b"y" * 1_000_000)
        except WriteError as err:
            print(err)
            sys.exit(2)
    """)
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60,
                            check=False)
    assert result.returncode == 2, result.stderr
    assert "after 100,000 of 1,000,000 bytes" in result.stdout
    assert target.read_bytes() == b"old" and [p.name for p in tmp_path.iterdir()] == ["big.bin"]


def test_links_fifos_and_devices_are_refused(tmp_path: Path) -> None:
    real = tmp_path / "real.csv"
    real.write_bytes(b"keep")
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    for path, words in ((link, "symbolic link"), (fifo, "FIFO"), (Path("/dev/null"), "device node")):
        with pytest.raises(OutputPathError, match=words):
            atomic_write_bytes(path, b"new")
    assert link.is_symlink() and real.read_bytes() == b"keep"
    assert fifo.is_fifo()


def test_protected_folders_are_refused_links_resolved(tmp_path: Path) -> None:
    data = tmp_path / "data" / "plans"
    data.mkdir(parents=True)
    (tmp_path / "alias").symlink_to(data)
    for path in (data / "JINSHI.txt", tmp_path / "alias" / "JINSHI.txt"):
        with pytest.raises(OutputPathError, match="source data"):
            check_output_path(path, protected=[tmp_path / "data"])
    with pytest.raises(OutputPathError, match="source data"):
        check_not_protected(tmp_path / "alias", [tmp_path / "data"])  # a folder (build --out)
    assert check_output_path(tmp_path / "out.csv", protected=[tmp_path / "data"]) == tmp_path / "out.csv"


def test_stale_temporary_files_are_removed_live_ones_kept(tmp_path: Path) -> None:
    stale = tmp_path / ".a.csv.cpm-abc123.tmp"  # left by a killed run: nobody holds its lock
    stale.write_bytes(b"half")
    older = tmp_path / ".a.csv.x1y2z3.tmp"  # the name an earlier version gave its temporary files
    older.write_bytes(b"half")
    live = tmp_path / ".a.csv.cpm-live.tmp"
    live.write_bytes(b"being written")
    other = tmp_path / ".b.csv.cpm-abc.tmp"  # another target's: not this write's business
    other.write_bytes(b"")
    fd = os.open(live, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # as the process writing it holds it
        atomic_write_bytes(tmp_path / "a.csv", b"new")
    finally:
        os.close(fd)
    assert sorted(p.name for p in tmp_path.iterdir()) == [".a.csv.cpm-live.tmp", ".b.csv.cpm-abc.tmp", "a.csv"]


def test_staging_dir_is_beside_the_target_and_cleans_up_after_killed_runs(tmp_path: Path) -> None:
    stale = tmp_path / ".cpm-export-dead"
    (stale / "sub").mkdir(parents=True)
    (stale / "sub" / "x.shp").write_bytes(b"part")
    link = tmp_path / ".cpm-export-link"
    link.symlink_to(ROOT)  # never followed, never removed
    with staging_dir(tmp_path, ".cpm-export-") as folder:
        assert folder.parent == tmp_path
        assert not stale.exists()
        with staging_dir(tmp_path, ".cpm-export-") as second:  # a second run while the first lives
            assert folder.exists() and second != folder
    assert sorted(p.name for p in tmp_path.iterdir()) == [".cpm-export-link"]


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir()}


def _staged(parent: Path, content: dict[str, bytes]) -> Path:
    staged = parent / ".pub.cpm-build-test"
    staged.mkdir()
    for name, data in content.items():
        (staged / name).write_bytes(data)
    return staged


def test_publish_directory_exchanges_in_one_step(tmp_path: Path) -> None:
    target = tmp_path / "pub"
    publish_directory(_staged(tmp_path, {"a": b"1", "b": b"1"}), target)
    assert _tree(target) == {"a": b"1", "b": b"1"}
    publish_directory(_staged(tmp_path, {"a": b"2"}), target)
    assert _tree(target) == {"a": b"2"}
    assert [p.name for p in tmp_path.iterdir()] == ["pub"]


def test_publish_directory_without_exchange_falls_back_and_recovers(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    def no_exchange(a: Path, b: Path) -> None:
        raise NotImplementedError("no renameat2 here")

    monkeypatch.setattr(atomic, "_exchange", no_exchange)
    target = tmp_path / "pub"
    publish_directory(_staged(tmp_path, {"a": b"1"}), target)
    publish_directory(_staged(tmp_path, {"a": b"2"}), target)
    assert _tree(target) == {"a": b"2"} and [p.name for p in tmp_path.iterdir()] == ["pub"]
    # a run killed between the two renames leaves the old folder aside, unlocked: the next run puts it back
    aside = tmp_path / ".pub.cpm-old-dead"
    target.rename(aside)
    assert recover_directory(target) == aside
    assert _tree(target) == {"a": b"2"} and not aside.exists()
    assert recover_directory(target) is None  # nothing to do when the folder is there


def test_a_failed_second_rename_puts_the_old_folder_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(atomic, "_exchange", lambda a, b: (_ for _ in ()).throw(NotImplementedError()))
    target = tmp_path / "pub"
    publish_directory(_staged(tmp_path, {"a": b"1"}), target)
    staged = _staged(tmp_path, {"a": b"2"})
    real = Path.rename

    def rename(self: Path, other: Path) -> Path:
        if self == staged:
            raise OSError(errno.EIO, "Input/output error")
        return real(self, other)

    monkeypatch.setattr(Path, "rename", rename)
    with pytest.raises(OSError):
        publish_directory(staged, target)
    assert _tree(target) == {"a": b"1"}


def test_read_snapshot_reads_one_version(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "pub"
    publish_directory(_staged(tmp_path, {"a": b"1", "b": b"1"}), target)
    real_open = os.open
    swapped = [False]

    def open_then_swap(path: str, flags: int, mode: int = 0o777, *, dir_fd: int | None = None) -> int:
        fd = real_open(path, flags, mode, dir_fd=dir_fd)
        if path == "a" and not swapped[0]:  # a build publishes between the reads of a and b
            swapped[0] = True
            publish_directory(_staged(tmp_path, {"a": b"2", "b": b"2"}), target)
        return fd

    monkeypatch.setattr(os, "open", open_then_swap)
    assert read_snapshot(target, ["a", "b"]) in ({"a": b"1", "b": b"1"}, {"a": b"2", "b": b"2"})
    assert swapped[0]
    with pytest.raises(FileNotFoundError):
        read_snapshot(target, ["a", "missing"])


def test_remove_stale_leaves_unknown_names_alone(tmp_path: Path) -> None:
    (tmp_path / "projects.geojson").write_bytes(b"{}")
    (tmp_path / ".cpm-shp-dead").mkdir()
    os.mkfifo(tmp_path / ".cpm-shp-fifo")  # not ours whatever its name: neither opened for long nor removed
    assert remove_stale(tmp_path, ".cpm-shp-") == [tmp_path / ".cpm-shp-dead"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [".cpm-shp-fifo", "projects.geojson"]
