"""Atomic writes: readers see the old file or the new one, never half; no temporary file is left."""

from __future__ import annotations

from pathlib import Path

import pytest

from geo._atomic import atomic_write_bytes


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
