"""The catalogue cache: a validated catalogue kept as marshalled plain tuples, so that a large
catalogue is not parsed again on every command.

One file per catalogue path (as given: every record's `where` names it), sytrack version and code,
and Python. It is, in order: a format line; a CRC-32 of the header and indicators, the lengths of
the catalogue's bytes and of the header (4, 8 and 8 bytes, little-endian); the catalogue's exact
bytes, the header, a marshal of (path, plan, groups, orgs, the ids joined by newlines, where each
indicator ends, as 8-byte numbers); then each indicator's marshal. It serves only the exact bytes it holds, compared
in full, which costs a fifth of hashing them. Marshal holds only plain values here (text,
numbers, None, tuples): unlike a pickle, loading one runs no code. Anything wrong with a file
makes it a miss.
"""

from __future__ import annotations

import array
import datetime as dt
import functools
import marshal
import os
import stat
import sys
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

from sytrack.model import Allocation, Baseline, Catalogue, Group, Indicator, Org, Plan, Target, Where

FORMAT = b"sytrack catalogue cache 4\n"
KEEP = 16  # cache files kept: the most recent catalogues, or versions of one, are plenty
# The modules whose code decides what a cached catalogue holds: a changed sytrack never reads an
# older parse.
_CODE = (
    "catalogue/lines.py",
    "catalogue/fields.py",
    "catalogue/parse.py",
    "catalogue/orgs.py",
    "catalogue/cache.py",
    "model.py",
    "values.py",
    "errors.py",
)
PREFIX = len(FORMAT) + 20  # the format line, the CRC-32 and the two lengths


def cache_file(cache_dir: Path, path: str) -> Path | None:
    """The cache file for the catalogue at `path` under this sytrack, or None where sytrack's code
    is not plain files (a zipped install), which only means no cache."""
    from sytrack import __version__

    code = Path(__file__).parent.parent
    try:
        stamp = ",".join(str((code / name).stat().st_mtime_ns) for name in _CODE)
    except OSError:
        return None
    # The Python too: another version's tomllib may read the same bytes differently. Two keys that
    # share a CRC-32 only take turns in one file: the file names the path it was made for. (hashlib
    # would cost more to import than the whole cache saves on a small catalogue.)
    key = zlib.crc32(f"{path}\0{__version__}\0{sys.implementation.cache_tag}\0{stamp}".encode())
    return cache_dir / f"catalogue-{key:08x}.marshal"


def read_cache(cached: Path, path: str, data: bytes) -> Catalogue | None:
    """The catalogue cached in `cached` if it was made from exactly `data` read from `path`, else
    None: no such file, a file another user could have written (not the user's own, or writable by
    group or others), one made from other bytes (the catalogue was edited since), or one damaged."""
    try:
        # Non-blocking: a FIFO where the cache file should be must not hang the command.
        descriptor = os.open(cached, os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None
    try:
        with open(descriptor, "rb") as stream:
            status = os.fstat(descriptor)
            if not trusted(status):
                return None
            whole = stream.read(status.st_size + 1)  # the size at once: no buffer grown piece by piece
    except OSError:
        return None
    try:
        return _decode(whole, path, data)
    except Exception:  # noqa: BLE001 - a damaged or foreign cache file is only a miss
        return None


def trusted(status: os.stat_result) -> bool:
    """Whether a cache file may be read: a regular file of this user's that no one else may write.
    A cache folder shared with others must not let them choose the catalogue this user sees."""
    if not stat.S_ISREG(status.st_mode) or status.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return False
    return not hasattr(os, "geteuid") or status.st_uid == os.geteuid()


def _decode(whole: bytes, path: str, data: bytes) -> Catalogue | None:
    fields = whole[len(FORMAT) : PREFIX]
    crc, size, length = (int.from_bytes(fields[a:b], "little") for a, b in ((0, 4), (4, 12), (12, 20)))
    # bytes.startswith compares in place; a slice would copy the catalogue first.
    if whole[: len(FORMAT)] != FORMAT or size != len(data) or not whole.startswith(data, PREFIX):
        return None
    rest = memoryview(whole)[PREFIX + size :]
    if zlib.crc32(rest) != crc:
        return None  # damaged, or cut short
    made_for, plan, groups, orgs, ids, packed_ends = marshal.loads(rest[:length])
    ends = array.array("Q")
    ends.frombytes(packed_ends)
    if made_for != path or len(ends) != ids.count("\n") - 1 or length + ends[-1] != len(rest):
        return None
    indicators = _CachedIndicators(rest[length:], ids, ends)
    return Catalogue(
        path,
        decode(Plan, plan),
        tuple(decode(Group, g) for g in groups),
        cached=indicators,
        orgs=tuple(decode(Org, o) for o in orgs),
    )


class _CachedIndicators:
    """The cache's indicators, each decoded when first asked for: `record` against 10,000
    indicators decodes one. The file's bytes are in memory already (checked whole by their CRC-32),
    so nothing stays open and nothing can fail later. Ids are found in one text ("\\nid\\n..."),
    which costs nothing to load, where a dict of 10,000 would cost a millisecond."""

    def __init__(self, body: memoryview, ids: str, ends: array.array) -> None:
        self._body, self._ids, self._ends = body, ids, ends
        self._decoded: dict[int, Indicator] = {}
        self._lookups = 0
        self._index: dict[str, int] | None = None

    SEARCHES_BEFORE_INDEX = 16

    def ids(self) -> list[str]:
        return self._ids[1:-1].split("\n")

    def decode(self, indicator_id: str) -> Indicator | None:
        # A few lookups search the text; a command that asks for many (a log naming thousands of
        # indicators) builds the index once instead of searching 10,000 ids for each.
        self._lookups += 1
        if self._index is None and self._lookups > self.SEARCHES_BEFORE_INDEX:
            self._index = {indicator: n for n, indicator in enumerate(self.ids())}
        if self._index is not None:
            position = self._index.get(indicator_id)
            return None if position is None else self._decode(position)
        if "\n" in indicator_id or not indicator_id:
            return None  # would match across two ids
        at = self._ids.find(f"\n{indicator_id}\n")
        return None if at < 0 else self._decode(self._ids.count("\n", 0, at))

    def decode_all(self) -> tuple[Indicator, ...]:
        return tuple(map(self._decode, range(len(self._ends))))

    def _decode(self, position: int) -> Indicator:
        found = self._decoded.get(position)
        if found is None:
            begin = self._ends[position - 1] if position else 0
            found = self._decoded[position] = decode(Indicator, marshal.loads(self._body[begin : self._ends[position]]))
        return found


# ---------------------------------------------------------------------------------------------
# Records as plain tuples. Dates become day numbers; a field that holds records says which.

_DATE_FIELDS = {"start", "deadline", "date"}
_RECORD_FIELDS: dict[str, type[NamedTuple]] = {"where": Where, "baseline": Baseline}
_RECORDS_FIELDS: dict[str, type[NamedTuple]] = {"targets": Target, "allocations": Allocation}


def encode(value: Any) -> Any:
    """A record (or any value it holds) as plain values marshal can hold."""
    if isinstance(value, dt.date):
        return value.toordinal()
    if isinstance(value, tuple):
        return tuple(map(encode, value))
    return value


def decode(kind: type[NamedTuple], row: tuple) -> Any:
    """The record of type `kind` that `encode` made `row` from."""
    special = _specials(kind)
    if not special:
        return kind._make(row)
    fields = list(row)
    for position, convert in special:
        if fields[position] is not None:
            fields[position] = convert(fields[position])
    return kind._make(fields)


_SPECIALS: dict[type[NamedTuple], list[tuple[int, Callable[[Any], Any]]]] = {}


def _decode_all(kind: type[NamedTuple], rows: tuple) -> tuple:
    return tuple(decode(kind, row) for row in rows)


def _specials(kind: type[NamedTuple]) -> list[tuple[int, Callable[[Any], Any]]]:
    """The positions of `kind`'s fields that hold a date or records, with how to rebuild them."""
    if kind not in _SPECIALS:
        special: list[tuple[int, Callable[[Any], Any]]] = []
        for position, name in enumerate(kind._fields):
            if name in _DATE_FIELDS:
                special.append((position, dt.date.fromordinal))
            elif name in _RECORD_FIELDS:
                special.append((position, functools.partial(decode, _RECORD_FIELDS[name])))
            elif name in _RECORDS_FIELDS:
                special.append((position, functools.partial(_decode_all, _RECORDS_FIELDS[name])))
        _SPECIALS[kind] = special
    return _SPECIALS[kind]


# ---------------------------------------------------------------------------------------------
# Writing, best effort: a cache that cannot be written costs speed, never correctness.


def write_cache(cached: Path, catalogue: Catalogue, data: bytes) -> None:
    import contextlib
    import itertools
    import tempfile

    with contextlib.suppress(OSError, ValueError):  # ValueError: a value marshal cannot hold
        cached.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        _prune(cached.parent)
        blobs = [marshal.dumps(encode(i)) for i in catalogue.indicators]
        ids = "".join(f"\n{i.id}" for i in catalogue.indicators) + "\n"
        header = marshal.dumps(
            (
                catalogue.path,
                encode(catalogue.plan),
                encode(catalogue.groups),
                encode(catalogue.orgs),
                ids,
                array.array("Q", itertools.accumulate(map(len, blobs))).tobytes(),
            )
        )
        rest = header + b"".join(blobs)
        handle, temporary = tempfile.mkstemp(dir=cached.parent, prefix=".catalogue-", suffix=".tmp")  # mode 0600
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(
                    FORMAT
                    + zlib.crc32(rest).to_bytes(4, "little")
                    + len(data).to_bytes(8, "little")
                    + len(header).to_bytes(8, "little")
                )
                stream.write(data)
                stream.write(rest)
            os.replace(temporary, cached)
        finally:
            with contextlib.suppress(OSError):
                os.unlink(temporary)  # gone already when it was put in place


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

    existing = sorted(folder.glob("catalogue-*"), key=modified)
    abandoned = [p for p in folder.glob(".catalogue-*.tmp") if modified(p) < time.time() - 3600]
    for old in existing[: -(KEEP - 1)] + abandoned:
        with contextlib.suppress(OSError):  # on Windows, one another sytrack is reading stays
            old.unlink()
