"""The catalogue cache: a validated catalogue kept one pickle per indicator, used only for the exact
bytes it was made from, so a large catalogue is not parsed again on every command.

A cache file is, in order: a format line; the catalogue's length (8 bytes, little-endian) and its
bytes; the header's length and CRC-32 (8 and 4 bytes); the header, a pickle of (plan, groups, each
id's position, where each indicator's pickle ends, each pickle's CRC-32); then the indicators'
pickles. Anything wrong with a cache file makes it a miss: it costs time, never correctness.
"""

from __future__ import annotations

import io
import os
import stat
import sys
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from sytrack.model import Catalogue, Indicator

FORMAT = b"sytrack catalogue cache 3\n"
KEEP = 16  # cache files kept: the most recent catalogues, or versions of one, are plenty
# The modules whose code decides what a cached catalogue holds: a changed sytrack never reads an
# older parse.
_CODE = ("catalogue/lines.py", "catalogue/fields.py", "catalogue/parse.py", "catalogue/cache.py", "model.py",
         "values.py", "errors.py")


def cache_file(cache_dir: Path, path: Path) -> Path | None:
    """The cache file for a catalogue path under this sytrack's code, or None where that code is
    not plain files (a zipped install), which only means no cache."""
    from sytrack import __version__

    code = Path(__file__).parent.parent
    try:
        stamp = "".join(str((code / name).stat().st_mtime_ns) for name in _CODE)
        where = path.resolve()
    except OSError:
        return None
    # The Python too: another version's tomllib or pickle may read the same bytes differently.
    python = sys.implementation.cache_tag
    key = zlib.crc32(f"{where}\0{path}\0{__version__}\0{python}\0{stamp}".encode())
    return cache_dir / f"catalogue-{key:08x}.pickle"


