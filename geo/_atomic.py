"""Writes that readers can trust: complete or not there, the previous version intact otherwise.

* :func:`atomic_write_bytes` writes a temporary file beside the target (never in ``$TMPDIR``,
  which may be another file system), checks that every byte reached it (each ``os.write`` is
  counted, the file is fsynced and its size compared), lets the caller parse it, and only then
  renames it over the target and fsyncs the folder.
* :func:`staging_dir` gives a private folder beside a target for files that another library
  (GDAL) writes; :func:`publish_directory` swaps a staged folder in for a published one in one
  step (Linux ``renameat2(RENAME_EXCHANGE)``), so readers see the old set or the new set.
* Every temporary file and folder is named after its target with a ``cpm`` mark and is
  ``flock``-ed by the process that uses it. A later run removes the ones whose lock is free:
  their owner died (the kernel drops a dead process's locks), so they are clearly ours and stale.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import logging
import os
import shutil
import stat
import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from .errors import OutputPathError, WriteError

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: no locks, so nothing is ever taken for stale
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger(__name__)

#: suffix of temporary files (``.<name>.cpm-XXXX.tmp``); also matches the older ``.<name>.XXXX.tmp``
TEMP_SUFFIX = ".tmp"


def _read_umask() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return umask


#: read once at import (single-threaded), never again: changing the umask is process-wide
_UMASK = _read_umask()


def file_mode(path: Path) -> int:
    """The existing file's mode, or 0o666 less the process umask (what ``open`` would give)."""
    try:
        return path.stat().st_mode & 0o777
    except FileNotFoundError:
        return 0o666 & ~_UMASK


def folder_mode(path: Path) -> int:
    """The existing folder's mode, or 0o777 less the process umask (what ``mkdir`` would give)."""
    try:
        return path.stat().st_mode & 0o777
    except FileNotFoundError:
        return 0o777 & ~_UMASK


def check_output_path(path: Path, *, protected: Sequence[Path] = ()) -> Path:
    """Refuse an output path that is not a plain file name to (re)place.

    Parameters
    ----------
    path : Path
    protected : sequence of Path, keyword-only
        Folders nothing may be written into (the plan texts, the catalogue: ``data/``).

    Returns
    -------
    Path
        ``path`` itself.

    Raises
    ------
    IsADirectoryError
        ``path`` is a folder.
    OutputPathError
        ``path`` is a symbolic link, a FIFO, a device node or a socket (replacing it by a regular
        file, or writing through it, is never what was meant), or lies inside a protected folder.
    """
    path = Path(path)
    try:
        info = path.lstat()
    except FileNotFoundError:
        info = None
    if info is not None:
        if stat.S_ISLNK(info.st_mode):
            raise OutputPathError(f"{path} is a symbolic link; give the path of the file itself (a link is "
                                  "neither followed nor replaced)")
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError(f"{path} is a directory, not a file path")
        if not stat.S_ISREG(info.st_mode):
            kind = ("a FIFO" if stat.S_ISFIFO(info.st_mode) else "a socket" if stat.S_ISSOCK(info.st_mode)
                    else "a device node")
            raise OutputPathError(f"{path} is {kind}, not a regular file; give a file path")
    return check_not_protected(path, protected)


def check_not_protected(path: Path, protected: Sequence[Path]) -> Path:
    """Refuse ``path`` (a file or folder, links resolved) when it is or lies inside a protected folder.

    Raises
    ------
    OutputPathError
    """
    path = Path(path)
    where = path.resolve()
    for folder in protected:
        if where.is_relative_to(Path(folder).resolve()):
            raise OutputPathError(f"{path} is inside {folder}, which holds the project's source data (plan "
                                  "texts, catalogue, boundaries, geocoding results); write outputs elsewhere")
    return path


def _lock(fd: int) -> None:
    if fcntl is not None:
        fcntl.flock(fd, fcntl.LOCK_EX)


def _is_stale(path: Path) -> bool:
    """Whether ``path`` (a file or folder of ours) is unlocked: no live process uses it."""
    if fcntl is None:
        return False
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)  # a FIFO must not block the run
    except OSError:
        return False
    try:
        kind = os.fstat(fd).st_mode
        if not (stat.S_ISREG(kind) or stat.S_ISDIR(kind)):
            return False  # never ours
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False  # held: its owner is alive
    else:
        return os.fstat(fd).st_ino == os.lstat(path).st_ino  # still the entry we looked at
    finally:
        os.close(fd)


def remove_stale(folder: Path, prefix: str, suffix: str = "") -> list[Path]:
    """Remove the temporary files and folders in ``folder`` named ``prefix…suffix`` whose owner died.

    Returns the paths removed. Entries still locked by a live process are left alone.
    """
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        if not (entry.name.startswith(prefix) and entry.name.endswith(suffix)):
            continue
        path = Path(entry.path)
        if entry.is_symlink() or not _is_stale(path):
            continue
        try:
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(path)
            else:
                path.unlink()
        except FileNotFoundError:
            continue
        log.info("removed %s, left behind by a run that was killed", path)
        removed.append(path)
    return removed


def _write_all(fd: int, data: bytes, shown: Path) -> None:
    """Write every byte of ``data`` to ``fd`` (a short write is continued), fsync, check the size.

    Raises
    ------
    WriteError
        The disk is full, a size limit was hit, or the file holds other than ``len(data)`` bytes.
    """
    view = memoryview(data)
    done = 0
    try:
        while done < len(view):
            n = os.write(fd, view[done:])
            if n <= 0:
                raise OSError(errno.EIO, "the write made no progress")
            done += n
        os.fsync(fd)
    except OSError as err:
        raise WriteError(f"{shown}: could not write the file ({err.strerror or err}) after {done:,} of "
                         f"{len(data):,} bytes; the previous file is unchanged") from err
    size = os.fstat(fd).st_size
    if size != len(data):
        raise WriteError(f"{shown}: the file holds {size:,} bytes after writing {len(data):,}; "
                         "the previous file is unchanged")


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):  # not every file system lets a folder be fsynced
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _locked_temp(path: Path) -> tuple[int, Path]:
    """A new temporary file beside ``path``, open and locked (see :func:`remove_stale`)."""
    for _ in range(5):
        fd, name = tempfile.mkstemp(prefix=f".{path.name}.cpm-", suffix=TEMP_SUFFIX, dir=path.parent)
        _lock(fd)
        try:
            if os.lstat(name).st_ino == os.fstat(fd).st_ino:
                return fd, Path(name)
        except FileNotFoundError:
            pass  # a cleanup took it for stale in the instant before the lock: take another
        os.close(fd)
    raise WriteError(f"{path}: could not create a temporary file beside it")


def write_new_file(path: Path, data: bytes, *, mode: int | None = None) -> None:
    """Create ``path`` (which must not exist) with ``data``, complete and fsynced; for private folders.

    Raises
    ------
    WriteError
    """
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    try:
        os.fchmod(fd, file_mode(path) if mode is None else mode)
        _write_all(fd, data, path)
    finally:
        os.close(fd)


def atomic_write_bytes(path: Path, data: bytes, *, verify: Callable[[Path], None] | None = None,
                       protected: Sequence[Path] = ()) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the new one, never half.

    Parameters
    ----------
    path : Path
    data : bytes
    verify : callable, keyword-only
        Called with the complete temporary file before it replaces ``path``; raise to refuse it.
    protected : sequence of Path, keyword-only
        See :func:`check_output_path`.

    Raises
    ------
    IsADirectoryError, OutputPathError
        See :func:`check_output_path`.
    WriteError
        Not every byte could be written (a full disk, a file size limit); ``path`` is unchanged.
    """
    path = check_output_path(Path(path), protected=protected)
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_stale(path.parent, f".{path.name}.", TEMP_SUFFIX)
    fd, tmp = _locked_temp(path)
    try:
        try:
            os.fchmod(fd, file_mode(path))
            _write_all(fd, data, path)
            if verify is not None:
                verify(tmp)
            tmp.replace(path)
        finally:
            os.close(fd)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)


def atomic_write_text(path: Path, text: str) -> None:
    """:func:`atomic_write_bytes` of UTF-8 text with ``\\n`` line ends."""
    atomic_write_bytes(path, text.encode("utf-8"))


@contextlib.contextmanager
def staging_dir(folder: Path, prefix: str) -> Iterator[Path]:
    """A private folder ``<folder>/<prefix>XXXX``, locked while in use and removed afterwards.

    Stale folders of the same prefix (their run was killed) are removed first. Files staged here
    are on the file system of ``folder``, so renaming them into it is atomic.
    """
    folder.mkdir(parents=True, exist_ok=True)
    remove_stale(folder, prefix)
    path = Path(tempfile.mkdtemp(prefix=prefix, dir=folder))
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        _lock(fd)
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)
        os.close(fd)


def sync_tree(folder: Path) -> None:
    """fsync every file in ``folder`` (written by a library that may not have) and the folder."""
    for child in folder.iterdir():
        if child.is_file() and not child.is_symlink():
            fd = os.open(child, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
    _fsync_dir(folder)


# --- swapping a folder in one step ------------------------------------------------------------

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2
#: errors that mean "this kernel or file system cannot exchange": use the two-rename fallback
_NO_EXCHANGE = {errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP}


def _exchange(a: Path, b: Path) -> None:
    """Swap the entries ``a`` and ``b`` atomically (``renameat2(..., RENAME_EXCHANGE)``).

    Raises
    ------
    NotImplementedError
        This system cannot exchange (no ``renameat2``, or a file system without support).
    OSError
        Any other failure.
    """
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError) as err:
        raise NotImplementedError("renameat2 is not available") from err
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    renameat2.restype = ctypes.c_int
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) != 0:
        code = ctypes.get_errno()
        if code in _NO_EXCHANGE:
            raise NotImplementedError(os.strerror(code))
        raise OSError(code, os.strerror(code), str(a))


def old_prefix(target: Path) -> str:
    """Prefix of the folder that holds a published folder's previous version during a swap."""
    return f".{target.name}.cpm-old-"


