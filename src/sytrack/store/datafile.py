"""The SQLite data file on disk: only a regular file is opened, and a new one appears whole or not at all."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import stat
import tempfile
from collections.abc import Callable
from glob import escape as glob_escape
from pathlib import Path

from sytrack.errors import SytrackError, UsageError

_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISSOCK, "a socket"),
)


def is_data_file(path: Path) -> bool:
    """True when `path` is a regular file (or a symlink to one), False when nothing is there yet.
    Anything else is refused before SQLite opens it: a FIFO would hang it, a device would get a
    stray -journal beside it, a folder cannot hold the data. A refusal is usage (exit 2): the
    path is what --db, SYTRACK_DB or the catalogue's place said."""
    try:
        mode = os.stat(path).st_mode  # follows symlinks: a link to a data file is that file
    except FileNotFoundError:
        return False  # nothing there, or a symlink to nothing yet: the first write creates its target
    except NotADirectoryError:
        raise UsageError(f"{path}: a part of this path is a file, not a folder; give a data file's path") from None
    except OSError as error:
        raise SytrackError(f"{path}: cannot read the data file: {error.strerror}") from None
    if stat.S_ISREG(mode):
        return True
    kind = next((name for test, name in _KINDS if test(mode)), "not a regular file")
    example = f" such as {path / 'plan.db'}" if stat.S_ISDIR(mode) else ""
    raise UsageError(f"{path} is {kind}, not a data file: give the path of a file{example} (--db or SYTRACK_DB)")


def create_atomically(path: Path, build: Callable[[sqlite3.Connection], None]) -> None:
    """Make the data file whole beside `path` under a temporary name, then link it into place.

    A process killed at any point leaves either no data file or a complete one (at worst a
    temporary file beside it). A hard link, unlike a rename, never replaces a data file another
    sytrack created meanwhile: then that one is used and ours is dropped."""
    target = Path(os.path.realpath(path))  # a symlink to nothing yet: create what it points at
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".new", dir=target.parent)
    except OSError as error:
        raise SytrackError(f"{target.parent}: cannot create the data file here: {error.strerror}") from None
    os.close(handle)
    temporary = Path(name)
    try:
        connection = sqlite3.connect(temporary, isolation_level=None)
        try:
            build(connection)
        finally:
            connection.close()  # the last connection: its -wal is checkpointed and removed
        _make_durable(temporary, _new_file_mode())
        _link_into_place(temporary, target)
        _remove_stale_temporaries(target)
    finally:
        for leftover in (temporary, Path(f"{temporary}-wal"), Path(f"{temporary}-shm"), Path(f"{temporary}-journal")):
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()


# A temporary file this old was left by a creation that was killed: no live one takes so long.
STALE_SECONDS = 600


def _remove_stale_temporaries(target: Path) -> None:
    import time

    for leftover in target.parent.glob(f".{glob_escape(target.name)}.*.new*"):
        with contextlib.suppress(OSError):
            if time.time() - leftover.stat().st_mtime > STALE_SECONDS:
                leftover.unlink()


def _link_into_place(temporary: Path, target: Path) -> None:
    try:
        os.link(temporary, target)
    except FileExistsError:
        return  # another sytrack created it first: its file is the data file
    except OSError:
        # A file system without hard links: a rename, unless a data file appeared meanwhile.
        if not target.exists():
            os.replace(temporary, target)
    _sync_folder(target.parent)


def _make_durable(path: Path, mode: int) -> None:
    os.chmod(path, mode)
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _sync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError):  # not every platform can open a folder
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def _new_file_mode() -> int:
    """What SQLite gives a file it creates (0666 less the umask); mkstemp's is private (0600)."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask
