"""Reading users' files, and writing files so that an interruption never leaves half a file where a good one was."""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, BinaryIO

from sytrack.errors import SytrackError

# Errors of the disk rather than of the program: said in one line, the old file kept.
_DISK_ERRORS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO, errno.EROFS}


def read_user_file(path: Path) -> bytes:
    """The bytes of a file a user names (see open_user_file)."""
    with open_user_file(path) as stream:
        try:
            return stream.read()
        except OSError as error:
            raise SytrackError(f"{path}: cannot read: {error.strerror}") from None


def open_user_file(path: Path) -> BinaryIO:
    """A file a user names, open for reading bytes. Only a regular file is opened: a FIFO would
    hang the command and a device would never end; standard input is `-`. Opened without
    blocking, so that a FIFO with no writer is refused rather than waited on. (Import reads its
    file through this stream, a chunk at a time, instead of holding a million rows' bytes.)"""
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except IsADirectoryError:
        raise SytrackError(f"{path}: is a folder; name a file") from None
    except OSError as error:
        raise SytrackError(f"{path}: cannot read: {error.strerror}") from None
    mode = os.fstat(descriptor).st_mode
    if not stat.S_ISREG(mode):
        os.close(descriptor)
        if stat.S_ISDIR(mode):
            raise SytrackError(f"{path}: is a folder; name a file")
        raise SytrackError(f"{path}: not a regular file; name a file, or use - to read standard input")
    return os.fdopen(descriptor, "rb")


@contextlib.contextmanager
def atomic_writer(path: Path, mode: str = "w", encoding: str | None = "utf-8") -> Iterator[IO]:
    """Yield a stream for `path`. A regular file (or none yet) is replaced in one rename on
    success, and left as it was on failure; a symbolic link is written through to its target; a
    character device or FIFO (`-o /dev/null`, a named pipe) is written into as a stream, never
    replaced; anything else is refused. A full disk is one line, not a traceback."""
    target = Path(os.path.realpath(path))
    try:
        mode_bits = os.stat(target).st_mode
    except FileNotFoundError:
        mode_bits = None
    except OSError as error:
        raise SytrackError(f"{path}: cannot write: {error.strerror}") from None
    kwargs: dict[str, Any] = {"encoding": encoding, "newline": ""} if "b" not in mode else {}
    try:
        if mode_bits is None or stat.S_ISREG(mode_bits):
            with _replacing(target, path, mode, kwargs, mode_bits) as stream:
                yield stream
        elif stat.S_ISCHR(mode_bits) or stat.S_ISFIFO(mode_bits):
            with open(target, mode, **kwargs) as stream:
                yield stream
        else:
            what = "a folder" if stat.S_ISDIR(mode_bits) else "not a regular file"
            raise SytrackError(f"{path}: is {what}; name a file to write")
    except OSError as error:
        if error.errno not in _DISK_ERRORS:
            raise
        raise SytrackError(f"{path}: cannot write: {error.strerror}; nothing was changed") from None


@contextlib.contextmanager
def _replacing(target: Path, shown: Path, mode: str, kwargs: dict, mode_bits: int | None) -> Iterator[IO]:
    folder = target.parent
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as error:
        raise SytrackError(f"{shown}: cannot write here: {error.strerror}") from None
    try:
        with os.fdopen(handle, mode, **kwargs) as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        # mkstemp makes the file private (0600): give it the mode of the file it replaces, else the
        # mode any new file gets (0666 less the umask).
        os.chmod(temporary, mode_bits & 0o7777 if mode_bits is not None else 0o666 & ~_umask())
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_text_atomic(path: Path, text: str) -> None:
    with atomic_writer(path, "wb") as stream:
        stream.write(text.encode("utf-8"))