def stage_prefix(target: Path) -> str:
    """Prefix of the staged folder that becomes ``target``."""
    return f".{target.name}.cpm-build-"


def recover_directory(target: Path) -> Path | None:
    """Put back the previous version of ``target`` that a killed fallback swap left aside.

    Only where ``target`` is missing and the aside folder's owner is dead. Returns what it restored.
    """
    if target.exists() or target.is_symlink():
        return None
    for entry in sorted(target.parent.glob(f"{old_prefix(target)}*")):
        if entry.is_dir() and not entry.is_symlink() and _is_stale(entry):
            entry.rename(target)
            _fsync_dir(target.parent)
            log.warning("restored %s from %s, left aside by a run that was killed", target, entry.name)
            return entry
    return None


def publish_directory(staged: Path, target: Path) -> None:
    """Make the complete folder ``staged`` the folder ``target`` in one step; remove the old one.

    ``staged`` must be a sibling of ``target`` (same file system). Where ``target`` exists the two
    are exchanged with ``renameat2(RENAME_EXCHANGE)``: at every instant ``target`` is the old
    folder or the new one. Where the system cannot exchange, the old folder is renamed aside and
    the new one into place: for that instant ``target`` is missing, never mixed, and
    :func:`recover_directory` restores the old one if the run dies between the two renames.

    Raises
    ------
    OSError
        The swap failed; ``target`` is unchanged then.
    """
    sync_tree(staged)
    if not target.exists():
        staged.rename(target)
        _fsync_dir(target.parent)
        return
    try:
        _exchange(staged, target)
        old = staged  # the old version now lives under the staged name
    except NotImplementedError:
        old = Path(tempfile.mkdtemp(prefix=old_prefix(target), dir=target.parent))
        fd = os.open(target, os.O_RDONLY | os.O_DIRECTORY)
        try:
            _lock(fd)  # the aside folder is locked while this run lives (see recover_directory)
            old.rmdir()
            target.rename(old)
            try:
                staged.rename(target)
            except OSError:
                old.rename(target)  # put the old folder back: unchanged, as promised
                raise
        finally:
            os.close(fd)
    _fsync_dir(target.parent)
    shutil.rmtree(old, ignore_errors=True)


def read_snapshot(folder: Path, names: Sequence[str], *, attempts: int = 5) -> dict[str, bytes]:
    """The bytes of several files of ``folder``, all from one version of the folder.

    The folder is opened once and each file read relative to it, so a swap by
    :func:`publish_directory` in between cannot mix two versions; if the version being read is
    removed meanwhile, the read starts again on the new one.

    Raises
    ------
    FileNotFoundError
        ``folder`` or one of the files does not exist.
    """
    for attempt in range(attempts):
        dir_fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            out: dict[str, bytes] = {}
            for name in names:
                fd = os.open(name, os.O_RDONLY, dir_fd=dir_fd)
                with os.fdopen(fd, "rb") as fh:
                    out[name] = fh.read()
            return out
        except FileNotFoundError:
            if Path(folder).stat().st_ino == os.fstat(dir_fd).st_ino or attempt == attempts - 1:
                raise  # the folder was not swapped: the file is really missing
        finally:
            os.close(dir_fd)
    raise FileNotFoundError(errno.ENOENT, "the folder kept changing while it was read", str(folder))