def read_cache(cached: Path, path: str, data: bytes, parse: Callable[[], Catalogue]) -> Catalogue | None:
    """The catalogue cached in `cached` if it was made from exactly `data`, else None. `parse`
    reads `data` itself, for an indicator whose pickle turns out to be damaged.

    Only the header is read here: the file stays open until the catalogue is closed (or every
    indicator has been read), and each indicator is read when asked for, so `record` against
    10,000 indicators reads one. An open file keeps its contents if another sytrack replaces it
    meanwhile; each pickle's CRC-32 catches anything else that changes it."""
    try:
        # Non-blocking: a FIFO where the cache file should be must not hang the command.
        descriptor = os.open(cached, os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None
    try:
        header = None
        if stat.S_ISREG(os.fstat(descriptor).st_mode):  # not a folder or a device
            # The descriptor is closed by whoever ends up holding it, not by a file object's
            # finaliser, which would warn when a catalogue is only freed by the cycle collector.
            stream = io.FileIO(descriptor, "rb", closefd=False)
            header = _header(stream, data)
    except Exception:  # noqa: BLE001 - a partial or foreign cache file is only a miss
        header = None
    except BaseException:  # interrupted: nothing may stay open
        os.close(descriptor)
        raise
    if header is None:
        os.close(descriptor)
        return None
    plan, groups, positions, ends, crcs = header
    indicators = _CachedIndicators(cached, descriptor, stream, data, positions, ends, crcs, parse)
    return Catalogue(path, plan, groups, cached=indicators)


def _header(stream: BinaryIO, data: bytes) -> tuple | None:
    """The header of a cache file made from exactly `data`, the stream left where the pickles
    start; None for another format, a file made from other bytes (the catalogue was edited since)
    or one cut short."""
    import pickle

    if _read(stream, len(FORMAT)) != FORMAT or int.from_bytes(_read(stream, 8), "little") != len(data):
        return None
    if not _same(stream, data):
        return None  # made from other bytes: the catalogue was edited since
    length, crc = int.from_bytes(_read(stream, 8), "little"), int.from_bytes(_read(stream, 4), "little")
    if length > os.fstat(stream.fileno()).st_size - stream.tell():
        return None  # a damaged length: do not try to read gigabytes
    header = _read(stream, length)
    if zlib.crc32(header) != crc:
        return None
    plan, groups, positions, ends, crcs = pickle.loads(header)
    if not (isinstance(positions, dict) and len(positions) == len(ends) == len(crcs) > 0):
        return None
    start = stream.tell()
    if stream.seek(0, 2) - start != ends[-1]:
        return None  # cut short, or too long
    stream.seek(start)
    return plan, groups, positions, ends, crcs


def _read(stream: BinaryIO, size: int) -> bytes:
    """Exactly `size` bytes, or fewer at the end of the file (a raw file may return less at once)."""
    parts = []
    while size > 0 and (part := stream.read(size)):
        parts.append(part)
        size -= len(part)
    return b"".join(parts)


def _same(stream: BinaryIO, data: bytes, chunk: int = 1 << 20) -> bool:
    """Whether the stream goes on with exactly `data`: compared a piece at a time in one reused
    buffer, which for a large catalogue is several times faster than reading a copy of it."""
    buffer, expected = bytearray(chunk), memoryview(data)
    for offset in range(0, len(data), chunk):
        piece = expected[offset:offset + chunk]
        if len(piece) < chunk:
            buffer = bytearray(len(piece))
        filled, view = 0, memoryview(buffer)
        while filled < len(piece) and (count := stream.readinto(view[filled:])):
            filled += count
        view.release()
        # A bytearray compares with any buffer by memcmp; two memoryviews would go item by item.
        if filled < len(piece) or buffer != piece:
            return False
    return True


class _CachedIndicators:
    """The cache's indicators, each read and decoded when first asked for. A pickle that cannot be
    read whole or whose CRC-32 does not match is a miss too: the catalogue's bytes, the very ones
    the cache was checked against, are parsed instead, and the cache file is written again."""

    def __init__(self, cached: Path, descriptor: int, stream: BinaryIO, data: bytes, positions: dict[str, int],
                 ends: tuple[int, ...], crcs: tuple[int, ...], parse: Callable[[], Catalogue]) -> None:
        """`stream` reads `descriptor`, which this closes; the pickles start where it stands."""
        self._cached, self._descriptor, self._stream, self._start = cached, descriptor, stream, stream.tell()
        self._data, self._positions, self._ends, self._crcs, self._parse = data, positions, ends, crcs, parse
        self._decoded: dict[int, Indicator] = {}
        self._parsed: Catalogue | None = None

    def __del__(self) -> None:
        self.close()

    def close(self) -> None:
        """Close the cache file: indicators already decoded stay; any other is read from the
        catalogue's bytes instead (as for a damaged cache, without writing the cache again)."""
        if self._descriptor >= 0:
            os.close(self._descriptor)
            self._descriptor = -1

    def ids(self) -> list[str]:
        return list(self._positions)

    def decode(self, indicator_id: str) -> Indicator | None:
        position = self._positions.get(indicator_id)
        return None if position is None else self._decode(position)

    def decode_all(self) -> tuple[Indicator, ...]:
        indicators = tuple(map(self._decode, range(len(self._ends))))
        self.close()  # every indicator is in memory now
        return indicators

    def _decode(self, position: int) -> Indicator:
        import pickle

        if self._parsed is not None:
            return self._parsed.indicators[position]
        found = self._decoded.get(position)
        if found is None:
            if self._descriptor < 0:  # closed: the catalogue's own bytes are the source now
                self._parsed = self._parse()
                return self._parsed.indicators[position]
            begin = self._ends[position - 1] if position else 0
            try:
                self._stream.seek(self._start + begin)
                piece = _read(self._stream, self._ends[position] - begin)
            except OSError:  # the file's server went away (a network home folder): read the catalogue
                piece = b""
            if zlib.crc32(piece) != self._crcs[position]:
                self._parsed = self._parse()
                self.close()  # Windows replaces no file that is open
                write_cache(self._cached, self._parsed, self._data)
                return self._parsed.indicators[position]
            found = self._decoded[position] = pickle.loads(piece)
        return found


def _prune(folder: Path) -> None:
    """Keep the folder small: the most recent cache files, and no temporary file a killed sytrack
    left behind (one more than an hour old is no other sytrack's work in progress)."""
    import contextlib
    import time

    def modified(path: Path) -> float:
        try:
            return path.stat().st_mtime
        except OSError:  # removed meanwhile by another sytrack
            return 0.0

    existing = sorted(folder.glob("catalogue-*.pickle"), key=modified)
    abandoned = [p for p in folder.glob(".catalogue-*.tmp") if modified(p) < time.time() - 3600]
    for old in existing[:-(KEEP - 1)] + abandoned:
        with contextlib.suppress(OSError):  # on Windows, one another sytrack is reading stays
            old.unlink()


def write_cache(cached: Path, catalogue: Catalogue, data: bytes) -> None:
    """Best effort: a cache that cannot be written costs speed, never correctness."""
    import contextlib
    import itertools
    import pickle
    import tempfile

    with contextlib.suppress(OSError):
        cached.parent.mkdir(parents=True, exist_ok=True)
        _prune(cached.parent)
        pickles = [pickle.dumps(i, protocol=pickle.HIGHEST_PROTOCOL) for i in catalogue.indicators]
        positions = {indicator.id: n for n, indicator in enumerate(catalogue.indicators)}
        header = pickle.dumps((catalogue.plan, catalogue.groups, positions, tuple(itertools.accumulate(map(len, pickles))),
                               tuple(map(zlib.crc32, pickles))), protocol=pickle.HIGHEST_PROTOCOL)
        handle, temporary = tempfile.mkstemp(dir=cached.parent, prefix=".catalogue-", suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(FORMAT + len(data).to_bytes(8, "little"))
                stream.write(data)
                stream.write(len(header).to_bytes(8, "little") + zlib.crc32(header).to_bytes(4, "little"))
                stream.write(header)
                stream.writelines(pickles)
            os.replace(temporary, cached)
        finally:
            with contextlib.suppress(OSError):
                os.unlink(temporary)  # gone already when it was put in place
